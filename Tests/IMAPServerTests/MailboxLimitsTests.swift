@testable import IMAPServer
import IMAPSyntax
import MailCore
import MailStore
import Testing

/// Mailbox records with the given names, selectable, without special use.
private func records(_ names: [String]) -> [MailboxRecord] {
    names.enumerated().map { index, name in
        MailboxRecord(id: MailboxID(rawValue: Int64(index + 1)), owner: UserID(rawValue: 1), name: name, selectable: true,
                      specialUse: nil, uidValidity: UIDValidity(1))
    }
}

/// `max_mailboxes_per_user`, `max_mailbox_depth` and the name length on RENAME (RFC 5530 §3
/// LIMIT).
@Suite("Mailbox name limits")
struct MailboxNameLimitTests {
    @Test("depth(of:) counts the hierarchy levels")
    func depth() {
        #expect(MailboxLimits.depth(of: "a") == 1 && MailboxLimits.depth(of: "a/b/c") == 3)
    }

    @Test("The mailbox count counts the superiors CREATE would add")
    func count() throws {
        let limits = MailboxLimits(maxMailboxes: 4, maxDepth: 3)
        let existing = records(["INBOX", "a"])
        try limits.checkCreate("b", existing: existing)
        try limits.checkCreate("a/b/c", existing: existing)  // 2 new: 4
        #expect(throws: CommandError.self) { try limits.checkCreate("x/y/z", existing: existing) }  // 3 new: 5
        try limits.checkDepth(of: "a/b/c")
        #expect(throws: CommandError.self) { try limits.checkDepth(of: "a/b/c/d") }
    }

    @Test("RENAME: moved descendants keep the depth and length limits; new superiors count")
    func rename() throws {
        let limits = MailboxLimits(maxMailboxes: 5, maxDepth: 3)
        let existing = records(["INBOX", "a", "a/b", "a/b/c"])
        try limits.checkRename(from: "a/b", to: "x", existing: existing)
        try limits.checkRename(from: "a", to: "y", existing: existing)
        #expect(throws: CommandError.self) { try limits.checkRename(from: "a", to: "p/q", existing: existing) }
        #expect(throws: CommandError.self) { try limits.checkRename(from: "INBOX", to: "p/q", existing: existing) }
        try limits.checkRename(from: "INBOX", to: "p", existing: existing)
        let long = MailboxLimits(maxMailboxes: 100, maxDepth: 100)
        let tree = records(["a", "a/" + String(repeating: "c", count: 255)])
        // 868 bytes: fits, but a/ccc… would become 1,124 bytes (MailboxNames.maxLength is 1,024).
        let target = ["q", "r", "s"].map { String(repeating: $0, count: 255) }.joined(separator: "/") + "/"
            + String(repeating: "t", count: 100)
        #expect(throws: CommandError.self) { try long.checkRename(from: "a", to: target, existing: tree) }
        try long.checkRename(from: "a", to: String(target.prefix(700)), existing: tree)
    }
}
