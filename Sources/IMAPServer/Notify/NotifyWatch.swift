import MailCore
import MailStore
import Synchronization

/// The live side of one session's NOTIFY (RFC 5465): observes the store's change notifier for
/// the session's account and the mailboxes it watches, queues what comes in, and wakes the
/// session once (`ConnectionSignal.mailboxChanged`) until the session drains the queue.
///
/// Changes the session made itself (the notifier's `origin` is its connection) are left out
/// (§5: "The server SHOULD omit notifying the client if the event is caused by this client").
/// When more than `maxPending` events wait, the queue is dropped and marked overflowed: the
/// session then sends `* OK [NOTIFICATIONOVERFLOW]` and stops (§5.8).
final class NotifyWatch: Sendable {
    /// What waited in the queue.
    struct Batch {
        /// Mailboxes whose messages changed, each once, in the order first announced.
        var mailboxes: [MailboxID] = []
        var accountChanges: [AccountChange] = []
        var overflowed = false

        var isEmpty: Bool { mailboxes.isEmpty && accountChanges.isEmpty && !overflowed }
    }

    private struct Queue {
        var batch = Batch()
        var queuedMailboxes = Set<MailboxID>()
        var wakePending = false
        var mailboxTokens: [MailboxID: ChangeNotifier.ObservationToken] = [:]
        var accountTokens: [ChangeNotifier.AccountObservationToken] = []
        var cancelled = false
    }

    private let notifier: ChangeNotifier
    private let signals: SignalSink
    private let origin: Int
    private let maxPending: Int
    private let queue = Mutex(Queue())

    init(notifier: ChangeNotifier, signals: SignalSink, origin: Int, maxPending: Int) {
        self.notifier = notifier
        self.signals = signals
        self.origin = origin
        self.maxPending = maxPending
    }

    /// Observes the mailboxes, subscriptions and METADATA of `owner` (one call per owner whose
    /// mailboxes the session may see).
    func observeAccount(_ owner: UserID) {
        let token = notifier.observeAccount(owner) { [weak self] change in
            guard let self, change.origin != self.origin else { return }
            self.enqueue { $0.batch.accountChanges.append(change) }
        }
        let cancelled = queue.withLock { queue in
            if !queue.cancelled { queue.accountTokens.append(token) }
            return queue.cancelled
        }
        if cancelled { notifier.cancel(token) }
    }

    /// Observes exactly `mailboxes` from now on for message changes: new ones are added,
    /// those no longer wanted dropped.
    func watchMailboxes(_ mailboxes: Set<MailboxID>) {
        let current = queue.withLock { Set($0.mailboxTokens.keys) }
        var added: [MailboxID: ChangeNotifier.ObservationToken] = [:]
        for mailbox in mailboxes.subtracting(current) {
            added[mailbox] = notifier.observe(mailbox) { [weak self] mailbox in
                guard let self, ChangeNotifier.origin != self.origin else { return }
                self.enqueue { queue in
                    if queue.queuedMailboxes.insert(mailbox).inserted { queue.batch.mailboxes.append(mailbox) }
                }
            }
        }
        let removed: [ChangeNotifier.ObservationToken] = queue.withLock { queue in
            if queue.cancelled { return Array(added.values) }
            queue.mailboxTokens.merge(added) { old, _ in old }
            let gone = queue.mailboxTokens.filter { !mailboxes.contains($0.key) }
            for key in gone.keys { queue.mailboxTokens[key] = nil }
            return Array(gone.values)
        }
        for token in removed { notifier.cancel(token) }
    }

    /// How many mailboxes are observed now.
    var watchedMailboxCount: Int { queue.withLock { $0.mailboxTokens.count } }

    /// Takes what waited; the next event wakes the session again.
    func drain() -> Batch {
        queue.withLock { queue in
            let batch = queue.batch
            queue.batch = Batch()
            queue.queuedMailboxes = []
            queue.wakePending = false
            return batch
        }
    }

    /// Whether anything waits.
    var hasPending: Bool { queue.withLock { !$0.batch.isEmpty } }

    /// Stops observing; nothing more is queued.
    func cancel() {
        let (mailboxTokens, accountTokens) = queue.withLock { queue in
            queue.cancelled = true
            defer { queue.mailboxTokens = [:]; queue.accountTokens = [] }
            return (Array(queue.mailboxTokens.values), queue.accountTokens)
        }
        for token in mailboxTokens { notifier.cancel(token) }
        for token in accountTokens { notifier.cancel(token) }
    }

    private func enqueue(_ add: (inout Queue) -> Void) {
        let wake = queue.withLock { queue -> Bool in
            guard !queue.cancelled, !queue.batch.overflowed else { return false }
            add(&queue)
            if queue.batch.mailboxes.count + queue.batch.accountChanges.count > maxPending {
                queue.batch = Batch(overflowed: true)
                queue.queuedMailboxes = []
            }
            guard !queue.wakePending else { return false }
            queue.wakePending = true
            return true
        }
        if wake { signals.yield(.mailboxChanged) }
    }
}
