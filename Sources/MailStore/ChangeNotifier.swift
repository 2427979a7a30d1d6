public import MailCore

import Synchronization

/// In-process publish/subscribe of committed changes, so that sessions learn of other
/// sessions' changes at once instead of polling:
///
/// - "mailbox changed" (`post(_:)` with a `MailboxID`): messages, flags or counters of one
///   mailbox changed; sessions with the mailbox selected catch up (IDLE, RFC 2177), NOTIFY
///   sessions send STATUS for it (RFC 5465 §5.1–5.3).
/// - account changes (`post(_:)` with an `AccountChange`): a mailbox of a user was created,
///   renamed or deleted, a subscription or METADATA entries changed (RFC 5465 §5.4–5.7).
///
/// A backend posts after each committed change, from the task that made it; a multi-node
/// backend also feeds it from the database's own notifications. The task that posts may carry
/// an `origin` (the connection acting, a task-local value), so that a session can leave out
/// what it caused itself (RFC 5465 §5: "The server SHOULD omit notifying the client if the
/// event is caused by this client"). Handlers run synchronously inside `post`, so they can read
/// `ChangeNotifier.origin` there; they must be quick and must not call back into the notifier.
public final class ChangeNotifier: Sendable {
    public typealias Handler = @Sendable (MailboxID) -> Void
    public typealias AccountHandler = @Sendable (AccountChange) -> Void

    /// Who is making the change being posted: the identifier of the connection whose command
    /// runs in this task, or nil (delivery, import, another process).
    @TaskLocal public static var origin: Int?

    private struct State {
        var next = 0
        var handlers = Observers<MailboxID, Handler>()
        /// Account observers by owner.
        var accountHandlers = Observers<UserID, AccountHandler>()
    }

    /// Handlers by the key they observe, each under its own number.
    private struct Observers<Key: Hashable, Value> {
        var byKey: [Key: [Int: Value]] = [:]

        mutating func add(_ value: Value, for key: Key, number: Int) {
            byKey[key, default: [:]][number] = value
        }

        mutating func remove(_ number: Int, for key: Key) {
            byKey[key]?[number] = nil
            if byKey[key]?.isEmpty == true { byKey[key] = nil }
        }

        func values(for key: Key) -> [Value] { Array((byKey[key] ?? [:]).values) }
        var all: [Value] { byKey.values.flatMap(\.values) }
    }

    private let state = Mutex(State())

    public init() {}

    /// Registers a handler called after each committed change to `mailbox`; keep the token and
    /// pass it to `cancel` when the mailbox is no longer selected.
    public func observe(_ mailbox: MailboxID, _ handler: @escaping Handler) -> ObservationToken {
        state.withLock { state in
            state.next += 1
            state.handlers.add(handler, for: mailbox, number: state.next)
            return ObservationToken(mailbox: mailbox, key: state.next)
        }
    }

    public func cancel(_ token: ObservationToken) {
        state.withLock { $0.handlers.remove(token.key, for: token.mailbox) }
    }

    /// The mailboxes someone observes now (for a watcher of changes made by other processes).
    public var observedMailboxes: [MailboxID] {
        state.withLock { Array($0.handlers.byKey.keys) }
    }

    /// Announces that `mailbox` changed.
    public func post(_ mailbox: MailboxID) {
        let handlers = state.withLock { $0.handlers.values(for: mailbox) }
        for handler in handlers { handler(mailbox) }
    }

    public struct ObservationToken: Hashable, Sendable {
        let mailbox: MailboxID
        let key: Int
    }

    // MARK: - Account changes (RFC 5465 §5.4–5.7)

    /// Registers a handler called after each committed change to the mailboxes, subscriptions
    /// or METADATA of `owner`, and after each change of the server's own METADATA. A session
    /// that reaches other users' mailboxes (shared folders) observes each of their owners too.
    public func observeAccount(_ owner: UserID, _ handler: @escaping AccountHandler) -> AccountObservationToken {
        state.withLock { state in
            state.next += 1
            state.accountHandlers.add(handler, for: owner, number: state.next)
            return AccountObservationToken(owner: owner, key: state.next)
        }
    }

    public func cancel(_ token: AccountObservationToken) {
        state.withLock { $0.accountHandlers.remove(token.key, for: token.owner) }
    }

    /// Announces an account change to the observers of its owner, or to every account observer
    /// when it has no owner (the server's METADATA).
    public func post(_ change: AccountChange) {
        var change = change
        if change.origin == nil { change.origin = Self.origin }
        let handlers = state.withLock { state in
            if let owner = change.owner { return state.accountHandlers.values(for: owner) }
            return state.accountHandlers.all
        }
        for handler in handlers { handler(change) }
    }

    public struct AccountObservationToken: Hashable, Sendable {
        let owner: UserID
        let key: Int
    }
}
