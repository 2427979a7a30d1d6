public import MailCore
public import MailStore

extension InMemoryMailStore {
    /// Every mailbox of `owner` in name order (bytes), placeholders included; nothing for a
    /// principal that may not reach them (RFC 3501 §6.3.8 lists only what the user can see).
    public func list(of owner: UserID, as principal: Principal) async throws -> [MailboxRecord] {
        let isOwn = principal == .administrator || principal == .user(owner)
        return state.withLock { state in
            guard let names = state.users[owner]?.mailboxes else { return [] }
            // The owner sees every mailbox (`l` is theirs for good); others what `l` shows.
            return names.sorted { $0.key < $1.key }.compactMap { state.mailboxes[$0.value] }
                .filter { isOwn || state.rights(on: $0, as: principal).contains(.lookup) }.map(\.record)
        }
    }

    public func mailbox(at path: MailboxPath, as principal: Principal) async throws -> MailboxRecord? {
        state.withLock { state in state.visibleMailbox(path, as: principal)?.entry.record }
    }

    /// CREATE (RFC 3501 §6.3.3): the mailbox and each missing superior, all selectable, each
    /// with a fresh UIDVALIDITY; a `\Noselect` placeholder of the name becomes selectable again
    /// under its ID with a fresh UIDVALIDITY.
    public func create(_ path: MailboxPath, specialUse: SpecialUse?,
                       as principal: Principal) async throws -> MailboxRecord {
        let (owner, name) = (path.owner, path.name)
        let now = Self.now()
        let created: MailboxRecord = try state.withLock { state in
            guard state.users[owner] != nil else { throw MailStoreError.userNotFound(String(owner.rawValue)) }
            let inherited = try state.requireCreate(name, owner: owner, as: principal)
            if let existing = state.mailboxID(of: owner, named: name) {
                guard state.mailboxes[existing]?.selectable == false else { throw MailStoreError.mailboxExists(name) }
                try state.checkQuota(of: owner, adding: QuotaUsage(mailboxes: 1))  // quota
                let uidValidity = try state.allocateUIDValidities(1, now: now)[0]
                guard let record = state.update(existing, { entry in
                    entry.revive(specialUse: specialUse, uidValidity: uidValidity)
                    return entry.record
                }) else { throw MailStoreError.mailboxNotFound(name) }
                state.addQuotaUsage(QuotaUsage(mailboxes: 1), to: owner)  // quota
                return record
            }
            let superiors = state.missingSuperiors(of: name, owner: owner)
            try state.checkQuota(of: owner, adding: QuotaUsage(mailboxes: UInt64(superiors.count + 1)))  // quota
            let values = try state.allocateUIDValidities(superiors.count + 1, now: now)
            for (superior, uidValidity) in zip(superiors, values) {
                state.insertMailbox(owner: owner, name: superior, selectable: true, specialUse: nil,
                                    uidValidity: uidValidity)
            }
            let created = state.insertMailbox(owner: owner, name: name, selectable: true, specialUse: specialUse,
                                              uidValidity: values[superiors.count])
            state.mailboxes[created.id]?.acl = inherited  // RFC 4314 §4: inherits its parent's list
            return created.record
        }
        notifications.post(AccountChange(owner: owner, .mailboxCreated(name)))
        return created
    }

    /// DELETE (RFC 3501 §6.3.4, RFC 9051 §6.3.5): INBOX cannot be deleted, nor a placeholder
    /// with inferiors; a mailbox with inferiors loses its messages and becomes a `\Noselect`
    /// placeholder under a new ID (the deleted mailbox's ID is gone for good); anything else
    /// is removed. Blobs go with their last message.
    public func delete(_ path: MailboxPath, as principal: Principal) async throws {
        let (owner, name) = (path.owner, path.name)
        let deleted: MailboxID = try state.withLock { state in
            guard let id = state.mailboxID(of: owner, named: name), let entry = state.mailboxes[id]
            else { throw MailStoreError.mailboxNotFound(name) }
            try AccessGate.require(.delete, state.rights(on: entry, as: principal),
                                   hidden: MailStoreError.mailboxNotFound(name))
            guard name != "INBOX" else { throw MailStoreError.inboxOperationNotAllowed }
            let selectable = entry.selectable
            let hasInferiors = state.hasInferiors(of: owner, name)
            if hasInferiors && !selectable { throw MailStoreError.mailboxHasChildren(name) }
            state.removeMailbox(id)
            if hasInferiors {
                state.insertMailbox(owner: owner, name: name, selectable: false, specialUse: nil,
                                    uidValidity: UIDValidity(0))
            }
            return id
        }
        post([deleted])
        notifications.post(AccountChange(owner: owner, .mailboxDeleted(name)))
    }

    /// RENAME (RFC 3501 §6.3.5, RFC 9051 §6.3.6): the mailbox and its inferiors take the new
    /// name, keeping their IDs, UIDVALIDITY and messages; missing superiors of the new name
    /// are created. RENAME INBOX moves INBOX's messages instead (`StoreState.renameInbox`).
    public func rename(_ path: MailboxPath, to newName: String, as principal: Principal) async throws {
        let (owner, from) = (path.owner, path.name)
        let now = Self.now()
        let changed: [MailboxID] = try state.withLock { state in
            guard let source = state.mailboxID(of: owner, named: from), let entry = state.mailboxes[source] else {
                throw MailStoreError.mailboxNotFound(from)
            }
            // RFC 4314 §4: `x` on the mailbox, `k` on the new parent.
            try AccessGate.require(.delete, state.rights(on: entry, as: principal),
                                   hidden: MailStoreError.mailboxNotFound(from))
            guard newName != "INBOX" else { throw MailStoreError.inboxOperationNotAllowed }
            _ = try state.requireCreate(newName, owner: owner, as: principal)
            if from == "INBOX" { return try state.renameInbox(source, owner: owner, to: newName, now: now) }
            if newName == from || newName.hasPrefix(from + "/") { throw MailStoreError.renameIntoItself }
            if state.mailboxID(of: owner, named: newName) != nil { throw MailStoreError.mailboxExists(newName) }
            return try state.renameSubtree(owner: owner, from: from, to: newName, now: now)
        }
        post(changed)
        notifications.post(AccountChange(owner: owner, .mailboxRenamed(from: from, to: newName)))
    }

    /// STATUS counters (RFC 9051 §6.3.11).
    public func status(of mailbox: MailboxID, as principal: Principal) async throws -> MailboxStatus {
        try state.withLock { state in
            let entry = try state.selectable(mailbox, as: principal, for: .read)
            var recent = 0, unseen = 0, deleted = 0
            var size: UInt64 = 0, deletedSize: UInt64 = 0
            for message in entry.messages {
                if Int64(message.uid.rawValue) >= entry.recentFloor { recent += 1 }
                if !message.flags.system.contains(.seen) { unseen += 1 }
                if message.flags.system.contains(.deleted) {
                    deleted += 1
                    deletedSize += message.size
                }
                size += message.size
            }
            return MailboxStatus(messages: entry.messages.count, recent: recent, unseen: unseen, deleted: deleted,
                                 size: size, uidNext: entry.uidNextValue, uidValidity: entry.uidValidity,
                                 highestModSeq: entry.highestModSeq, deletedSize: deletedSize)
        }
    }

    public func subscriptions(of user: UserID) async throws -> [String] {
        state.withLock { state in
            (state.users[user]?.subscriptions ?? []).sorted().map(\.string)
        }
    }

    /// SUBSCRIBE/UNSUBSCRIBE (RFC 9051 §6.3.7–8): any name may be subscribed, existing or not,
    /// and stays subscribed when its mailbox is deleted or renamed.
    public func setSubscribed(_ subscribed: Bool, name: String, of user: UserID) async throws {
        try state.withLock { state in
            guard let index = state.users.index(forKey: user) else {
                throw MailStoreError.userNotFound(String(user.rawValue))
            }
            if subscribed {
                state.users.values[index].subscriptions.insert(BinaryName(name))
            } else {
                state.users.values[index].subscriptions.remove(BinaryName(name))
            }
        }
        notifications.post(AccountChange(owner: user, .subscriptionChanged(name, subscribed: subscribed)))
    }
}
