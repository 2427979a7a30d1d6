import IMAPSyntax
import MailCore
import MailStore

extension Session {
    /// CREATE (RFC 9051 §6.3.4): superior levels are created as needed; INBOX cannot be
    /// created; a trailing delimiter is dropped.
    func create(_ wireName: MailboxName, specialUse: [MailboxAttribute]) async throws -> CommandOutcome {
        guard state.user != nil else { return .bad("Log in first") }
        let name = try decodeMailboxName(wireName, forCreate: true)
        if name == "INBOX" { return .no("INBOX always exists", code: .alreadyExists) }
        // CREATE-SPECIAL-USE (RFC 6154 §3): one special-use attribute per mailbox here.
        guard specialUse.count <= 1, specialUse.allSatisfy({ $0.specialUse != nil }) else {
            return .no("A mailbox can have one special-use attribute", code: .other("USEATTR", nil))
        }
        try mailboxLimits.checkDepth(of: name)
        let path = try await resolveMailbox(name).path
        try mailboxLimits.checkCreate(path.name, existing: try await store.mailboxes.list(of: path.owner, as: principal))
        let record = try await store.mailboxes.create(path, specialUse: specialUse.first?.specialUse, as: principal)
        return .ok("CREATE completed", code: .mailboxID(MailboxNames.objectID(of: record)))
    }

    /// DELETE (RFC 9051 §6.3.5, RFC 3501 §6.3.4 for the `\Noselect` rules, kept by the store).
    func delete(_ wireName: MailboxName) async throws -> CommandOutcome {
        guard state.user != nil else { return .bad("Log in first") }
        let name = try decodeMailboxName(wireName)
        if name == "INBOX" { return .no("INBOX cannot be deleted", code: .cannot) }
        let path = try await resolveMailbox(name).path
        if state.selected?.record.path == path {
            leaveSelectedState()  // deleting the selected mailbox closes it first, as Dovecot does
        }
        try await store.mailboxes.delete(path, as: principal)
        return .ok("DELETE completed")
    }

    /// RENAME (RFC 9051 §6.3.6): the whole subtree moves; renaming INBOX moves its messages.
    func rename(from wireFrom: MailboxName, to wireTo: MailboxName) async throws -> CommandOutcome {
        guard state.user != nil else { return .bad("Log in first") }
        let fromName = try decodeMailboxName(wireFrom)
        let toName = try decodeMailboxName(wireTo, forCreate: true)
        if toName == "INBOX" { return .no("Cannot rename onto INBOX", code: .cannot) }
        if fromName == toName { return .no("Mailbox already exists", code: .alreadyExists) }
        try mailboxLimits.checkDepth(of: toName)
        let source = try await resolveMailbox(fromName).path
        let target = try await resolveMailbox(toName).path
        // Each owner's mailboxes form one tree; a mailbox cannot move to another owner's.
        guard source.owner == target.owner else { return .no("Cannot rename into another namespace", code: .cannot) }
        let (from, to) = (source.name, target.name)
        let existing = try await store.mailboxes.list(of: source.owner, as: principal)
        if existing.contains(where: { $0.name == from }) {
            try mailboxLimits.checkRename(from: from, to: to, existing: existing)
        }
        try await store.mailboxes.rename(source, to: to, as: principal)
        return .ok("RENAME completed")
    }

    /// The mailbox limits of the configuration (`MailboxLimits`).
    var mailboxLimits: MailboxLimits {
        MailboxLimits(maxMailboxes: configuration.maxMailboxesPerUser, maxDepth: configuration.maxMailboxDepth)
    }

    /// SUBSCRIBE and UNSUBSCRIBE (RFC 9051 §6.3.7–8). Subscribing needs an existing mailbox;
    /// unsubscribing works for any name, so stale subscriptions can be removed.
    func subscribe(_ wireName: MailboxName, _ subscribed: Bool) async throws -> CommandOutcome {
        guard let user = state.user else { return .bad("Log in first") }
        let name = try decodeMailboxName(wireName)
        if subscribed, try await store.mailboxes.mailbox(at: try await resolveMailbox(name).path, as: principal) == nil {
            return .no("Mailbox does not exist", code: .nonExistent)
        }
        try await store.mailboxes.setSubscribed(subscribed, name: name, of: user.id)
        return .ok(subscribed ? "SUBSCRIBE completed" : "UNSUBSCRIBE completed")
    }

    /// STATUS (RFC 9051 §6.3.11): counters of any mailbox without selecting it.
    func status(_ wireName: MailboxName, _ attributes: [StatusAttribute]) async throws -> CommandOutcome {
        guard state.user != nil else { return .bad("Log in first") }
        let name = try decodeMailboxName(wireName)
        guard let record = try await store.mailboxes.mailbox(at: try await resolveMailbox(name).path, as: principal) else {
            return .no("Mailbox does not exist", code: .nonExistent)
        }
        guard record.selectable else { return .no("Mailbox cannot be selected", code: .cannot) }
        send(.status(name, try await statusValues(of: record, attributes)))
        return .ok("STATUS completed")
    }

    /// The STATUS data items of a mailbox (RFC 9051 §7.3.2; RFC 7162 HIGHESTMODSEQ, RFC 8438
    /// SIZE, RFC 7889 APPENDLIMIT, RFC 8474 MAILBOXID), also for LIST-STATUS (RFC 5819).
    func statusValues(of record: MailboxRecord, _ attributes: [StatusAttribute]) async throws -> [StatusValue] {
        if attributes.contains(.highestModSeq) { noteCondstoreUse() }
        let status = try await store.mailboxes.status(of: record.id, as: principal)
        return attributes.map { attribute in
            switch attribute {
            case .messages: return .messages(status.messages)
            case .recent: return .recent(status.recent)
            case .uidNext: return .uidNext(status.uidNext)
            case .uidValidity: return .uidValidity(status.uidValidity)
            case .unseen: return .unseen(status.unseen)
            case .highestModSeq: return .highestModSeq(status.highestModSeq)
            case .deleted: return .deleted(status.deleted)
            case .size: return .size(status.size)
            case .appendLimit: return .appendLimit(configuration.maxMessageSize)
            case .mailboxID: return .mailboxID(MailboxNames.objectID(of: record))
            case .deletedStorage: return .deletedStorage(Self.kibibytesRoundedUp(status.deletedSize))  // RFC 9208
            }
        }
    }
}
