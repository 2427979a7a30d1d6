public import MailCore

/// Mailboxes and subscriptions (RFC 9051 §6.3). Mailboxes are addressed as (owner, name), and
/// every call names the principal acting; every call passes `AccessGate` (RFC 4314 §4): a
/// mailbox the principal may not see is reported as missing, so that an invisible mailbox
/// cannot be told from one that does not exist, and one it sees but may not act on throws
/// `permissionDenied`.
///
/// Names are full, `/`-separated Unicode names; the caller has validated them and spells INBOX
/// in upper case. Names are case-sensitive except INBOX.
public protocol MailboxStore: Sendable {
    /// Every mailbox of `owner`, `\Noselect` placeholders included, in name order.
    func list(of owner: UserID, as principal: Principal) async throws -> [MailboxRecord]
    /// The mailbox at `path`, or nil.
    func mailbox(at path: MailboxPath, as principal: Principal) async throws -> MailboxRecord?
    /// Creates a mailbox, and any missing superior names as selectable mailboxes
    /// (RFC 3501 §6.3.3); a `\Noselect` placeholder of the same name becomes selectable again,
    /// with a new UIDVALIDITY. Throws `mailboxExists` if a selectable mailbox has the name.
    func create(_ path: MailboxPath, specialUse: SpecialUse?, as principal: Principal) async throws -> MailboxRecord
    /// Deletes a mailbox and its messages (RFC 3501 §6.3.4): a mailbox with children becomes a
    /// `\Noselect` placeholder; a placeholder with children throws `mailboxHasChildren`; INBOX
    /// throws `inboxOperationNotAllowed`; a missing one `mailboxNotFound`.
    func delete(_ path: MailboxPath, as principal: Principal) async throws
    /// Renames a mailbox and all its inferiors within its owner's mailboxes (RFC 3501 §6.3.5),
    /// creating missing superiors of the new name. Renaming INBOX moves its messages into a new
    /// mailbox and leaves INBOX empty, its inferiors unchanged. Throws `mailboxExists`,
    /// `mailboxNotFound`, `inboxOperationNotAllowed` (target INBOX), `renameIntoItself`.
    func rename(_ path: MailboxPath, to newName: String, as principal: Principal) async throws
    /// Counters of a mailbox (STATUS); throws `mailboxDeleted` if it is gone (the caller
    /// looked it up by name) and `mailboxNotSelectable` for a `\Noselect` placeholder.
    func status(of mailbox: MailboxID, as principal: Principal) async throws -> MailboxStatus

    /// The names a user subscribed to, in name order (they may name mailboxes that do not
    /// exist; RFC 9051 §6.3.7).
    func subscriptions(of user: UserID) async throws -> [String]
    func setSubscribed(_ subscribed: Bool, name: String, of user: UserID) async throws
}

extension Principal {
    /// Whether this principal owns the mailboxes of `owner` (a user their own, the
    /// administrator everyone's): what METADATA entries follow. Access to mailboxes goes
    /// through `AccessGate` and the mailboxes' lists (RFC 4314).
    public func mayAccess(mailboxesOf owner: UserID) -> Bool {
        switch self {
        case .administrator: return true
        case .user(let user): return user == owner
        }
    }
}
