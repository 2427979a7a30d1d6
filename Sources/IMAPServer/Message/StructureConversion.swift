import IMAPSyntax
import MailCore
import MailMessage

/// Turns a parsed message (MailMessage, which knows nothing of IMAP) into the ENVELOPE and
/// BODYSTRUCTURE values the encoder writes (RFC 3501 §7.4.2, RFC 9051 §7.5.2), filling in
/// defaults the way Dovecot does, so that clients see the same answers from both servers.
enum StructureConversion {
    /// ENVELOPE: a missing Sender or Reply-To is sent as the From list (RFC 9051 §7.5.2).
    static func envelope(_ source: MailMessage.Envelope) -> IMAPSyntax.Envelope {
        IMAPSyntax.Envelope(
            date: source.date, subject: source.subject,
            from: addresses(source.from),
            sender: addresses(source.sender.isEmpty ? source.from : source.sender),
            replyTo: addresses(source.replyTo.isEmpty ? source.from : source.replyTo),
            to: addresses(source.to), cc: addresses(source.cc), bcc: addresses(source.bcc),
            inReplyTo: source.inReplyTo, messageID: source.messageID)
    }

    private static func addresses(_ list: [Address]) -> [EnvelopeAddress] {
        list.map { EnvelopeAddress(name: $0.name, adl: $0.route, mailbox: $0.mailbox, host: $0.host) }
    }

    /// BODYSTRUCTURE of a part and everything below it.
    static func bodyStructure(_ part: MessagePart) -> BodyStructure {
        let content = part.content
        if case .multipart(let children) = part.kind {
            // A multipart without parts is written with one empty text part, as Dovecot does:
            // `body-type-mpart` needs at least one body (RFC 9051 §9).
            let parts = children.isEmpty ? [emptyTextPart] : children.map(bodyStructure)
            return .multipart(BodyStructure.Multipart(
                parts: parts, subtype: content.subtype ?? "",
                parameters: parameters(content.parameters, defaultCharset: false),
                extensionData: extensionData(content)))
        }
        let type: String, subtype: String
        var kind: BodyStructure.SinglePart.Kind = .basic
        switch part.kind {
        case .message(let envelope, let inner) where part.mediaSubtype.lowercased() == "rfc822":
            type = part.mediaType
            subtype = part.mediaSubtype
            kind = .message(self.envelope(envelope), bodyStructure(inner), lines: UInt64(part.bodyLines))
        case .message:
            // message/global is a basic part to IMAP4rev1 clients (RFC 9051 §7.5.2 allows more).
            type = part.mediaType
            subtype = part.mediaSubtype
        default:
            type = content.type ?? "text"
            subtype = content.type == nil ? "plain" : content.subtype ?? ""
            if part.isText { kind = .text(lines: UInt64(part.bodyLines)) }
        }
        let isText: Bool
        if case .text = kind { isText = true } else { isText = false }
        return .single(BodyStructure.SinglePart(
            type: type, subtype: subtype,
            parameters: parameters(content.parameters, defaultCharset: isText),
            id: content.id, description: content.description,
            encoding: content.transferEncoding ?? "7bit",
            octets: UInt64(part.bodyRange.count), kind: kind, md5: content.md5,
            extensionData: extensionData(content)))
    }

    /// Parameters as written; a text part always names its charset (RFC 2045 §5.2 default).
    private static func parameters(_ list: [MIMEParameter], defaultCharset: Bool) -> [BodyParameter] {
        var result = list.map { BodyParameter(name: $0.name, value: $0.value) }
        if defaultCharset && !list.contains(where: { $0.name.lowercased() == "charset" }) {
            result.append(BodyParameter(name: "charset", value: Array("us-ascii".utf8)))
        }
        return result
    }

    private static func extensionData(_ content: ContentFields) -> BodyExtension {
        BodyExtension(
            disposition: content.disposition.map {
                BodyDisposition(type: $0, parameters: parameters(content.dispositionParameters, defaultCharset: false))
            },
            language: content.language, location: content.location)
    }

    private static let emptyTextPart = BodyStructure.single(BodyStructure.SinglePart(
        type: "text", subtype: "plain", parameters: [BodyParameter(name: "charset", value: Array("us-ascii".utf8))],
        encoding: "7bit", octets: 0, kind: .text(lines: 0)))
}
