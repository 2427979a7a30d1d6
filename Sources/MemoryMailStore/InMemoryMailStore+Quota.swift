public import MailCore
public import MailStore

extension InMemoryMailStore {
    public func quota(of user: UserID) async throws -> Quota {
        try state.withLock { state in
            guard let entry = state.users[user] else { throw MailStoreError.userNotFound(String(user.rawValue)) }
            return Quota(limits: entry.quotaLimits, usage: entry.quotaUsage)
        }
    }

    public func setQuotaLimits(_ limits: QuotaLimits, of user: UserID) async throws {
        try state.withLock { state in
            guard state.users[user] != nil else { throw MailStoreError.userNotFound(String(user.rawValue)) }
            state.users[user]?.quotaLimits = limits
        }
    }

    public func recalculateQuotaUsage(of user: UserID) async throws -> (before: QuotaUsage, after: QuotaUsage) {
        try state.withLock { state in
            guard let entry = state.users[user] else { throw MailStoreError.userNotFound(String(user.rawValue)) }
            var usage = QuotaUsage()
            for id in entry.mailboxes.values {
                guard let mailbox = state.mailboxes[id], mailbox.selectable else { continue }
                usage.add(StoreState.quotaUsage(of: mailbox.messages))
                usage.mailboxes += 1
            }
            state.users[user]?.quotaUsage = usage
            return (entry.quotaUsage, usage)
        }
    }
}

/// Quota bookkeeping (RFC 9208): each operation adds or takes what it changes in the same
/// critical section as the change, and checks growth before changing anything.
extension StoreState {
    /// Throws `overQuota` if adding `addition` takes `owner` past a limit.
    func checkQuota(of owner: UserID, adding addition: QuotaUsage) throws {
        guard let entry = users[owner] else { return }
        try entry.quotaLimits.check(usage: entry.quotaUsage, adding: addition)
    }

    mutating func addQuotaUsage(_ usage: QuotaUsage, to owner: UserID) {
        users[owner]?.quotaUsage.add(usage)
    }

    mutating func removeQuotaUsage(_ usage: QuotaUsage, from owner: UserID) {
        users[owner]?.quotaUsage.subtract(usage)
    }

    /// The storage and message count of `messages`.
    static func quotaUsage(of messages: some Sequence<StoredMessage>) -> QuotaUsage {
        var usage = QuotaUsage()
        for message in messages { usage.add(QuotaUsage(storage: message.size, messages: 1)) }
        return usage
    }
}
