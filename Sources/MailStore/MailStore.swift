public import MailCore

/// The storage contract behind the IMAP and LMTP servers: accounts, mailboxes, messages, UIDs,
/// MODSEQ, flags and change notification. Backends: `SQLiteMailStore` (embedded default) and,
/// later, PostgreSQL; both must pass the one conformance suite (`MailStoreConformance`).
///
/// Rules every implementation keeps:
/// - Every method that changes data is durable before it returns (RFC 3501 §6: a tagged OK
///   means the change happened); nothing half-written is ever visible.
/// - UIDs are strictly ascending per mailbox and never reused, also across restarts; UIDVALIDITY
///   never changes for a mailbox, and a mailbox created under a name used before gets a new one.
/// - Every change to a message (append, flag change, expunge) takes a fresh MODSEQ from the
///   mailbox's counter; expunged UIDs are kept as tombstones with their MODSEQ (RFC 7162 §3.2).
/// - Mailbox names are full, `/`-separated Unicode names; the caller has validated them and
///   spells INBOX in upper case. Names are case-sensitive except INBOX.
/// - Methods that take a `MailboxID` throw `mailboxDeleted` if the mailbox is gone.
public protocol MailStore: Sendable {
    // MARK: Accounts

    /// Creates an account with an INBOX. Throws `userExists`.
    func addUser(name: String, credentials: PasswordCredentials) async throws -> User
    /// Removes an account with all its mailboxes and messages. Throws `userNotFound`.
    func deleteUser(name: String) async throws
    func users() async throws -> [User]
    func setCredentials(_ credentials: PasswordCredentials, forUser name: String) async throws
    /// The account and its stored credentials, or nil if there is no such user.
    func credentials(forUser name: String) async throws -> (User, PasswordCredentials)?

    // MARK: Mailboxes (RFC 9051 §6.3)

    /// All mailboxes of a user, `\Noselect` placeholders included, in name order.
    func mailboxes(of user: UserID) async throws -> [MailboxRecord]
    func mailbox(named name: String, of user: UserID) async throws -> MailboxRecord?
    /// Creates a mailbox, and any missing superior names as selectable mailboxes
    /// (RFC 3501 §6.3.3); a `\Noselect` placeholder of the same name becomes selectable again.
    /// Throws `mailboxExists` if a selectable mailbox has the name.
    func createMailbox(named name: String, of user: UserID,
                       specialUse: SpecialUse?) async throws -> MailboxRecord
    /// Deletes a mailbox and its messages (RFC 3501 §6.3.4): a mailbox with children becomes a
    /// `\Noselect` placeholder; a placeholder with children throws `mailboxHasChildren`; a
    /// placeholder left without children disappears. INBOX throws `inboxOperationNotAllowed`.
    func deleteMailbox(named name: String, of user: UserID) async throws
    /// Renames a mailbox and all its inferiors (RFC 3501 §6.3.5), creating missing superiors of
    /// the new name. Renaming INBOX moves its messages into a new mailbox and leaves INBOX
    /// empty, its inferiors unchanged. Throws `mailboxExists`, `mailboxNotFound`,
    /// `inboxOperationNotAllowed` (target INBOX), `renameIntoItself`.
    func renameMailbox(from: String, to: String, of user: UserID) async throws
    /// Subscribed names in name order (they may name mailboxes that do not exist).
    func subscriptions(of user: UserID) async throws -> [String]
    func setSubscribed(_ subscribed: Bool, name: String, of user: UserID) async throws
    /// Counters of a mailbox (STATUS); throws `mailboxDeleted` if it is gone (the caller
    /// looked it up by name) and `mailboxNotSelectable` for a `\Noselect` placeholder.
    func status(of mailbox: MailboxID) async throws -> MailboxStatus

    // MARK: Selected mailbox (RFC 9051 §6.4)

    /// Opens a mailbox for a session. With `claimRecent` (SELECT, not EXAMINE) the messages
    /// not yet claimed by any session become recent for this one (RFC 3501 §2.3.2); without it
    /// they are listed as recent but stay unclaimed (EXAMINE changes nothing, §6.3.2).
    func open(_ mailbox: MailboxID, claimRecent: Bool) async throws -> MailboxSnapshot
    /// Claims the messages no session has yet seen as recent (RFC 3501 §2.3.2): moves the
    /// mailbox's recent floor to UIDNEXT and returns the UIDs of existing messages that were
    /// between the old floor and it. A session with the mailbox selected read-write calls this
    /// when it learns of new messages, so that exactly one session sees each as `\Recent`.
    func claimRecent(in mailbox: MailboxID) async throws -> [UID]
    /// What changed after `modSeq` (new and changed messages, expunged UIDs).
    func changes(in mailbox: MailboxID, since modSeq: ModSeq) async throws -> MailboxChanges
    /// FETCH metadata for the given UIDs, in UID order; UIDs that no longer exist are skipped.
    /// With `withStructure`, each record carries its stored MIME structure.
    func messages(in mailbox: MailboxID, uids: [UID], withStructure: Bool) async throws -> [MessageRecord]
    /// Just the flags and MODSEQ of the given UIDs, in UID order (the common `FETCH 1:* (UID
    /// FLAGS)` of clients resynchronising), skipping UIDs that no longer exist.
    func messageStates(in mailbox: MailboxID, uids: [UID]) async throws -> [MessageState]
    /// Applies a STORE to the given UIDs (RFC 9051 §6.4.6). With `unchangedSince`, messages
    /// whose MODSEQ is greater are left alone and listed in `modified` (RFC 7162 §3.1.3).
    func storeFlags(in mailbox: MailboxID, uids: [UID], operation: StoreOperation,
                    flags: MessageFlags, unchangedSince: ModSeq?) async throws -> StoreResult
    /// Removes the given messages if they carry `\Deleted` (all `\Deleted` ones if `uids` is
    /// nil) and returns the removed UIDs, ascending (RFC 9051 §6.4.3, RFC 4315 §2.1).
    func expunge(in mailbox: MailboxID, uids: [UID]?) async throws -> [UID]
    /// Copies messages, sharing their blobs (RFC 9051 §6.4.7); flags and INTERNALDATE are kept.
    /// UIDs that no longer exist are skipped, unless `requireAll` (a COPY by sequence number,
    /// whose messages the client believes exist): then nothing is copied and it throws
    /// `messagesExpunged` (RFC 2180 §4.4.1, RFC 3501 §6.4.7).
    func copy(from source: MailboxID, uids: [UID], to destination: MailboxID,
              requireAll: Bool) async throws -> CopyResult
    /// Moves messages atomically: copy, then expunge from the source (RFC 6851 §3).
    func move(from source: MailboxID, uids: [UID], to destination: MailboxID) async throws -> CopyResult

    // MARK: Messages in and out

    /// Starts a streamed upload for a message of the given announced size.
    func beginUpload(expectedSize: UInt64) async throws -> any BlobUpload
    /// Adds messages to a mailbox in one all-or-nothing step (RFC 3502 MULTIAPPEND).
    func append(_ messages: [NewMessage], to mailbox: MailboxID) async throws -> AppendResult
    /// Opens a stored message's bytes.
    func openBlob(_ blob: BlobID) async throws -> any BlobReader

    // MARK: Change notification

    /// Where the store announces committed changes, for other sessions (RFC 2180, IDLE).
    var notifications: ChangeNotifier { get }
}

extension MailStore {
    /// FETCH metadata without the MIME structure.
    public func messages(in mailbox: MailboxID, uids: [UID]) async throws -> [MessageRecord] {
        try await messages(in: mailbox, uids: uids, withStructure: false)
    }

    /// Copies the messages that still exist (UID COPY semantics, RFC 3501 §6.4.8).
    public func copy(from source: MailboxID, uids: [UID], to destination: MailboxID) async throws -> CopyResult {
        try await copy(from: source, uids: uids, to: destination, requireAll: false)
    }
}
