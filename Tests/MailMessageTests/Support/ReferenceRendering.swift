import MailMessage

/// Renders ENVELOPE and BODYSTRUCTURE (RFC 9051 §7.5.2) from a `MessageStructure` the way
/// Dovecot 2.3 fills in defaults, as a canonical S-expression: strings quoted with `"`, `\` and
/// bytes outside 0x20...0x7E written as \xHH, lists space-separated. Recorded Dovecot answers
/// are stored in the same form, so a test compares structure and bytes, not quoting choices.
enum ReferenceRendering {
    indirect enum Node {
        case nilValue
        case number(Int)
        case string([UInt8])
        case list([Node])

        var canonical: String {
            switch self {
            case .nilValue: return "NIL"
            case let .number(value): return String(value)
            case let .string(bytes):
                var text = "\""
                for byte in bytes {
                    if byte == 0x22 || byte == 0x5C || byte < 0x20 || byte >= 0x7F {
                        let hex = String(byte, radix: 16)
                        text += "\\x" + (hex.count == 1 ? "0" + hex : hex)
                    } else {
                        text.unicodeScalars.append(Unicode.Scalar(byte))
                    }
                }
                return text + "\""
            case let .list(items): return "(" + items.map(\.canonical).joined(separator: " ") + ")"
            }
        }
    }

    static func string(_ text: String) -> Node { .string(Array(text.utf8)) }
    static func nstring(_ bytes: [UInt8]?) -> Node { bytes.map(Node.string) ?? .nilValue }

    static func addresses(_ list: [Address]) -> Node {
        guard !list.isEmpty else { return .nilValue }
        return .list(list.map {
            .list([nstring($0.name), nstring($0.route), nstring($0.mailbox), nstring($0.host)])
        })
    }

    /// ENVELOPE with RFC 9051 §7.5.2's defaults: Sender and Reply-To fall back to From.
    static func envelope(_ envelope: Envelope) -> Node {
        .list([
            nstring(envelope.date), nstring(envelope.subject), addresses(envelope.from),
            addresses(envelope.sender.isEmpty ? envelope.from : envelope.sender),
            addresses(envelope.replyTo.isEmpty ? envelope.from : envelope.replyTo),
            addresses(envelope.to), addresses(envelope.cc), addresses(envelope.bcc),
            nstring(envelope.inReplyTo), nstring(envelope.messageID),
        ])
    }

    static func parameters(_ list: [MIMEParameter], defaultCharset: Bool) -> Node {
        var items: [Node] = []
        var sawCharset = false
        for parameter in list {
            if parameter.name.lowercased() == "charset" { sawCharset = true }
            items.append(string(parameter.name))
            items.append(.string(parameter.value))
        }
        if defaultCharset, !sawCharset { items += [string("charset"), string("us-ascii")] }
        return items.isEmpty ? .nilValue : .list(items)
    }

    static func extensionData(_ content: ContentFields) -> [Node] {
        let disposition: Node = content.disposition.map {
            .list([string($0), parameters(content.dispositionParameters, defaultCharset: false)])
        } ?? .nilValue
        let language: Node = content.language.isEmpty ? .nilValue : .list(content.language.map(string))
        return [disposition, language, nstring(content.location)]
    }

    static let emptyBody: Node = .list([
        string("text"), string("plain"), .list([string("charset"), string("us-ascii")]),
        .nilValue, .nilValue, string("7bit"), .number(0), .number(0),
        .nilValue, .nilValue, .nilValue, .nilValue,
    ])

    /// BODYSTRUCTURE (extended form).
    static func bodyStructure(_ part: MessagePart) -> Node {
        let content = part.content
        if case let .multipart(children) = part.kind {
            var items = children.isEmpty ? [emptyBody] : children.map(bodyStructure)
            items.append(string(content.subtype ?? ""))
            items.append(parameters(content.parameters, defaultCharset: false))
            items += extensionData(content)
            return .list(items)
        }
        var items: [Node] = []
        var text = false
        if case .message = part.kind {
            items += [string(part.mediaType), string(part.mediaSubtype)]
        } else if let type = content.type {
            text = type.lowercased() == "text"
            items += [string(type), string(content.subtype ?? "")]
        } else {
            text = true
            items += [string("text"), string("plain")]
        }
        items.append(parameters(content.parameters, defaultCharset: text))
        items += [nstring(content.id), nstring(content.description),
                  string(content.transferEncoding ?? "7bit"), .number(part.bodyRange.count)]
        if text {
            items.append(.number(part.bodyLines))
        } else if case let .message(envelope, inner) = part.kind {
            items += [self.envelope(envelope), bodyStructure(inner), .number(part.bodyLines)]
        }
        items.append(nstring(content.md5))
        items += extensionData(content)
        return .list(items)
    }

    /// The two lines a recorded Dovecot answer holds.
    static func render(_ structure: MessageStructure) -> String {
        envelope(structure.envelope).canonical + "\n" + bodyStructure(structure.root).canonical + "\n"
    }
}
