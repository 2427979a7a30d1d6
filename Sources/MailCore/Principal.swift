/// Who acts on the store. Every storage call names it, so that whose mailboxes a call may reach
/// is decided in one place (today: a user reaches their own; RFC 4314 rights build on this).
public enum Principal: Hashable, Sendable {
    /// A logged-in user.
    case user(UserID)
    /// The server's own tools on the administrator's behalf (the `tern` command line, delivery,
    /// import): every mailbox of every user.
    case administrator
}

/// A mailbox as a client names it: whose it is, and its full name among that owner's mailboxes
/// (`/`-separated, Unicode, `INBOX` in upper case).
public struct MailboxPath: Hashable, Sendable, CustomStringConvertible {
    public var owner: UserID
    public var name: String

    public init(owner: UserID, name: String) {
        self.owner = owner
        self.name = name
    }

    public var description: String { "\(owner):\(name)" }
}
