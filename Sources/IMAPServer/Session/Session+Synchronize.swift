import IMAPSyntax
import MailCore
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

    /// Closes the selected mailbox and returns to the authenticated state (RFC 9051 §3);
    /// false if no mailbox was selected.
    @discardableResult
    func leaveSelectedState() -> Bool {
        guard case .selected(let session, let selected) = state else { return false }
        deselect(selected)
        state = .authenticated(session)
        return true
    }

    /// Tells the client what other sessions changed, at a point where RFC 3501 §7 allows it:
    /// new messages (EXISTS), flag changes (FETCH) and, if allowed, expunges (EXPUNGE).
    func synchronize(allowExpunge: Bool, includeUID: Bool = false) async throws {
        guard let selected = state.selected else { return }
        guard selected.changeFlag.take() || allowExpunge && selected.hasPendingExpunges else { return }
        let changes: MailboxChanges
        var claimed: [UID] = []
        do {
            changes = try await store.messages.changes(in: selected.id, since: selected.knownModSeq, as: principal)
            // New messages are recent for the first read-write session told of them
            // (RFC 3501 §2.3.2), up to the last one this catch-up reports; once one session
            // has claimed them the others skip the write.
            if !selected.readOnly && changes.recentUnclaimed && selected.hasNewMessages(in: changes),
               let last = changes.changed.last?.uid {
                claimed = try await store.messages.claimRecent(in: selected.id, through: last, as: principal)
            }
        } catch MailStoreError.mailboxDeleted {
            try await finish(bye: "Selected mailbox was deleted")
            return
        } catch {
            _ = selected.changeFlag.raise()  // nothing was reported: the next catch-up tries again
            throw error
        }
        let knownModSeq = selected.knownModSeq
        for response in selected.apply(changes, claimedRecent: claimed, allowExpunge: allowExpunge,
                                       reporting: reporting(includeUID: includeUID)) {
            send(response)
        }
        if condstoreEnabled && changes.highestModSeq > knownModSeq {
            // RFC 7162 §3.1.2.1: the new HIGHESTMODSEQ, so that a client knows where it stands
            // without re-reading every flag.
            send(.condition(.ok, ResponseText(code: .highestModSeq(changes.highestModSeq), "Highest")))
        }
    }

    /// A change notification arrived between commands. During IDLE it is pushed at once
    /// (RFC 2177 §3); otherwise the client hears of it with its next command, since untagged
    /// updates go out only while a command is in progress (RFC 3501 §5.3).
    /// With NOTIFY in force, what it asked for goes out at once between commands too
    /// (RFC 5465 §3.1: "the client listens for event notifications all the time").
    func mailboxChangedWhileWaiting() async throws {
        if notification != nil {
            guard mode.acceptsNotifications else { return }  // sent at the end of the command
            do {
                try await deliverNotifications(allowExpunge: notifyAllowsExpungeNow)
            } catch {
                let outcome = try outcome(for: error, in: "NOTIFY")
                if mode.isIdling { recordIdleFailure(outcome) }
            }
            return
        }
        guard mode.isIdling else { return }
        do {
            try await synchronize(allowExpunge: true)
            try await refreshSearchContexts()
        } catch {
            recordIdleFailure(try outcome(for: error, in: "IDLE"))
        }
    }
}

extension Session {
    /// Whether CONDSTORE is in use: ENABLE CONDSTORE/QRESYNC or any CONDSTORE enabling
    /// command (RFC 7162 §3.1).
    var condstoreEnabled: Bool { state.session?.condstoreInUse ?? false }
    var qresyncEnabled: Bool { state.session?.enabled.contains("QRESYNC") ?? false }

    /// Records a CONDSTORE enabling command (RFC 7162 §3.1): from now on FETCH responses carry
    /// MODSEQ; the first one with a mailbox selected reports its HIGHESTMODSEQ.
    func noteCondstoreUse() {
        guard !condstoreEnabled else { return }
        state.updateSession { $0.condstoreInUse = true }
        if let selected = state.selected {
            send(.condition(.ok, ResponseText(code: .highestModSeq(selected.knownModSeq), "Highest")))
        }
    }

    func reporting(includeUID: Bool = false) -> UpdateReporting {
        // IMAP4rev2 puts UID in every unsolicited FETCH (RFC 9051 Appendix E 21).
        // UIDONLY (RFC 9586 §3.6): UIDFETCH (which needs the UID) and VANISHED.
        UpdateReporting(includeUID: includeUID || rev2 || uidOnly, includeModSeq: condstoreEnabled,
                        vanished: qresyncEnabled || uidOnly, recent: !rev2)
    }
}
