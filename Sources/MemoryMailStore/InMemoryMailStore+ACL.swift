public import MailCore
public import MailStore

extension StoreState {
    /// The principal's rights on a mailbox (`AccessGate.rights`).
    func rights(on entry: MailboxEntry, as principal: Principal) -> AccessRights {
        var name: String?
        if case .user(let user) = principal { name = users[user]?.user.name }
        return AccessGate.rights(of: principal, named: name, owner: entry.owner, list: entry.acl)
    }

    /// The mailbox at (owner, name) if the principal may see it (RFC 4314 §6); nil if it is
    /// missing or invisible, so that the two look alike.
    func visibleMailbox(_ path: MailboxPath, as principal: Principal) -> (entry: MailboxEntry, rights: AccessRights)? {
        guard let id = mailboxID(of: path.owner, named: path.name), let entry = mailboxes[id] else { return nil }
        let rights = rights(on: entry, as: principal)
        return MailboxOperation.readOwnRights.isAllowed(by: rights) ? (entry, rights) : nil
    }

    /// Throws unless the principal may create `name` among `owner`'s mailboxes: `k` on the
    /// nearest existing superior (RFC 4314 §4 CREATE, RENAME), or, at the top, being the owner
    /// or the administrator. Returns the superior's list, which a new mailbox inherits.
    func requireCreate(_ name: String, owner: UserID, as principal: Principal) throws -> AccessControlList {
        let superior = AccessGate.nearestSuperior(of: name) { mailboxID(of: owner, named: $0) != nil }
        guard let superior, let id = mailboxID(of: owner, named: superior), let parent = mailboxes[id] else {
            if principal == .administrator || principal == .user(owner) { return AccessControlList() }
            throw MailStoreError.permissionDenied
        }
        guard MailboxOperation.createChild.isAllowed(by: rights(on: parent, as: principal)) else {
            throw MailStoreError.permissionDenied
        }
        return parent.acl
    }

    /// The mailbox at `path` if the principal may administer its list (`a`, RFC 4314 §4).
    func administered(_ path: MailboxPath, as principal: Principal) throws -> MailboxID {
        guard let id = mailboxID(of: path.owner, named: path.name), let entry = mailboxes[id] else {
            throw MailStoreError.mailboxNotFound(path.name)
        }
        try AccessGate.require(.administer, rights(on: entry, as: principal),
                               hidden: MailStoreError.mailboxNotFound(path.name))
        return id
    }

    /// Removes a deleted user's entries from every list (RFC 4314: rights go with the user).
    mutating func removeAccessEntries(of name: String) {
        for id in Array(mailboxes.keys) {
            guard let entries = mailboxes[id]?.acl.entries,
                  entries.contains(where: { $0.identifier == .user(name) }) else { continue }
            mailboxes[id]?.acl.remove(.user(name), negative: false)
            mailboxes[id]?.acl.remove(.user(name), negative: true)
        }
    }
}

extension InMemoryMailStore {
    public func accessControlList(of path: MailboxPath, as principal: Principal) async throws -> AccessControlList {
        try state.withLock { state in
            let id = try state.administered(path, as: principal)
            return state.mailboxes[id]?.acl ?? AccessControlList()
        }
    }

    public func setAccess(_ entry: AccessEntry, on path: MailboxPath, as principal: Principal) async throws {
        let id = try state.withLock { state in
            let id = try state.administered(path, as: principal)
            state.mailboxes[id]?.acl.set(entry)
            return id
        }
        post([id])
    }

    public func removeAccess(_ identifier: AccessIdentifier, negative: Bool, on path: MailboxPath,
                             as principal: Principal) async throws {
        let id = try state.withLock { state in
            let id = try state.administered(path, as: principal)
            state.mailboxes[id]?.acl.remove(identifier, negative: negative)
            return id
        }
        post([id])
    }

    public func rights(on path: MailboxPath, as principal: Principal) async throws -> AccessRights {
        try state.withLock { state in
            guard let (_, rights) = state.visibleMailbox(path, as: principal) else {
                throw MailStoreError.mailboxNotFound(path.name)
            }
            return rights
        }
    }

    public func sharedMailboxes(visibleTo user: UserID) async throws -> [SharedMailbox] {
        state.withLock { state in
            var shared: [SharedMailbox] = []
            for entry in state.mailboxes.values where entry.owner != user && !entry.acl.entries.isEmpty {
                let rights = state.rights(on: entry, as: .user(user))
                guard rights.contains(.lookup), let owner = state.users[entry.owner]?.user.name else { continue }
                shared.append(SharedMailbox(record: entry.record,
                                            ownerName: owner == AccessGate.publicOwnerName ? nil : owner,
                                            rights: rights))
            }
            return shared.sorted {
                ($0.ownerName ?? "", BinaryName($0.record.name)) < ($1.ownerName ?? "", BinaryName($1.record.name))
            }
        }
    }

    public func publicOwner(creating: Bool) async throws -> UserID? {
        state.withLock { state in
            let name = BinaryName(AccessGate.publicOwnerName)
            if let id = state.userIDs[name] { return id }
            guard creating else { return nil }
            state.lastUserID += 1
            let user = User(id: UserID(rawValue: state.lastUserID), name: AccessGate.publicOwnerName)
            // No credentials: the name is no valid login name, so no one can log in as it.
            state.users[user.id] = UserEntry(user: user, credentials: "")
            state.userIDs[name] = user.id
            return user.id
        }
    }
}
