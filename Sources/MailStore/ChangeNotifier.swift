public import MailCore

import Synchronization

/// In-process publish/subscribe of "mailbox changed" events, so that sessions with a mailbox
/// selected learn of other sessions' changes at once (IDLE, RFC 2177) instead of polling.
/// A backend posts after each committed change; a multi-node backend also feeds it from the
/// database's own notifications.
public final class ChangeNotifier: Sendable {
    public typealias Handler = @Sendable (MailboxID) -> Void

    private struct State {
        var next = 0
        var handlers: [MailboxID: [Int: Handler]] = [:]
    }

    private let state = Mutex(State())

    public init() {}

    /// Registers a handler called after each committed change to `mailbox`; keep the token and
    /// pass it to `cancel` when the mailbox is no longer selected.
    public func observe(_ mailbox: MailboxID, _ handler: @escaping Handler) -> ObservationToken {
        state.withLock { state in
            state.next += 1
            state.handlers[mailbox, default: [:]][state.next] = handler
            return ObservationToken(mailbox: mailbox, key: state.next)
        }
    }

    public func cancel(_ token: ObservationToken) {
        state.withLock { state in
            state.handlers[token.mailbox]?[token.key] = nil
            if state.handlers[token.mailbox]?.isEmpty == true { state.handlers[token.mailbox] = nil }
        }
    }

    /// The mailboxes someone observes now (for a watcher of changes made by other processes).
    public var observedMailboxes: [MailboxID] {
        state.withLock { Array($0.handlers.keys) }
    }

    /// Announces that `mailbox` changed.
    public func post(_ mailbox: MailboxID) {
        let handlers = state.withLock { Array(($0.handlers[mailbox] ?? [:]).values) }
        for handler in handlers { handler(mailbox) }
    }

    public struct ObservationToken: Hashable, Sendable {
        let mailbox: MailboxID
        let key: Int
    }
}
