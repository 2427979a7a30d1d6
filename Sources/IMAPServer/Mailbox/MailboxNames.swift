import IMAPSyntax
import MailCore
import MailStore

/// Turns wire mailbox names into store names and back (RFC 3501 §5.1): modified UTF-7
/// decoding (§5.1.3), the `/` hierarchy delimiter, INBOX in any case (§5.1), and validation
/// so that no name can be empty, hold control characters, or use `.`/`..` segments.
enum MailboxNames {
    static let delimiter: Character = "/"
    /// Longest accepted name in UTF-8 bytes, and longest hierarchy level.
    static let maxLength = 1024
    static let maxSegmentLength = 255

    /// The store name for a wire name. `trailingDelimiterAllowed` is for CREATE, where
    /// `foo/` means "foo, to hold children" (RFC 3501 §6.3.3).
    static func decode(_ name: MailboxName, utf8: Bool,
                       trailingDelimiterAllowed: Bool = false) throws(CommandError) -> String {
        let text: String
        if utf8 {
            guard let decoded = String(validating: name.bytes, as: UTF8.self) else {
                throw .bad("Mailbox name is not valid UTF-8")
            }
            text = decoded
        } else {
            do {
                text = try ModifiedUTF7.decode(name.bytes)
            } catch {
                throw .bad("Mailbox name is not valid modified UTF-7")
            }
        }
        var canonical = canonicalInbox(text)
        if trailingDelimiterAllowed, canonical.count > 1, canonical.last == delimiter {
            canonical.removeLast()
        }
        try validate(canonical)
        return canonical
    }

    /// `INBOX` in any case, also as the first level of a hierarchical name, is spelled in
    /// upper case.
    static func canonicalInbox(_ name: String) -> String {
        let utf8 = name.utf8
        guard utf8.count >= 5, name.prefix(5).uppercased() == "INBOX" else { return name }
        if utf8.count == 5 { return "INBOX" }
        let rest = name.dropFirst(5)
        return rest.first == delimiter ? "INBOX" + rest : name
    }

    static func validate(_ name: String) throws(CommandError) {
        guard !name.isEmpty else { throw .no("Mailbox name is empty", code: .cannot) }
        guard name.utf8.count <= maxLength else { throw .no("Mailbox name is too long", code: .limit) }
        for scalar in name.unicodeScalars where scalar.value < 0x20 || scalar.value == 0x7F {
            throw .no("Mailbox name contains a control character", code: .cannot)
        }
        for segment in name.split(separator: delimiter, omittingEmptySubsequences: false) {
            if segment.isEmpty { throw .no("Mailbox name has an empty hierarchy level", code: .cannot) }
            if segment == "." || segment == ".." { throw .no("Mailbox name has a . or .. level", code: .cannot) }
            if segment.utf8.count > maxSegmentLength { throw .no("Mailbox name level is too long", code: .limit) }
        }
    }

    /// The MAILBOXID of a mailbox (RFC 8474 §4): stable across RENAME, never reused, since the
    /// store never hands out a mailbox identifier twice.
    static func objectID(of record: MailboxRecord) -> String {
        "F" + String(record.id.rawValue, radix: 16) + "x" + String(record.uidValidity.rawValue, radix: 16)
    }

    /// The names of every superior level of a name, outermost first: `a/b/c` → `a`, `a/b`.
    static func superiors(of name: String) -> [String] {
        var result: [String] = []
        var index = name.startIndex
        while let next = name[index...].firstIndex(of: delimiter) {
            result.append(String(name[..<next]))
            index = name.index(after: next)
        }
        return result
    }
}
