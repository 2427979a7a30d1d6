/// Turns the fields of a header block into the MIME fields of the part and, for a message
/// header, the envelope.
enum HeaderInterpreter {
    enum FieldKind: UInt8 {
        case contentType, contentTransferEncoding, contentID, contentDescription
        case contentDisposition, contentLanguage, contentLocation, contentMD5, mimeVersion
        case date, subject, from, sender, replyTo, to, cc, bcc, inReplyTo, messageID
    }

    private static let names: [(name: [UInt8], kind: FieldKind)] = ([
        ("content-type", .contentType), ("content-transfer-encoding", .contentTransferEncoding),
        ("content-id", .contentID), ("content-description", .contentDescription),
        ("content-disposition", .contentDisposition), ("content-language", .contentLanguage),
        ("content-location", .contentLocation), ("content-md5", .contentMD5),
        ("mime-version", .mimeVersion), ("date", .date), ("subject", .subject),
        ("from", .from), ("sender", .sender), ("reply-to", .replyTo), ("to", .to),
        ("cc", .cc), ("bcc", .bcc), ("in-reply-to", .inReplyTo), ("message-id", .messageID),
    ] as [(String, FieldKind)]).map { (Array($0.0.utf8), $0.1) }

    /// The kind of a field by name (ASCII case-insensitive), nil for any other field.
    static func kind(of field: HeaderField, in buffer: UnsafeRawBufferPointer) -> FieldKind? {
        guard field.hasColon else { return nil }
        let range = field.nameRange
        let count = range.count
        guard count >= 2, count <= 25 else { return nil }
        let first = ASCII.lowercased(buffer[range.lowerBound])
        guard first == UInt8(ascii: "c") || first == UInt8(ascii: "m") || first == UInt8(ascii: "d")
            || first == UInt8(ascii: "s") || first == UInt8(ascii: "f") || first == UInt8(ascii: "r")
            || first == UInt8(ascii: "t") || first == UInt8(ascii: "b") || first == UInt8(ascii: "i")
        else { return nil }
        candidates: for entry in names where entry.name.count == count && entry.name[0] == first {
            var offset = 1
            while offset < count {
                if ASCII.lowercased(buffer[range.lowerBound + offset]) != entry.name[offset] {
                    continue candidates
                }
                offset += 1
            }
            return entry.kind
        }
        return nil
    }

    struct Result {
        var content: ContentFields
        var envelope: Envelope?
        var contentType: MIMEFieldParser.ContentType?
    }

    /// Interprets the fields. `isMIMEChild` is true for a body part of a multipart, whose
    /// Content-* fields always count; elsewhere they count only with MIME-Version or
    /// Content-Type present. `wantsEnvelope` is true for a message header.
    static func interpret(_ fields: [HeaderField], in buffer: UnsafeRawBufferPointer,
                          isMIMEChild: Bool, wantsEnvelope: Bool) -> Result {
        var content = ContentFields()
        var contentType: MIMEFieldParser.ContentType?
        var seen: UInt16 = 0
        var sawMIMEVersion = false
        var envelope = Envelope()

        func value(_ field: HeaderField) -> [UInt8] {
            HeaderScanner.fullValue(buffer, field, replacingNUL: true)
        }

        for field in fields {
            guard let kind = kind(of: field, in: buffer) else { continue }
            switch kind {
            case .mimeVersion:
                sawMIMEVersion = true
            case .contentType, .contentTransferEncoding, .contentID, .contentDescription,
                 .contentDisposition, .contentLanguage, .contentLocation, .contentMD5:
                let bit: UInt16 = 1 << UInt16(kind.rawValue)
                guard seen & bit == 0 else { continue }
                seen |= bit
                let fieldValue = value(field)
                switch kind {
                case .contentType:
                    let parsed = MIMEFieldParser.contentType(fieldValue)
                    contentType = parsed
                    content.type = parsed.type
                    content.subtype = parsed.subtype
                    content.parameters = parsed.parameters
                case .contentTransferEncoding:
                    content.transferEncoding = MIMEFieldParser.transferEncoding(fieldValue)
                case .contentID:
                    content.id = withoutLineBreaks(fieldValue)
                case .contentDescription:
                    content.description = withoutLineBreaks(fieldValue)
                case .contentMD5:
                    content.md5 = withoutLineBreaks(fieldValue)
                case .contentLocation:
                    content.location = withoutLineBreaks(fieldValue)
                case .contentLanguage:
                    content.language = MIMEFieldParser.language(fieldValue)
                case .contentDisposition:
                    if let (type, parameters) = MIMEFieldParser.disposition(fieldValue) {
                        content.disposition = type
                        content.dispositionParameters = parameters
                    }
                default:
                    break
                }
            case .date, .subject, .inReplyTo, .messageID:
                guard wantsEnvelope else { continue }
                let fieldValue = value(field)
                switch kind {
                case .date: envelope.date = withoutLineBreaks(fieldValue)
                case .subject: envelope.subject = readable(fieldValue)
                case .inReplyTo: envelope.inReplyTo = withoutLineBreaks(fieldValue)
                default: envelope.messageID = withoutLineBreaks(fieldValue)
                }
            case .from, .sender, .replyTo, .to, .cc, .bcc:
                guard wantsEnvelope else { continue }
                var addresses = AddressParser.parseAddressList(value(field))
                for index in addresses.indices {
                    if let name = addresses[index].name { addresses[index].name = readable(name) }
                }
                switch kind {
                case .from: envelope.from += addresses
                case .sender: envelope.sender += addresses
                case .replyTo: envelope.replyTo += addresses
                case .to: envelope.to += addresses
                case .cc: envelope.cc += addresses
                default: envelope.bcc += addresses
                }
            }
        }
        if !isMIMEChild, !sawMIMEVersion, contentType == nil {
            content = ContentFields()
        }
        return Result(content: content, envelope: wantsEnvelope ? envelope : nil,
                      contentType: contentType)
    }

    /// Removes CR and LF, putting a space where a line break was not followed by white space
    /// (Dovecot's rule for strings that must fit on one line).
    static func withoutLineBreaks(_ value: [UInt8]) -> [UInt8] {
        guard value.contains(where: { $0 == ASCII.cr || $0 == ASCII.lf }) else { return value }
        var output: [UInt8] = []
        output.reserveCapacity(value.count)
        for (index, byte) in value.enumerated() {
            if byte != ASCII.cr && byte != ASCII.lf {
                output.append(byte)
                continue
            }
            let next = index + 1 < value.count ? value[index + 1] : ASCII.nul
            if next != ASCII.space && next != ASCII.tab && next != ASCII.cr && next != ASCII.lf
                && next != ASCII.nul {
                output.append(ASCII.space)
            }
        }
        return output
    }

    /// Text for humans (Dovecot's treatment of Subject and display names in ENVELOPE): every
    /// run of SP, TAB, CR and LF becomes one space, none at the start or end; NUL becomes 0x80.
    static func readable(_ value: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(value.count)
        var lastWasSpace = true
        for byte in value {
            switch byte {
            case ASCII.space, ASCII.tab, ASCII.cr, ASCII.lf:
                if !lastWasSpace { output.append(ASCII.space) }
                lastWasSpace = true
            case ASCII.nul:
                output.append(0x80)
                lastWasSpace = false
            default:
                output.append(byte)
                lastWasSpace = false
            }
        }
        if output.last == ASCII.space { output.removeLast() }
        return output
    }
}
