public import MailCore

/// A mailbox another owner lets a user see (RFC 4314 `l`), for LIST in the other users' and
/// the shared namespaces (RFC 2342).
public struct SharedMailbox: Hashable, Sendable {
    public var record: MailboxRecord
    /// The owner's user name; nil for a public mailbox, which belongs to no user.
    public var ownerName: String?
    /// The user's rights on it (RFC 8440 `MYRIGHTS`).
    public var rights: AccessRights

    public init(record: MailboxRecord, ownerName: String?, rights: AccessRights) {
        self.record = record
        self.ownerName = ownerName
        self.rights = rights
    }
}

/// Access control lists of mailboxes (RFC 4314) and public folders.
///
/// Every store call that touches a mailbox passes `AccessGate` with the acting principal and
/// the `MailboxOperation` it performs; these methods read and change the lists the gate
/// reads. A mailbox's list goes with the mailbox (DELETE, RFC 4314 §4), stays with it through
/// RENAME, is copied from the parent by CREATE (§4 "SHOULD inherit"), and a deleted user's
/// entries go everywhere.
///
/// Public folders belong to no user: they are kept under a reserved owner
/// (`AccessGate.publicOwnerName`) that can never log in, whose quota root holds their usage.
public protocol AccessControlStore: Sendable {
    /// The list of a mailbox (GETACL, RFC 4314 §3.3): needs `a`.
    func accessControlList(of path: MailboxPath, as principal: Principal) async throws -> AccessControlList
    /// Adds, replaces or (with no rights) removes the entry of its identifier and sign
    /// (SETACL, §3.1): needs `a`.
    func setAccess(_ entry: AccessEntry, on path: MailboxPath, as principal: Principal) async throws
    /// Removes the entry of an identifier and sign (DELETEACL, §3.2): needs `a`.
    func removeAccess(_ identifier: AccessIdentifier, negative: Bool, on path: MailboxPath,
                      as principal: Principal) async throws
    /// The principal's rights on a mailbox (MYRIGHTS, §3.5): needs any right that reveals it.
    func rights(on path: MailboxPath, as principal: Principal) async throws -> AccessRights
    /// The mailboxes of other owners (users and the public owner) that the user may look up,
    /// in (owner, name) order.
    func sharedMailboxes(visibleTo user: UserID) async throws -> [SharedMailbox]
    /// The reserved owner of public folders, created by the first call with `creating`; nil
    /// if there is none yet.
    func publicOwner(creating: Bool) async throws -> UserID?
}
