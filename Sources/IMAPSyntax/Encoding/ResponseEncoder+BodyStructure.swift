import NIOCore

// `envelope` and `body` (RFC 9051 §7.5.2, §9; RFC 3501 §7.4.2).

extension ResponseEncoder {
    /// Writes `envelope`: `(date subject from sender reply-to to cc bcc in-reply-to
    /// message-id)`; an empty address list is NIL.
    func writeEnvelope(_ envelope: Envelope, into buffer: inout ByteBuffer) {
        buffer.writeByte(UInt8(ascii: "("))
        writeNString(envelope.date, into: &buffer)
        buffer.writeSpace()
        writeNString(envelope.subject, into: &buffer)
        buffer.writeSpace()
        writeAddresses(envelope.from, into: &buffer)
        buffer.writeSpace()
        writeAddresses(envelope.sender, into: &buffer)
        buffer.writeSpace()
        writeAddresses(envelope.replyTo, into: &buffer)
        buffer.writeSpace()
        writeAddresses(envelope.to, into: &buffer)
        buffer.writeSpace()
        writeAddresses(envelope.cc, into: &buffer)
        buffer.writeSpace()
        writeAddresses(envelope.bcc, into: &buffer)
        buffer.writeSpace()
        writeNString(envelope.inReplyTo, into: &buffer)
        buffer.writeSpace()
        writeNString(envelope.messageID, into: &buffer)
        buffer.writeByte(UInt8(ascii: ")"))
    }

    /// `"(" 1*address ")" / nil`; addresses follow each other without SP.
    func writeAddresses(_ addresses: [EnvelopeAddress], into buffer: inout ByteBuffer) {
        guard !addresses.isEmpty else {
            buffer.writeStaticString("NIL")
            return
        }
        buffer.writeByte(UInt8(ascii: "("))
        for address in addresses {
            buffer.writeByte(UInt8(ascii: "("))
            writeNString(address.name, into: &buffer)
            buffer.writeSpace()
            writeNString(address.adl, into: &buffer)
            buffer.writeSpace()
            writeNString(address.mailbox, into: &buffer)
            buffer.writeSpace()
            writeNString(address.host, into: &buffer)
            buffer.writeByte(UInt8(ascii: ")"))
        }
        buffer.writeByte(UInt8(ascii: ")"))
    }

    /// Writes `body`. With `extensible` (BODYSTRUCTURE) every part carries its extension data
    /// (`body-ext-1part`: md5 dsp lang loc; `body-ext-mpart`: param dsp lang loc); the
    /// non-extensible form (BODY) carries none (RFC 9051 §7.5.2).
    func writeBody(_ body: BodyStructure, extensible: Bool, into buffer: inout ByteBuffer) {
        buffer.writeByte(UInt8(ascii: "("))
        switch body {
        case .single(let part):
            writeSinglePart(part, extensible: extensible, into: &buffer)
        case .multipart(let multipart):
            // `body-type-mpart = 1*body SP media-subtype [SP body-ext-mpart]`.
            for part in multipart.parts {
                writeBody(part, extensible: extensible, into: &buffer)
            }
            if !multipart.parts.isEmpty { buffer.writeSpace() }
            writeString(multipart.subtype, into: &buffer)
            if extensible {
                buffer.writeSpace()
                writeParameters(multipart.parameters, into: &buffer)
                writeExtension(multipart.extensionData, into: &buffer)
            }
        }
        buffer.writeByte(UInt8(ascii: ")"))
    }

    /// `body-type-1part`: type, subtype, `body-fields`, the kind's fields, then (extensible
    /// only) `body-ext-1part`.
    func writeSinglePart(_ part: BodyStructure.SinglePart, extensible: Bool,
                         into buffer: inout ByteBuffer) {
        writeString(part.type, into: &buffer)
        buffer.writeSpace()
        writeString(part.subtype, into: &buffer)
        buffer.writeSpace()
        writeParameters(part.parameters, into: &buffer)
        buffer.writeSpace()
        writeNString(part.id, into: &buffer)
        buffer.writeSpace()
        writeNString(part.description, into: &buffer)
        buffer.writeSpace()
        writeString(part.encoding, into: &buffer)
        buffer.writeSpace()
        buffer.writeDecimal(part.octets)
        switch part.kind {
        case .basic:
            break
        case .text(let lines):
            buffer.writeSpace()
            buffer.writeDecimal(lines)
        case .message(let envelope, let body, let lines):
            buffer.writeSpace()
            writeEnvelope(envelope, into: &buffer)
            buffer.writeSpace()
            writeBody(body, extensible: extensible, into: &buffer)
            buffer.writeSpace()
            buffer.writeDecimal(lines)
        }
        if extensible {
            buffer.writeSpace()
            writeNString(part.md5, into: &buffer)
            writeExtension(part.extensionData, into: &buffer)
        }
    }

    /// `body-fld-param` (RFC 9051 §9): `("CHARSET" "US-ASCII")`, NIL when empty.
    func writeParameters(_ parameters: [BodyParameter], into buffer: inout ByteBuffer) {
        guard !parameters.isEmpty else {
            buffer.writeStaticString("NIL")
            return
        }
        buffer.writeByte(UInt8(ascii: "("))
        for (index, parameter) in parameters.enumerated() {
            if index > 0 { buffer.writeSpace() }
            writeString(parameter.name, into: &buffer)
            buffer.writeSpace()
            writeString(parameter.value, into: &buffer)
        }
        buffer.writeByte(UInt8(ascii: ")"))
    }

    /// ` body-fld-dsp SP body-fld-lang SP body-fld-loc`, each field preceded by SP.
    func writeExtension(_ data: BodyExtension, into buffer: inout ByteBuffer) {
        buffer.writeSpace()
        if let disposition = data.disposition {
            // `"(" string SP body-fld-param ")"`.
            buffer.writeByte(UInt8(ascii: "("))
            writeString(disposition.type, into: &buffer)
            buffer.writeSpace()
            writeParameters(disposition.parameters, into: &buffer)
            buffer.writeByte(UInt8(ascii: ")"))
        } else {
            buffer.writeStaticString("NIL")
        }
        buffer.writeSpace()
        // `body-fld-lang = nstring / "(" string *(SP string) ")"`.
        // body-fld-lang may be one string or a list (RFC 9051 §9); like Dovecot, always a list.
        if data.language.isEmpty {
            buffer.writeStaticString("NIL")
        } else {
            buffer.writeByte(UInt8(ascii: "("))
            for (index, language) in data.language.enumerated() {
                if index > 0 { buffer.writeSpace() }
                writeString(language, into: &buffer)
            }
            buffer.writeByte(UInt8(ascii: ")"))
        }
        buffer.writeSpace()
        writeNString(data.location, into: &buffer)
    }
}
