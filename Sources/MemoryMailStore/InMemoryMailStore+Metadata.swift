public import MailCore
public import MailStore

/// Where one METADATA entry lives: its mailbox (nil: the server), its user (nil: shared) and
/// its name.
struct MetadataKey: Hashable, Sendable {
    var mailbox: MailboxID?
    var user: UserID?
    var name: MetadataEntryName
}

/// Every METADATA entry of the store (RFC 5464), with the clean-ups that mailbox and user
/// removal call.
struct MetadataTable: Sendable {
    var entries: [MetadataKey: [UInt8]] = [:]

    /// A mailbox's entries go with it (DELETE, and a mailbox that becomes a placeholder gets
    /// a new ID).
    mutating func removeMailbox(_ mailbox: MailboxID) {
        entries = entries.filter { $0.key.mailbox != mailbox }
    }

    /// A user's private entries go with the user (their mailboxes' go with the mailboxes).
    mutating func removeUser(_ user: UserID) {
        entries = entries.filter { $0.key.user != user }
    }

    /// RENAME INBOX: the new mailbox gets a copy of INBOX's entries (RFC 5464 §4.1).
    mutating func copyMailbox(_ source: MailboxID, to target: MailboxID) {
        for (key, value) in entries where key.mailbox == source {
            entries[MetadataKey(mailbox: target, user: key.user, name: key.name)] = value
        }
    }
}

/// Where a call's entries live, as `SQLiteMailStore.MetadataScope`: the mailbox (nil for the
/// server), whose private entries the call sees (nil: none), who owns the shared ones.
private struct MetadataScope {
    var mailbox: MailboxID?
    var user: UserID?
    var owner: UserID?

    func sees(_ key: MetadataKey) -> Bool {
        key.mailbox == mailbox && (key.user == nil || key.user == user)
    }
}

extension StoreState {
    fileprivate func metadataScope(_ target: MetadataTarget, as principal: Principal) throws -> MetadataScope {
        switch target {
        case .server:
            if case .user(let user) = principal { return MetadataScope(mailbox: nil, user: user, owner: nil) }
            return MetadataScope(mailbox: nil, user: nil, owner: nil)
        case .mailbox(let path):
            guard principal.mayAccess(mailboxesOf: path.owner), let id = mailboxID(of: path.owner, named: path.name)
            else { throw MailStoreError.mailboxNotFound(path.name) }
            let user: UserID
            if case .user(let acting) = principal { user = acting } else { user = path.owner }
            return MetadataScope(mailbox: id, user: user, owner: path.owner)
        }
    }

    /// The octets charged to `user` (`MetadataLimits.maxTotalSize`) in `table`.
    fileprivate func metadataTotal(of user: UserID, in table: MetadataTable) -> Int {
        table.entries.reduce(0) { total, entry in
            let key = entry.key
            let charged = key.user == user
                || (key.user == nil && key.mailbox.flatMap { mailboxes[$0]?.owner } == user)
            return charged ? total + MetadataChange.footprint(name: key.name, value: entry.value) : total
        }
    }
}

extension InMemoryMailStore {
    public func metadata(on target: MetadataTarget, names: [MetadataEntryName], depth: MetadataDepth,
                         as principal: Principal) async throws -> [MetadataEntry] {
        try state.withLock { state in
            let scope = try state.metadataScope(target, as: principal)
            return state.metadata.entries
                .filter { entry in
                    scope.sees(entry.key) && names.contains { entry.key.name.matches($0, depth: depth) }
                }
                .map { MetadataEntry(name: $0.key.name, value: $0.value) }
                .sorted { $0.name < $1.name }
        }
    }

    /// SETMETADATA (RFC 5464 §4.3): the changes are made on a copy of the entries, which
    /// replaces them only when it keeps the limits.
    public func setMetadata(_ changes: [MetadataChange], on target: MetadataTarget, limits: MetadataLimits,
                            as principal: Principal) async throws {
        let changes = MetadataChange.lastPerName(changes)
        guard !changes.isEmpty else { return }
        try state.withLock { state in
            let scope = try state.metadataScope(target, as: principal)
            if changes.contains(where: { $0.name.scope == .private }) && scope.user == nil {
                throw MailStoreError.metadataRefused(.noPrivate)
            }
            if changes.contains(where: { $0.name.scope == .shared }) && scope.mailbox == nil && principal != .administrator {
                throw MailStoreError.permissionDenied
            }
            let charged = Set([scope.user, scope.owner].compactMap { $0 })
            let entriesBefore = state.metadata.entries.keys.filter(scope.sees).count
            let totalsBefore = charged.map { state.metadataTotal(of: $0, in: state.metadata) }
            var changed = state.metadata
            for change in changes {
                let key = MetadataKey(mailbox: scope.mailbox, user: change.name.scope == .private ? scope.user : nil,
                                      name: change.name)
                changed.entries[key] = change.value
            }
            let entriesAfter = changed.entries.keys.filter(scope.sees).count
            let totalsAfter = charged.map { state.metadataTotal(of: $0, in: changed) }
            if let refusal = limits.refusal(of: changes, entries: (entriesBefore, entriesAfter),
                                            totals: zip(totalsBefore, totalsAfter).map { ($0, $1) }) {
                throw MailStoreError.metadataRefused(refusal)
            }
            state.metadata = changed
        }
        notifications.post(AccountChange.metadata(changes, on: target, as: principal))
    }
}
