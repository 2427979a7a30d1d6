import MailCore
import MailStore
import Synchronization

/// An error no handler expects: stands for a bug or a failing disk.
struct InjectedFault: Error, CustomStringConvertible {
    var description: String { "injected fault" }
}

/// A decorator of the mailbox and message concerns that throws `InjectedFault` from the
/// operations it is told to, and forwards everything else.
final class FaultyStore: MailboxStore, MessageStore {
    enum Operation: Hashable, Sendable {
        case mailboxLookup, append, records, states, changes, storeFlags
    }

    let base: MailStorage
    private let failing = Mutex<Set<Operation>>([])

    init(_ base: MailStorage) { self.base = base }

    /// The storage with this decorator in front of its mailboxes and messages.
    var storage: MailStorage {
        var storage = base
        storage.mailboxes = self
        storage.messages = self
        return storage
    }

    /// Runs once right after the next `changes` read: another session's change racing a
    /// catch-up.
    private let afterChanges = Mutex<(@Sendable () async throws -> Void)?>(nil)

    func afterNextChanges(_ action: @escaping @Sendable () async throws -> Void) {
        afterChanges.withLock { $0 = action }
    }

    /// How long COPY and MOVE take (a store busy with a large transfer).
    private let transferDelay = Mutex<Duration?>(nil)

    func delayTransfers(by delay: Duration) { transferDelay.withLock { $0 = delay } }

    private func waitForTransfer() async throws {
        if let delay = transferDelay.withLock({ $0 }) { try await Task.sleep(for: delay) }
    }

    func fail(_ operations: Operation...) { failing.withLock { $0 = Set(operations) } }
    func heal() { failing.withLock { $0 = [] } }

    private func check(_ operation: Operation) throws {
        if failing.withLock({ $0.contains(operation) }) { throw InjectedFault() }
    }

    // MARK: MailboxStore

    func mailbox(at path: MailboxPath, as principal: Principal) async throws -> MailboxRecord? {
        try check(.mailboxLookup)
        return try await base.mailboxes.mailbox(at: path, as: principal)
    }
    func list(of owner: UserID, as principal: Principal) async throws -> [MailboxRecord] {
        try await base.mailboxes.list(of: owner, as: principal)
    }
    func create(_ path: MailboxPath, specialUse: SpecialUse?, as principal: Principal) async throws -> MailboxRecord {
        try await base.mailboxes.create(path, specialUse: specialUse, as: principal)
    }
    func delete(_ path: MailboxPath, as principal: Principal) async throws {
        try await base.mailboxes.delete(path, as: principal)
    }
    func rename(_ path: MailboxPath, to newName: String, as principal: Principal) async throws {
        try await base.mailboxes.rename(path, to: newName, as: principal)
    }
    func status(of mailbox: MailboxID, as principal: Principal) async throws -> MailboxStatus {
        try await base.mailboxes.status(of: mailbox, as: principal)
    }
    func subscriptions(of user: UserID) async throws -> [String] {
        try await base.mailboxes.subscriptions(of: user)
    }
    func setSubscribed(_ subscribed: Bool, name: String, of user: UserID) async throws {
        try await base.mailboxes.setSubscribed(subscribed, name: name, of: user)
    }

    // MARK: MessageStore

    func append(_ messages: [NewMessage], to mailbox: MailboxID, as principal: Principal) async throws -> AppendResult {
        try check(.append)
        return try await base.messages.append(messages, to: mailbox, as: principal)
    }
    func records(in mailbox: MailboxID, uids: [UID], withStructure: Bool,
                 as principal: Principal) async throws -> [MessageRecord] {
        try check(.records)
        return try await base.messages.records(in: mailbox, uids: uids, withStructure: withStructure, as: principal)
    }
    func ghosts(in mailbox: MailboxID, uids: [UID], withStructure: Bool,
                as principal: Principal) async throws -> [MessageRecord] {
        try check(.records)
        return try await base.messages.ghosts(in: mailbox, uids: uids, withStructure: withStructure, as: principal)
    }
    func states(in mailbox: MailboxID, uids: [UID], as principal: Principal) async throws -> [MessageState] {
        try check(.states)
        return try await base.messages.states(in: mailbox, uids: uids, as: principal)
    }
    func changes(in mailbox: MailboxID, since modSeq: ModSeq, as principal: Principal) async throws -> MailboxChanges {
        try check(.changes)
        let changes = try await base.messages.changes(in: mailbox, since: modSeq, as: principal)
        if let action = afterChanges.withLock({ action in defer { action = nil }; return action }) {
            try await action()
        }
        return changes
    }
    func storeFlags(in mailbox: MailboxID, uids: [UID], operation: StoreOperation, flags: MessageFlags,
                    unchangedSince: ModSeq?, as principal: Principal) async throws -> StoreResult {
        try check(.storeFlags)
        return try await base.messages.storeFlags(in: mailbox, uids: uids, operation: operation, flags: flags,
                                                  unchangedSince: unchangedSince, as: principal)
    }
    func open(_ mailbox: MailboxID, claimRecent: Bool, as principal: Principal) async throws -> MailboxSnapshot {
        try await base.messages.open(mailbox, claimRecent: claimRecent, as: principal)
    }
    func claimRecent(in mailbox: MailboxID, through last: UID, as principal: Principal) async throws -> [UID] {
        try await base.messages.claimRecent(in: mailbox, through: last, as: principal)
    }
    func expunge(in mailbox: MailboxID, uids: [UID]?, as principal: Principal) async throws -> [UID] {
        try await base.messages.expunge(in: mailbox, uids: uids, as: principal)
    }
    func copy(from source: MailboxID, uids: [UID], to destination: MailboxID, requireAll: Bool,
              as principal: Principal) async throws -> CopyResult {
        try await waitForTransfer()
        return try await base.messages.copy(from: source, uids: uids, to: destination, requireAll: requireAll, as: principal)
    }
    func move(from source: MailboxID, uids: [UID], to destination: MailboxID,
              as principal: Principal) async throws -> CopyResult {
        try await waitForTransfer()
        return try await base.messages.move(from: source, uids: uids, to: destination, as: principal)
    }
}
