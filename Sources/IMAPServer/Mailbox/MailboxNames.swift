import IMAPSyntax
import MailCore
import MailStore

/// Turns wire mailbox names into store names and back (RFC 3501 §5.1): modified UTF-7
/// decoding (§5.1.3), the `/` hierarchy delimiter, INBOX in any case (§5.1), and validation
/// so that no name can be empty, hold control characters, or use `.`/`..` segments.
enum MailboxNames {
    static let delimiter: Character = "/"
    /// The delimiter as the byte it is in UTF-8.
    static let delimiterByte = UInt8(ascii: "/")
    /// Longest accepted name in UTF-8 bytes, and longest hierarchy level.
    static let maxLength = 1024
    static let maxSegmentLength = 255

    /// The store name for a wire name. `trailingDelimiterAllowed` is for CREATE and the new
    /// name of RENAME, where `foo/` means "foo, to hold children" (RFC 3501 §6.3.3).
    ///
    /// A name that is a valid astring but not valid modified UTF-7 (RFC 3501 §5.1.3), or not
    /// valid UTF-8 where names are UTF-8 (RFC 9051 §5.1), is no syntax error: no mailbox can
    /// have it, so it gets `NO [NONEXISTENT]`, or `NO [CANNOT]` where it would be created.
    static func decode(_ name: MailboxName, utf8: Bool,
                       trailingDelimiterAllowed: Bool = false) throws(CommandError) -> String {
        guard let text = text(of: name.bytes, utf8: utf8) else {
            let reason = utf8 ? "Mailbox name is not valid UTF-8" : "Mailbox name is not valid modified UTF-7"
            throw .no(reason, code: trailingDelimiterAllowed ? .cannot : .nonExistent)
        }
        var canonical = canonicalInbox(text)
        if trailingDelimiterAllowed, canonical.count > 1, canonical.last == delimiter {
            canonical.removeLast()
        }
        try validate(canonical)
        return canonical
    }

    /// The text of a wire name, reference or pattern: UTF-8 once IMAP4rev2 is enabled
    /// (RFC 9051 §5.1), modified UTF-7 otherwise (RFC 3501 §5.1.3); nil if it is not valid.
    static func text(of bytes: [UInt8], utf8: Bool) -> String? {
        if utf8 { return String(validating: bytes, as: UTF8.self) }
        return try? ModifiedUTF7.decode(bytes)
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

    /// The name of the level directly above a name (`a/b/c` → `a/b`), nil at the top level.
    static func parent(of name: String) -> String? {
        guard let last = name.utf8.lastIndex(of: delimiterByte) else { return nil }
        return String(name[..<last])
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
