import IMAPSyntax
import MailStore

extension Session {
    /// CREATE (RFC 9051 §6.3.4): superior levels are created as needed; INBOX cannot be
    /// created; a trailing delimiter is dropped.
    func create(_ wireName: MailboxName, specialUse: [MailboxAttribute]) async throws -> CommandOutcome {
        guard let user = state.user else { return .bad("Log in first") }
        let name = try decodeMailboxName(wireName, forCreate: true)
        if name == "INBOX" { return .no("INBOX always exists", code: .alreadyExists) }
        guard specialUse.isEmpty else { return .bad("CREATE with special use is not supported") }
        _ = try await store.createMailbox(named: name, of: user.id, specialUse: nil)
        return .ok("CREATE completed")
    }

    /// DELETE (RFC 9051 §6.3.5, RFC 3501 §6.3.4 for the `\Noselect` rules, kept by the store).
    func delete(_ wireName: MailboxName) async throws -> CommandOutcome {
        guard let user = state.user else { return .bad("Log in first") }
        let name = try decodeMailboxName(wireName)
        if name == "INBOX" { return .no("INBOX cannot be deleted", code: .cannot) }
        if let selected = state.selected, selected.record.name == name {
            // Deleting the selected mailbox: close it first, as Dovecot does.
            deselect(selected)
            state = .authenticated(user)
        }
        try await store.deleteMailbox(named: name, of: user.id)
        return .ok("DELETE completed")
    }

    /// RENAME (RFC 9051 §6.3.6): the whole subtree moves; renaming INBOX moves its messages.
    func rename(from wireFrom: MailboxName, to wireTo: MailboxName) async throws -> CommandOutcome {
        guard let user = state.user else { return .bad("Log in first") }
        let from = try decodeMailboxName(wireFrom)
        let to = try decodeMailboxName(wireTo, forCreate: true)
        if to == "INBOX" { return .no("Cannot rename onto INBOX", code: .cannot) }
        if from == to { return .no("Mailbox already exists", code: .alreadyExists) }
        try await store.renameMailbox(from: from, to: to, of: user.id)
        return .ok("RENAME completed")
    }

    /// SUBSCRIBE and UNSUBSCRIBE (RFC 9051 §6.3.7–8). Subscribing needs an existing mailbox;
    /// unsubscribing works for any name, so stale subscriptions can be removed.
    func subscribe(_ wireName: MailboxName, _ subscribed: Bool) async throws -> CommandOutcome {
        guard let user = state.user else { return .bad("Log in first") }
        let name = try decodeMailboxName(wireName)
        if subscribed, try await store.mailbox(named: name, of: user.id) == nil {
            return .no("Mailbox does not exist", code: .nonExistent)
        }
        try await store.setSubscribed(subscribed, name: name, of: user.id)
        return .ok(subscribed ? "SUBSCRIBE completed" : "UNSUBSCRIBE completed")
    }

    /// STATUS (RFC 9051 §6.3.11): counters of any mailbox without selecting it.
    func status(_ wireName: MailboxName, _ attributes: [StatusAttribute]) async throws -> CommandOutcome {
        guard let user = state.user else { return .bad("Log in first") }
        let name = try decodeMailboxName(wireName)
        guard let record = try await store.mailbox(named: name, of: user.id) else {
            return .no("Mailbox does not exist", code: .nonExistent)
        }
        guard record.selectable else { return .no("Mailbox cannot be selected", code: .cannot) }
        if attributes.contains(.highestModSeq) { noteCondstoreUse() }
        let status = try await store.status(of: record.id)
        var values: [StatusValue] = []
        for attribute in attributes {
            switch attribute {
            case .messages: values.append(.messages(status.messages))
            case .recent: values.append(.recent(status.recent))
            case .uidNext: values.append(.uidNext(status.uidNext))
            case .uidValidity: values.append(.uidValidity(status.uidValidity))
            case .unseen: values.append(.unseen(status.unseen))
            case .highestModSeq: values.append(.highestModSeq(status.highestModSeq))
            case .deleted: values.append(.deleted(status.deleted))
            case .size: values.append(.size(status.size))
            case .mailboxID, .appendLimit:
                return .bad("STATUS \(attribute.rawValue) is not supported")
            }
        }
        send(.status(record.name, values))
        return .ok("STATUS completed")
    }
}
