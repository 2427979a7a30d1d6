import IMAPSyntax
import MailCore
import MailStore

extension Session {
    /// NOTIFY (RFC 5465 §3.1): `NONE` stops every notification; `SET` replaces them. The
    /// command implies a NOOP (the catch-up of `complete`); with `STATUS`, each watched mailbox
    /// but the selected one gets a STATUS response before the tagged OK.
    func notify(_ command: NotifyCommand) async throws -> CommandOutcome {
        guard let user = state.user else { return .bad("Log in first") }
        guard case .set(let status, let groups) = command else {
            stopNotifications()
            return .ok("NOTIFY completed")
        }
        let utf8 = output.encoder.utf8Enabled
        let plan = try NotifyPlan(status: status, groups: groups) { name in
            try? MailboxNames.decode(name, utf8: utf8)
        }
        let mailboxes = try await store.mailboxes.list(of: user.id, as: principal)
        let subscribed = Set(try await store.mailboxes.subscriptions(of: user.id))
        let watched = watchedMailboxes(plan, mailboxes, subscribed: subscribed)
        if watched.count > configuration.notifyMaxMailboxes {
            // §3.1: "the server MAY refuse the command with a tagged NO [NOTIFICATIONOVERFLOW]".
            return .no("NOTIFY would watch \(watched.count) mailboxes; at most \(configuration.notifyMaxMailboxes)",
                       code: .other("NOTIFICATIONOVERFLOW", nil))
        }
        stopNotifications()
        let watch = NotifyWatch(notifier: store.notifications, signals: signals, origin: connection.id,
                                maxPending: configuration.notifyMaxPendingEvents)
        watch.observeAccount(user.id)
        watch.watchMailboxes(Set(watched.map(\.id)))
        let active = ActiveNotify(plan: plan, watch: watch)
        notification = active
        if plan.sendStatus {
            for record in watched where record.id != state.selected?.id {
                let events = plan.events(for: record.name, subscribed: subscribed.contains(record.name))
                try await sendNotifyStatus(of: record, events: events, in: active)
            }
        }
        return .ok("NOTIFY completed")
    }

    /// Between commands, SELECTED sends expunges at once; SELECTED-DELAYED keeps them for a
    /// command that allows them, or IDLE (§6.1.2).
    var notifyAllowsExpungeNow: Bool {
        mode.isIdling || !(notification?.plan.selected?.delayed ?? true)
    }

    /// Ends NOTIFY (NOTIFY NONE, a new NOTIFY SET, logout, overflow).
    func stopNotifications() {
        notification?.watch.cancel()
        notification = nil
    }

    /// Sends what NOTIFY has waiting (RFC 5465 §5): at once between commands and during IDLE
    /// (§4), and at the end of each command. `allowExpunge` says whether the moment allows
    /// EXPUNGE for the selected mailbox (RFC 3501 §7.4.1; see `notifyAllowsExpungeNow`).
    func deliverNotifications(allowExpunge: Bool) async throws {
        guard let active = notification else { return }
        let batch = active.watch.drain()
        if batch.overflowed {
            stopNotifications()
            send(.condition(.ok, ResponseText(code: .other("NOTIFICATIONOVERFLOW", nil),
                                              "Too many events; NOTIFY is now off")))
            return
        }
        if let selected = active.plan.selected {
            try await notifySelected(selected, allowExpunge: allowExpunge)
        }
        guard !batch.isEmpty, let user = state.user else { return }
        let mailboxes = try await store.mailboxes.list(of: user.id, as: principal)
        let subscribed = Set(try await store.mailboxes.subscriptions(of: user.id))
        if batch.accountChanges.contains(where: \.changesWatchedSet) {
            active.watch.watchMailboxes(Set(watchedMailboxes(active.plan, mailboxes, subscribed: subscribed).map(\.id)))
        }
        let listing = NotifyListing(mailboxes: mailboxes, subscribed: subscribed)
        for change in batch.accountChanges {
            for response in listing.responses(for: change, plan: active.plan, user: user.id) { send(response) }
        }
        let byID = Dictionary(mailboxes.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        for id in batch.mailboxes where id != state.selected?.id {
            guard let record = byID[id], record.selectable else { continue }
            let events = active.plan.events(for: record.name, subscribed: subscribed.contains(record.name))
            do {
                try await sendNotifyStatus(of: record, events: events, in: active)
            } catch MailStoreError.mailboxDeleted, MailStoreError.mailboxNotFound, MailStoreError.mailboxNotSelectable {
                continue  // gone meanwhile: its MailboxName event tells the client
            }
        }
    }

    /// The selected mailbox's message events (§5.1–5.3): EXISTS, EXPUNGE or VANISHED, FETCH
    /// FLAGS, and FETCH of what the client asked for each new message (§5.2).
    private func notifySelected(_ plan: NotifyPlan.Selected, allowExpunge: Bool) async throws {
        guard let selected = state.selected else { return }
        let lastKnown = selected.uids.last ?? UID(0)
        try await synchronize(allowExpunge: allowExpunge)
        guard !plan.fetch.isEmpty, state.selected === selected,
              let last = selected.uids.last, last > lastKnown,
              let first = selected.uids.first(where: { $0 > lastKnown }) else { return }
        let range = SequenceRange(.number(first.rawValue), .number(last.rawValue))
        _ = try await fetch(FetchCommand(sequenceSet: .ranges([range]), attributes: plan.fetch, byUID: true))
    }

    /// STATUS for a watched mailbox other than the selected one (§3.1, §5.1–5.3), unless it
    /// tells nothing new.
    private func sendNotifyStatus(of record: MailboxRecord, events: Set<NotifyPlan.Event>,
                                  in active: ActiveNotify) async throws {
        let attributes = NotifyPlan.statusAttributes(for: events, condstore: condstoreEnabled)
        guard !attributes.isEmpty else { return }
        let values = try await statusValues(of: record, attributes)
        guard active.lastStatus[record.id] != values else { return }
        active.lastStatus[record.id] = values
        send(.status(record.name, values))
    }

    /// The selectable mailboxes whose message events the plan asks for.
    private func watchedMailboxes(_ plan: NotifyPlan, _ mailboxes: [MailboxRecord],
                                  subscribed: Set<String>) -> [MailboxRecord] {
        guard plan.watchesMessages else { return [] }
        return mailboxes.filter { record in
            record.selectable
                && plan.events(for: record.name, subscribed: subscribed.contains(record.name)).contains(where: \.isMessageEvent)
        }
    }
}

extension AccountChange {
    /// Whether the change can alter which mailboxes a plan covers.
    var changesWatchedSet: Bool {
        if case .metadataChanged = kind { return false }
        return true
    }
}
