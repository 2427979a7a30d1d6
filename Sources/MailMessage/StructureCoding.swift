/// Why a stored structure could not be decoded. Decoding checks every length, count and range,
/// so a damaged blob is reported, never trusted.
public enum StructureDecodingError: Error, Hashable, Sendable {
    /// The blob does not start with the format marker, or has a version this code does not read.
    case unsupportedFormat
    /// The blob ends in the middle of a value.
    case truncated
    /// A value is out of range or inconsistent (the reason names it).
    case malformed(String)
}

/// The stored form of `MessageStructure`: compact, versioned, fast to decode.
///
/// Layout (version 1): the marker bytes 0x4D 0x01; the message size; the envelope; the root
/// part. Integers are LEB128 varints. A byte string is a varint `code` — odd: entry `code >> 1`
/// of a fixed table of common tokens (text, plain, charset, utf-8, base64, ...); even: `code >> 1`
/// literal bytes follow. A part stores its header start as a distance from where the previous
/// sibling (or the parent's body) ended, its header and body lengths, its body line count, a
/// bit set of present fields and its kind, the fields, then its children. The token table is
/// append-only: entries never change meaning within a version.
extension MessageStructure {
    /// The format version written by `encoded()`.
    public static let encodingVersion: UInt8 = 1
    static let marker: UInt8 = 0x4D

    /// The compact binary form, to store beside the message.
    public func encoded() -> [UInt8] {
        var writer = StructureWriter()
        writer.bytes.reserveCapacity(128)
        writer.bytes.append(Self.marker)
        writer.bytes.append(Self.encodingVersion)
        writer.varint(size)
        writer.envelope(envelope)
        writer.part(root, cursor: 0)
        return writer.bytes
    }

    /// Decodes a stored structure; throws on anything malformed, never traps.
    /// With `skippingEnvelope` the top-level envelope is passed over and left empty, which
    /// halves the work when only the part tree is wanted (BODYSTRUCTURE, BODY[section]).
    public init(decoding bytes: UnsafeRawBufferPointer, skippingEnvelope: Bool = false) throws {
        var reader = try StructureReader(header: bytes)
        let size = try reader.varint(limit: Self.maximumSize)
        let envelope: Envelope
        if skippingEnvelope {
            try reader.skipEnvelope()
            envelope = Envelope()
        } else {
            envelope = try reader.envelope()
        }
        let root = try reader.part(cursor: 0, limit: size, depth: 0, anchored: true)
        guard root.bodyRange.upperBound == size else {
            throw StructureDecodingError.malformed("the root part does not span the message")
        }
        guard reader.remaining == 0 else { throw StructureDecodingError.malformed("trailing bytes") }
        self.init(size: size, envelope: envelope, root: root)
    }

    /// Decodes a stored structure held in an array.
    public init(decoding bytes: [UInt8], skippingEnvelope: Bool = false) throws {
        self = try bytes.withUnsafeBytes {
            try MessageStructure(decoding: $0, skippingEnvelope: skippingEnvelope)
        }
    }

    /// Decodes only the top-level envelope of a stored structure (FETCH ENVELOPE), without
    /// reading the part tree; the rest of the blob is not checked.
    public static func decodeEnvelope(from bytes: UnsafeRawBufferPointer) throws -> Envelope {
        var reader = try StructureReader(header: bytes)
        _ = try reader.varint(limit: maximumSize)
        return try reader.envelope()
    }

    /// Decodes only the top-level envelope of a stored structure held in an array.
    public static func decodeEnvelope(from bytes: [UInt8]) throws -> Envelope {
        try bytes.withUnsafeBytes { try decodeEnvelope(from: $0) }
    }

    static let maximumSize = Int(Int32.max) * 1024
}

/// The fixed token table of format version 1 (append-only).
enum StructureTokens {
    static let strings: [String] = [
        "text", "plain", "html", "multipart", "mixed", "alternative", "related", "message",
        "rfc822", "application", "octet-stream", "image", "charset", "us-ascii", "utf-8", "UTF-8",
        "iso-8859-1", "ISO-8859-1", "boundary", "name", "filename", "7bit", "8bit", "base64",
        "quoted-printable", "binary", "7BIT", "8BIT", "BASE64", "QUOTED-PRINTABLE", "attachment",
        "inline", "format", "flowed", "delsp", "yes", "pdf", "jpeg", "png", "gif", "zip",
        "calendar", "method", "signed", "protocol", "micalg", "report", "report-type",
        "delivery-status", "windows-1252", "Windows-1252", "US-ASCII", "TEXT", "PLAIN", "HTML",
        "MULTIPART", "MIXED", "ALTERNATIVE", "Text", "Plain", "type", "pgp-signature",
        "pkcs7-signature", "x-pkcs7-signature", "csv", "msword",
        "vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "vnd.openxmlformats-officedocument.wordprocessingml.document", "x-zip-compressed",
        "encrypted", "digest", "global", "partial", "external-body", "iso-8859-15",
        "ISO-8859-15", "size", "creation-date", "modification-date", "en", "en-US", "Attachment",
        "Inline", "json", "xml", "rtf", "DelSp", "Yes", "reply-type", "original", "Base64",
        "Quoted-Printable", "RELATED", "Mixed", "Alternative", "Related", "koi8-r", "gb2312",
        "big5", "shift_jis", "iso-2022-jp", "euc-kr", "windows-1251", "iso-8859-2",
    ]
    static let bytes: [[UInt8]] = strings.map { Array($0.utf8) }
    static let index: [[UInt8]: Int] = {
        var index: [[UInt8]: Int] = [:]
        for (position, token) in bytes.enumerated() { index[token] = position }
        return index
    }()
}

struct StructureWriter {
    var bytes: [UInt8] = []

    mutating func varint(_ value: Int) {
        var remaining = UInt64(max(value, 0))
        while remaining >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: remaining) | 0x80)
            remaining >>= 7
        }
        bytes.append(UInt8(remaining))
    }

    mutating func blob(_ value: [UInt8]) {
        if value.count <= 64, let position = StructureTokens.index[value] {
            varint(position << 1 | 1)
        } else {
            varint(value.count << 1)
            bytes += value
        }
    }

    mutating func string(_ value: String) { blob(Array(value.utf8)) }

    mutating func parameters(_ list: [MIMEParameter]) {
        varint(list.count)
        for parameter in list {
            string(parameter.name)
            blob(parameter.value)
        }
    }

    mutating func addresses(_ list: [Address]) {
        varint(list.count)
        for address in list {
            var flags = 0
            if address.name != nil { flags |= 1 }
            if address.route != nil { flags |= 2 }
            if address.mailbox != nil { flags |= 4 }
            if address.host != nil { flags |= 8 }
            bytes.append(UInt8(flags))
            for value in [address.name, address.route, address.mailbox, address.host] {
                if let value { blob(value) }
            }
        }
    }

    mutating func envelope(_ envelope: Envelope) {
        let strings = [envelope.date, envelope.subject, envelope.inReplyTo, envelope.messageID]
        let lists = [envelope.from, envelope.sender, envelope.replyTo, envelope.to, envelope.cc,
                     envelope.bcc]
        var flags = 0
        for (bit, value) in strings.enumerated() where value != nil { flags |= 1 << bit }
        for (bit, list) in lists.enumerated() where !list.isEmpty { flags |= 1 << (bit + 4) }
        varint(flags)
        for value in strings { if let value { blob(value) } }
        for list in lists where !list.isEmpty { addresses(list) }
    }

    /// Writes a part; `cursor` is where the previous sibling or the parent's body ended.
    mutating func part(_ part: MessagePart, cursor: Int) {
        varint(part.headerRange.lowerBound - cursor)
        varint(part.headerRange.count)
        varint(part.bodyRange.count)
        varint(part.bodyLines)
        let content = part.content
        var flags = 0
        if content.type != nil { flags |= 1 << 0 }
        if content.subtype != nil { flags |= 1 << 1 }
        if !content.parameters.isEmpty { flags |= 1 << 2 }
        if content.transferEncoding != nil { flags |= 1 << 3 }
        if content.id != nil { flags |= 1 << 4 }
        if content.description != nil { flags |= 1 << 5 }
        if content.md5 != nil { flags |= 1 << 6 }
        if content.disposition != nil { flags |= 1 << 7 }
        if !content.dispositionParameters.isEmpty { flags |= 1 << 8 }
        if !content.language.isEmpty { flags |= 1 << 9 }
        if content.location != nil { flags |= 1 << 10 }
        switch part.kind {
        case .single: break
        case .multipart: flags |= 1 << 11
        case .message: flags |= 2 << 11
        }
        varint(flags)
        if let type = content.type { string(type) }
        if let subtype = content.subtype { string(subtype) }
        if !content.parameters.isEmpty { parameters(content.parameters) }
        if let encoding = content.transferEncoding { string(encoding) }
        for value in [content.id, content.description, content.md5] { if let value { blob(value) } }
        if let disposition = content.disposition { string(disposition) }
        if !content.dispositionParameters.isEmpty { parameters(content.dispositionParameters) }
        if !content.language.isEmpty {
            varint(content.language.count)
            for tag in content.language { string(tag) }
        }
        if let location = content.location { blob(location) }
        switch part.kind {
        case .single:
            break
        case let .multipart(children):
            varint(children.count)
            var childCursor = part.bodyRange.lowerBound
            for child in children {
                self.part(child, cursor: childCursor)
                childCursor = child.bodyRange.upperBound
            }
        case let .message(envelope, inner):
            self.envelope(envelope)
            self.part(inner, cursor: part.bodyRange.lowerBound)
        }
    }
}
