public import MailCore

/// What an mbox message's header says about its mailbox state, in the fields mail programs and
/// Dovecot's mbox driver write (RFC 4155 leaves them to convention):
/// - `Status:` `R` read (`\Seen`), `O` old (not recent);
/// - `X-Status:` `A` answered, `F` flagged, `T` draft, `D` deleted;
/// - `X-Keywords:` keywords, separated by spaces or commas;
/// - `X-UID:` the message's UID; `X-IMAPbase:` (or `X-IMAP:`) on the first message:
///   `<uidvalidity> <uidnext> [keywords]`;
/// - `Content-Length:` the body's length (mboxcl2).
///
/// Dovecot's mbox driver hides these fields from IMAP clients (its `mbox_hide_headers`
/// list holds them all), so the imported message leaves them out as well: `strippedHeader`
/// is the header without them, byte for byte otherwise.
public struct MboxHeader: Hashable, Sendable {
    public var flags = MessageFlags()
    public var uid: UInt32?
    public var uidValidity: UInt32?
    public var nextUID: UInt32?
    public var contentLength: UInt64?
    public var strippedHeader: [UInt8] = []

    static let hidden: Set<String> = ["status", "x-status", "x-keywords", "x-uid", "x-imap", "x-imapbase", "content-length"]

    /// Reads a header block (fields with their line ends; the empty line that ends it not
    /// included).
    public init(parsing header: [UInt8]) {
        var index = 0
        while index < header.count {
            // One field: its first line and every continuation line (starting with space or tab).
            let start = index
            repeat {
                while index < header.count && header[index] != 0x0A { index += 1 }
                if index < header.count { index += 1 }
            } while index < header.count && (header[index] == 0x20 || header[index] == 0x09)
            let field = header[start..<index]
            guard let colon = field.firstIndex(of: 0x3A) else {
                strippedHeader += field
                continue
            }
            let name = String(decoding: field[start..<colon], as: UTF8.self).trimmingCharacters(in: " \t").lowercased()
            guard Self.hidden.contains(name) else {
                strippedHeader += field
                continue
            }
            let value = String(decoding: field[(colon + 1)...], as: UTF8.self)
            read(name, value)
        }
    }

    private mutating func read(_ name: String, _ value: String) {
        let words = value.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" || $0 == "\r\n" })
        switch name {
        case "status":
            if value.contains("R") { flags.insert(.seen) }
        case "x-status":
            for letter in value {
                switch letter {
                case "A": flags.insert(.answered)
                case "F": flags.insert(.flagged)
                case "T": flags.insert(.draft)
                case "D": flags.insert(.deleted)
                default: break
                }
            }
        case "x-keywords":
            for word in value.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" || $0 == "\r\n" || $0 == "," })
            where word.utf8.allSatisfy(DovecotKeywords.isAtomByte) {
                flags.insert(.keyword(String(word)))
            }
        case "x-uid":
            uid = words.first.flatMap { UInt32($0) }.flatMap { $0 > 0 ? $0 : nil }
        case "x-imap", "x-imapbase":
            if words.count >= 2, let validity = UInt32(words[0]), validity > 0, let next = UInt32(words[1]) {
                uidValidity = validity
                nextUID = next
            }
        case "content-length":
            contentLength = words.first.flatMap { UInt64($0) }
        default:
            break
        }
    }
}

extension String {
    fileprivate func trimmingCharacters(in set: String) -> String {
        var scalars = Substring(self)
        while let first = scalars.first, set.contains(first) { scalars = scalars.dropFirst() }
        while let last = scalars.last, set.contains(last) { scalars = scalars.dropLast() }
        return String(scalars)
    }
}
