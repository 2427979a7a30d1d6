public import MailCore

/// Messages of a mailbox: the selected state (RFC 9051 §6.4), appends, copies and moves.
///
/// Rules every implementation keeps:
/// - Every method that changes data is durable before it returns (RFC 3501 §6: a tagged OK
///   means the change happened); nothing half-written is ever visible.
/// - UIDs are strictly ascending per mailbox and never reused, also across restarts;
///   UIDVALIDITY never changes for a mailbox, and a mailbox created under a name used before
///   gets a new one.
/// - Every change to a message (append, flag change, expunge) takes a fresh MODSEQ from the
///   mailbox's counter; expunged UIDs are kept as tombstones with their MODSEQ (RFC 7162 §3.2).
/// - Methods that take a `MailboxID` throw `mailboxDeleted` if the mailbox is gone, or if the
///   principal may not reach it.
/// - Reads take the UIDs to read: callers ask for a page at a time (`ServerConfiguration`'s
///   page sizes), so that no result holds every record of a large mailbox.
/// - A message that leaves a mailbox (expunge, MOVE, RENAME of INBOX) leaves a *ghost* there
///   beside its tombstone: its record as it was, whose blob stays readable, so that sessions
///   not yet told of the expunge can still fetch it (RFC 2180 §4.1.1). Ghosts are read with
///   `ghosts(in:uids:withStructure:as:)` only, never by the calls for live messages, and go
///   with `Housekeeping.purgeGhosts(expungedBefore:)` or with their mailbox.
/// - After each committed change the store posts the mailbox on its `ChangeNotifier`.
public protocol MessageStore: Sendable {
    /// Opens a mailbox for a session. With `claimRecent` (SELECT, not EXAMINE) the messages
    /// not yet claimed by any session become recent for this one (RFC 3501 §2.3.2); without it
    /// they are listed as recent but stay unclaimed (EXAMINE changes nothing, §6.3.2).
    func open(_ mailbox: MailboxID, claimRecent: Bool, as principal: Principal) async throws -> MailboxSnapshot
    /// Claims the messages up to `last` that no session has yet seen as recent (RFC 3501
    /// §2.3.2): moves the mailbox's recent floor past `last` and returns the UIDs of existing
    /// messages between the old floor and it. A session with the mailbox selected read-write
    /// calls this with the last UID it is about to report, so that exactly one session sees
    /// each message as `\Recent`, and only once it is in that session's view (a message
    /// appended meanwhile stays unclaimed, for the next catch-up).
    func claimRecent(in mailbox: MailboxID, through last: UID, as principal: Principal) async throws -> [UID]
    /// What changed after `modSeq` (new and changed messages, expunged UIDs).
    func changes(in mailbox: MailboxID, since modSeq: ModSeq, as principal: Principal) async throws -> MailboxChanges
    /// FETCH metadata for the given UIDs, in UID order; UIDs that no longer exist are skipped.
    /// With `withStructure`, each record carries its stored MIME structure.
    func records(in mailbox: MailboxID, uids: [UID], withStructure: Bool,
                 as principal: Principal) async throws -> [MessageRecord]
    /// The ghosts among the given UIDs, in UID order: each message's record as it was when it
    /// was expunged (flags, MODSEQ, dates, sizes, blob and, with `withStructure`, structure),
    /// its blob still readable, for a session that still lists it (RFC 2180 §4.1.1). UIDs of
    /// live messages, of purged ghosts and never used are skipped.
    func ghosts(in mailbox: MailboxID, uids: [UID], withStructure: Bool,
                as principal: Principal) async throws -> [MessageRecord]
    /// Just the flags and MODSEQ of the given UIDs, in UID order (the common `FETCH 1:* (UID
    /// FLAGS)` of clients resynchronising), skipping UIDs that no longer exist.
    func states(in mailbox: MailboxID, uids: [UID], as principal: Principal) async throws -> [MessageState]
    /// Applies a STORE to the given UIDs (RFC 9051 §6.4.6). With `unchangedSince`, messages
    /// whose MODSEQ is greater are left alone and listed in `modified` (RFC 7162 §3.1.3).
    func storeFlags(in mailbox: MailboxID, uids: [UID], operation: StoreOperation, flags: MessageFlags,
                    unchangedSince: ModSeq?, as principal: Principal) async throws -> StoreResult
    /// Removes the given messages if they carry `\Deleted` (all `\Deleted` ones if `uids` is
    /// nil) and returns the removed UIDs, ascending (RFC 9051 §6.4.3, RFC 4315 §2.1). Each
    /// leaves a tombstone and a ghost.
    func expunge(in mailbox: MailboxID, uids: [UID]?, as principal: Principal) async throws -> [UID]
    /// Copies messages, sharing their blobs (RFC 9051 §6.4.7); flags and INTERNALDATE are kept.
    /// UIDs that no longer exist are skipped, unless `requireAll` (a COPY by sequence number,
    /// whose messages the client believes exist): then nothing is copied and it throws
    /// `messagesExpunged` (RFC 2180 §4.4.1, RFC 3501 §6.4.7). The destination may belong to
    /// another owner, if the principal may reach it.
    func copy(from source: MailboxID, uids: [UID], to destination: MailboxID, requireAll: Bool,
              as principal: Principal) async throws -> CopyResult
    /// Moves messages atomically: copy, then expunge from the source (RFC 6851 §3), where each
    /// leaves a tombstone and a ghost. Source and destination may be the same mailbox: the
    /// messages get new UIDs.
    func move(from source: MailboxID, uids: [UID], to destination: MailboxID,
              as principal: Principal) async throws -> CopyResult
    /// Adds messages to a mailbox in one all-or-nothing step (RFC 3502 MULTIAPPEND). A staged
    /// blob may be appended any number of times, to any mailboxes (one delivery to many
    /// recipients shares one blob), until its upload is discarded.
    func append(_ messages: [NewMessage], to mailbox: MailboxID, as principal: Principal) async throws -> AppendResult
}

extension MessageStore {
    /// FETCH metadata without the MIME structure.
    public func records(in mailbox: MailboxID, uids: [UID], as principal: Principal) async throws -> [MessageRecord] {
        try await records(in: mailbox, uids: uids, withStructure: false, as: principal)
    }

    /// The records of the given UIDs as a session that still lists them sees them, in UID
    /// order: live messages, and for those expunged since, their ghosts (RFC 2180 §4.1.1).
    /// Ghosts are looked up only when a UID is not live, so the common case is one call.
    public func recordsOrGhosts(in mailbox: MailboxID, uids: [UID], withStructure: Bool,
                                as principal: Principal) async throws -> [MessageRecord] {
        let live = try await records(in: mailbox, uids: uids, withStructure: withStructure, as: principal)
        guard live.count < uids.count else { return live }
        let found = Set(live.map(\.uid))
        let ghosts = try await self.ghosts(in: mailbox, uids: uids.filter { !found.contains($0) },
                                           withStructure: withStructure, as: principal)
        return ghosts.isEmpty ? live : (live + ghosts).sorted { $0.uid < $1.uid }
    }

    /// The flags and MODSEQ of the given UIDs as a session that still lists them sees them, in
    /// UID order: of live messages, and of the ghosts of those expunged since (RFC 2180 §4.1.1).
    public func statesOrGhosts(in mailbox: MailboxID, uids: [UID],
                               as principal: Principal) async throws -> [MessageState] {
        let live = try await states(in: mailbox, uids: uids, as: principal)
        guard live.count < uids.count else { return live }
        let found = Set(live.map(\.uid))
        let ghosts = try await self.ghosts(in: mailbox, uids: uids.filter { !found.contains($0) },
                                           withStructure: false, as: principal)
        guard !ghosts.isEmpty else { return live }
        let states = ghosts.map { MessageState(uid: $0.uid, flags: $0.flags, modSeq: $0.modSeq) }
        return (live + states).sorted { $0.uid < $1.uid }
    }

    /// Copies the messages that still exist (UID COPY semantics, RFC 3501 §6.4.8).
    public func copy(from source: MailboxID, uids: [UID], to destination: MailboxID,
                     as principal: Principal) async throws -> CopyResult {
        try await copy(from: source, uids: uids, to: destination, requireAll: false, as: principal)
    }
}

/// Where a store announces committed changes, for other sessions (RFC 2180, IDLE, RFC 5465
/// NOTIFY): after each committed change to a mailbox's messages it posts the mailbox; after
/// each `create`, `delete`, `rename`, `setSubscribed` and `setMetadata` it posts the
/// `AccountChange` (`AccountChange.metadata` for METADATA), from the task that called it.
public protocol ChangeNotifying: Sendable {
    var notifications: ChangeNotifier { get }
}
