import IMAPSyntax
import MailStore

/// The limits on a user's mailboxes that CREATE and RENAME enforce (STYLE.md §5): how many
/// mailboxes one user may have (`max_mailboxes_per_user`), how deep names may nest
/// (`max_mailbox_depth`), and the length limits of `MailboxNames` for names that a RENAME
/// moves. Reaching one answers `NO [LIMIT]` (RFC 5530 §3: "The operation ran up against an
/// implementation limit of some kind").
///
/// The count is checked against the user's mailboxes as read before the change, outside the
/// store's transaction: sessions of one user that CREATE or RENAME at the same moment can go
/// past the limit together by what each of those commands adds (a mailbox and its missing
/// superiors), never further. Reading the mailboxes costs time linear in their number, which
/// the limit bounds.
struct MailboxLimits {
    var maxMailboxes: Int
    var maxDepth: Int

    /// The number of hierarchy levels of a name: `a` is 1, `a/b/c` is 3.
    static func depth(of name: String) -> Int {
        name.utf8.reduce(1) { $1 == MailboxNames.delimiterByte ? $0 + 1 : $0 }
    }

    /// Refuses a name nested deeper than `maxDepth` (before anything is read from the store).
    func checkDepth(of name: String) throws(CommandError) {
        if Self.depth(of: name) > maxDepth {
            throw .no("Mailbox names nest at most \(maxDepth) levels deep", code: .limit)
        }
    }

    /// CREATE (RFC 9051 §6.3.4) of `name`, which also creates its missing superiors: refused
    /// if the user would have more than `maxMailboxes` mailboxes. (`checkDepth` comes first.)
    func checkCreate(_ name: String, existing: [MailboxRecord]) throws(CommandError) {
        let names = Set(existing.map(\.name))
        let added = ([name] + MailboxNames.superiors(of: name)).filter { !names.contains($0) }.count
        try checkCount(existing.count, adding: added)
    }

    /// RENAME (RFC 9051 §6.3.6) of `from` and its subtree to `to`: refused if a moved name
    /// would nest deeper than `maxDepth` or be longer than `MailboxNames` allows, or if the
    /// superiors created for `to` (and the new mailbox that renaming INBOX makes) would take
    /// the user past `maxMailboxes`. (`checkDepth` of `to` comes first.)
    func checkRename(from: String, to: String, existing: [MailboxRecord]) throws(CommandError) {
        let names = Set(existing.map(\.name))
        if from != "INBOX" {
            // The subtree moves with it (INBOX's inferiors stay, RFC 9051 §6.3.6).
            let prefix = Array((from + String(MailboxNames.delimiter)).utf8)
            let moved = existing.filter { $0.name.utf8.starts(with: prefix) }.map(\.name)
            let extraDepth = moved.map { Self.depth(of: $0) - Self.depth(of: from) }.max() ?? 0
            if Self.depth(of: to) + extraDepth > maxDepth {
                throw .no("Mailbox names nest at most \(maxDepth) levels deep", code: .limit)
            }
            let longest = moved.map { $0.utf8.count - from.utf8.count }.max() ?? 0
            if to.utf8.count + longest > MailboxNames.maxLength {
                throw .no("Mailbox name is too long", code: .limit)
            }
        }
        var added = MailboxNames.superiors(of: to).filter { !names.contains($0) }.count
        if from == "INBOX" { added += 1 }
        try checkCount(existing.count, adding: added)
    }

    private func checkCount(_ count: Int, adding added: Int) throws(CommandError) {
        if added > 0 && count + added > maxMailboxes {
            throw .no("A user can have at most \(maxMailboxes) mailboxes", code: .limit)
        }
    }
}
