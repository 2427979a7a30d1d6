import GRDB
public import MailCore
public import MailStore

/// The `quotas` rows (see `Schema.createQuotas`): reads, the check every growing write makes
/// inside its transaction, and the repair.
enum QuotaRows {
    /// An UPDATE setting the usage of the quota rows matching `userColumn` to what their
    /// mailboxes and messages hold (a scan: for the migration and `tern quota recalc` only).
    static func recalculation(for userColumn: String) -> String {
        """
        UPDATE quotas SET
            storage_used = coalesce((SELECT sum(m.size) FROM messages m JOIN mailboxes b ON b.id = m.mailbox_id
                                     WHERE b.user_id = \(userColumn)), 0),
            messages_used = (SELECT count(*) FROM messages m JOIN mailboxes b ON b.id = m.mailbox_id
                             WHERE b.user_id = \(userColumn)),
            mailboxes_used = (SELECT count(*) FROM mailboxes b WHERE b.user_id = \(userColumn) AND b.selectable)
        """
    }

    /// The user's limits and usage, or nil if there is no such user.
    static func quota(_ db: Database, user: Int64) throws -> Quota? {
        let statement = try db.cachedStatement(sql: """
            SELECT storage_limit, message_limit, mailbox_limit, storage_used, messages_used, mailboxes_used
            FROM quotas WHERE user_id = ?
            """)
        guard let row = try Row.fetchOne(statement, arguments: [user]) else { return nil }
        func limit(_ index: Int) -> UInt64? { (row[index] as Int64?).map { UInt64(clamping: $0) } }
        func used(_ index: Int) -> UInt64 { UInt64(clamping: row[index] as Int64? ?? 0) }
        return Quota(limits: QuotaLimits(storage: limit(0), messages: limit(1), mailboxes: limit(2)),
                     usage: QuotaUsage(storage: used(3), messages: used(4), mailboxes: used(5)))
    }

    /// Throws `overQuota` if adding `addition` takes the user past a limit: called inside the
    /// write transaction that adds it (SQLite's write lock serializes writers, so no other
    /// change can pass the same check meanwhile).
    static func check(_ db: Database, user: Int64, adding addition: QuotaUsage) throws {
        guard let quota = try quota(db, user: user) else { return }
        try quota.limits.check(usage: quota.usage, adding: addition)
    }

    /// Throws `overQuota` if the usage grew past a limit since `before`: for a change whose
    /// effect is simplest to count once made (CREATE and its superiors); the throw rolls the
    /// transaction back.
    static func checkGrowth(_ db: Database, user: Int64, since before: Quota?) throws {
        guard let before, let after = try quota(db, user: user) else { return }
        var added = QuotaUsage()
        for resource in QuotaResource.allCases where after.usage[resource] > before.usage[resource] {
            let growth = after.usage[resource] - before.usage[resource]
            switch resource {
            case .storage: added.storage = growth
            case .message: added.messages = growth
            case .mailbox: added.mailboxes = growth
            }
        }
        try before.limits.check(usage: before.usage, adding: added)
    }

    /// What messages of these sizes add to a quota.
    static func usage(of sizes: some Sequence<UInt64>) -> QuotaUsage {
        var usage = QuotaUsage()
        for size in sizes { usage.add(QuotaUsage(storage: size, messages: 1)) }
        return usage
    }
}

extension SQLiteMailStore {
    public func quota(of user: UserID) async throws -> Quota {
        try await pool.read { db in
            guard let quota = try QuotaRows.quota(db, user: user.rawValue) else {
                throw MailStoreError.userNotFound(String(user.rawValue))
            }
            return quota
        }
    }

    public func setQuotaLimits(_ limits: QuotaLimits, of user: UserID) async throws {
        let stored = [limits.storage, limits.messages, limits.mailboxes].map { $0.map { Int64(clamping: $0) } }
        try await write { db in
            try db.cachedStatement(sql: """
                UPDATE quotas SET storage_limit = ?, message_limit = ?, mailbox_limit = ? WHERE user_id = ?
                """).execute(arguments: [stored[0], stored[1], stored[2], user.rawValue])
            guard db.changesCount == 1 else { throw MailStoreError.userNotFound(String(user.rawValue)) }
        }
    }

    public func recalculateQuotaUsage(of user: UserID) async throws -> (before: QuotaUsage, after: QuotaUsage) {
        try await write { db in
            guard let before = try QuotaRows.quota(db, user: user.rawValue) else {
                throw MailStoreError.userNotFound(String(user.rawValue))
            }
            try db.execute(sql: QuotaRows.recalculation(for: "quotas.user_id") + " WHERE user_id = ?",
                           arguments: [user.rawValue])
            let after = try QuotaRows.quota(db, user: user.rawValue)?.usage ?? before.usage
            return (before.usage, after)
        }
    }
}
