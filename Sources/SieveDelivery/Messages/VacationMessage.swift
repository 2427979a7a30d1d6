public import MailCore
public import Sieve

/// The response message of a vacation action (RFC 5230 §5), built from the resolved response.
/// Pure: the caller gives the time, the owner's address and the Message-ID.
public enum VacationMessage {
    /// Why no response can be built.
    public enum Refusal: Error, Hashable, Sendable, CustomStringConvertible {
        /// RFC 5230 §5: a `:mime` reason whose header holds 8-bit bytes SHOULD be refused.
        case eightBitMIMEHeader

        public var description: String {
            switch self {
            case .eightBitMIMEHeader: return "vacation :mime reason has 8-bit bytes in its MIME header"
            }
        }
    }

    /// The message bytes, with CRLF line ends:
    /// - Date: `now` (§5.2); From: the `:from` address, else `owner` (§5.4); To: the recipient
    ///   of the response, the original sender (§5.5); Subject (§5.3), RFC 2047 encoded when it is
    ///   not ASCII (§4.3); In-Reply-To and References (§5.8); Auto-Submitted: auto-replied (§5.6,
    ///   RFC 3834 §5);
    /// - the body (§5.7): the reason as text/plain (UTF-8, quoted-printable when not ASCII), or,
    ///   with `:mime`, the reason as the whole MIME entity (§4.4).
    public static func build(_ response: VacationResponse, owner: String, now: ZonedDateTime,
                             messageID: String) throws(Refusal) -> [UInt8] {
        var header: [String] = [
            "Date: " + HeaderEncoding.rfc5322Date(now),
            "From: " + addressField(response.from ?? owner),
            "To: <\(response.recipient)>",
            "Subject: " + HeaderEncoding.unstructured(response.subject),
            "Message-ID: " + messageID,
        ]
        if let inReplyTo = response.inReplyTo { header.append("In-Reply-To: " + inReplyTo) }
        if let references = response.references { header.append("References: " + references) }
        header.append("Auto-Submitted: auto-replied (vacation)")
        header.append("Precedence: bulk")
        header.append("MIME-Version: 1.0")
        var text = header.joined(separator: "\r\n") + "\r\n"
        let reason = response.reason.replacing("\r\n", with: "\n").replacing("\n", with: "\r\n")
        if response.isMIME {
            let mimeHeader = reason.utf8.firstRange(of: Array("\r\n\r\n".utf8)).map { reason.utf8[..<$0.lowerBound] }
                ?? reason.utf8[...]
            guard mimeHeader.allSatisfy({ $0 < 0x80 }) else { throw .eightBitMIMEHeader }
            // A reason with no header at all is a body of the default type (RFC 2045 §5.2).
            text += reason.hasPrefix("\r\n") ? reason : (mimeHeader.contains(UInt8(ascii: ":")) ? reason : "\r\n" + reason)
        } else if reason.utf8.allSatisfy({ $0 < 0x80 }) {
            text += "Content-Type: text/plain; charset=us-ascii\r\nContent-Transfer-Encoding: 7bit\r\n\r\n" + reason
        } else {
            text += "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
                + HeaderEncoding.quotedPrintable(reason)
        }
        if !text.hasSuffix("\r\n") { text += "\r\n" }
        return Array(text.utf8)
    }

    /// A From value: a bare address in angle brackets; `name <address>` with the name RFC 2047
    /// encoded when it is not ASCII (RFC 2047 §5 (3)).
    static func addressField(_ address: String) -> String {
        let trimmed = address.trimmingCharacters(in: " \t")
        guard let open = trimmed.lastIndex(of: "<") else { return "<\(trimmed)>" }
        let name = String(trimmed[..<open]).trimmingCharacters(in: " \t")
        let mailbox = String(trimmed[open...])
        guard !name.isEmpty else { return mailbox }
        if name.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return name + " " + mailbox }
        return HeaderEncoding.unstructured(name) + " " + mailbox
    }
}

extension String {
    func trimmingCharacters(in set: String) -> String {
        let characters = Set(set)
        guard let first = firstIndex(where: { !characters.contains($0) }) else { return "" }
        let last = lastIndex(where: { !characters.contains($0) })!
        return String(self[first...last])
    }
}
