import IMAPSyntax
import MailStore

extension Session {
    /// Starts watching the selected mailbox: the store's notifier raises the view's change flag
    /// and wakes the connection (for IDLE), at most one pending wake-up at a time.
    func observe(_ selected: SelectedMailbox) {
        let flag = selected.changeFlag
        let signals = self.signals
        selected.observation = store.notifications.observe(selected.id) { _ in
            if flag.raise() { signals.yield(.mailboxChanged) }
        }
    }

    func deselect(_ selected: SelectedMailbox) {
        if let token = selected.observation { store.notifications.cancel(token) }
        selected.observation = nil
    }

    /// Tells the client what other sessions changed, at a point where RFC 3501 §7 allows it:
    /// new messages (EXISTS), flag changes (FETCH) and, if allowed, expunges (EXPUNGE).
    func synchronize(allowExpunge: Bool, includeUID: Bool = false) async throws {
        guard let selected = state.selected else { return }
        guard selected.changeFlag.take() || allowExpunge && selected.hasPendingExpunges else { return }
        let changes: MailboxChanges
        var recent: Range<UID>?
        do {
            changes = try await store.changes(in: selected.id, since: selected.knownModSeq)
            // New messages are recent for the first session told of them (RFC 3501 §2.3.2).
            if selected.hasNewMessages(in: changes) {
                recent = try await store.recentUIDs(in: selected.id, below: changes.uidNext,
                                                    claim: !selected.readOnly)
            }
        } catch MailStoreError.mailboxDeleted {
            try await finish(bye: "Selected mailbox was deleted")
            return
        }
        for response in selected.apply(changes, recent: recent, allowExpunge: allowExpunge,
                                       includeUID: includeUID) {
            send(response)
        }
    }

    /// A change notification arrived between commands. Nothing is sent now: RFC 3501 §5.3
    /// allows untagged updates only while a command is in progress (IDLE is one).
    func mailboxChangedWhileWaiting() async throws {}
}
