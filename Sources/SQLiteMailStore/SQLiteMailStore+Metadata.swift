import Foundation
import GRDB
public import MailCore
public import MailStore

extension Schema {
    /// `metadata`: METADATA entries (RFC 5464), one row per (mailbox or server, user or
    /// shared, name). `mailbox_id` is NULL for server entries, `user_id` NULL for shared
    /// ones; both cascade, so a mailbox's entries go with it (DELETE, and RENAME keeps its
    /// ID, so they follow it) and a user's private entries go with the user. Names are stored
    /// in lower case with their `/private` or `/shared` prefix. The unique index treats NULL
    /// as 0 (never an ID: both sequences start at 1); the other two serve the cascades and
    /// the per-user totals.
    static func createMetadata(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE metadata (
                mailbox_id INTEGER REFERENCES mailboxes(id) ON DELETE CASCADE,
                user_id INTEGER REFERENCES users(id) ON DELETE CASCADE,
                name TEXT NOT NULL,
                value BLOB NOT NULL
            );
            CREATE UNIQUE INDEX metadata_key ON metadata (coalesce(mailbox_id, 0), coalesce(user_id, 0), name);
            CREATE INDEX metadata_by_mailbox ON metadata (mailbox_id);
            CREATE INDEX metadata_by_user ON metadata (user_id);
            """)
    }
}

extension SQLiteMailStore {
    /// GETMETADATA (RFC 5464 §4.2): one query per requested name, over the entry and the
    /// names below it, filtered by depth here.
    public func metadata(on target: MetadataTarget, names: [MetadataEntryName], depth: MetadataDepth,
                         as principal: Principal) async throws -> [MetadataEntry] {
        try await pool.read { db in
            let scope = try Self.metadataScope(target, as: principal, db)
            let statement = try db.cachedStatement(sql: """
                SELECT name, value FROM metadata
                WHERE mailbox_id IS ? AND (user_id IS NULL OR user_id IS ?)
                  AND (name = ? OR substr(name, 1, ?) = ?)
                """)
            var found: [MetadataEntryName: [UInt8]] = [:]
            for requested in names {
                let prefix = requested.name + "/"
                let rows = try Row.fetchAll(statement, arguments: [scope.mailbox, scope.user, requested.name,
                                                                   prefix.utf8.count, prefix])
                for row in rows {
                    guard let name = MetadataEntryName(row[0] as String), name.matches(requested, depth: depth)
                    else { continue }
                    found[name] = Array((row[1] as Data?) ?? Data())
                }
            }
            return found.map { MetadataEntry(name: $0.key, value: $0.value) }.sorted { $0.name < $1.name }
        }
    }

    /// SETMETADATA (RFC 5464 §4.3): in one transaction, the counts before, the changes, the
    /// counts after; a breach of the limits throws, which rolls everything back.
    public func setMetadata(_ changes: [MetadataChange], on target: MetadataTarget, limits: MetadataLimits,
                            as principal: Principal) async throws {
        let changes = MetadataChange.lastPerName(changes)
        guard !changes.isEmpty else { return }
        try await write { db in
            let scope = try Self.metadataScope(target, as: principal, db)
            if changes.contains(where: { $0.name.scope == .private }) && scope.user == nil {
                throw MailStoreError.metadataRefused(.noPrivate)
            }
            if changes.contains(where: { $0.name.scope == .shared }) && scope.mailbox == nil && principal != .administrator {
                throw MailStoreError.permissionDenied
            }
            let charged = Set([scope.user, scope.owner].compactMap { $0 })
            let entriesBefore = try Self.entryCount(scope, db)
            let totalsBefore = try charged.map { try Self.totalSize(of: $0, db) }
            let remove = try db.cachedStatement(sql: """
                DELETE FROM metadata WHERE mailbox_id IS ? AND user_id IS ? AND name = ?
                """)
            let insert = try db.cachedStatement(sql: """
                INSERT INTO metadata (mailbox_id, user_id, name, value) VALUES (?, ?, ?, coalesce(?, x''))
                """)
            for change in changes {
                let user = change.name.scope == .private ? scope.user : nil
                try remove.execute(arguments: [scope.mailbox, user, change.name.name])
                if let value = change.value {
                    try insert.execute(arguments: [scope.mailbox, user, change.name.name, Data(value)])
                }
            }
            let entriesAfter = try Self.entryCount(scope, db)
            let totalsAfter = try charged.map { try Self.totalSize(of: $0, db) }
            if let refusal = limits.refusal(of: changes, entries: (entriesBefore, entriesAfter),
                                            totals: Array(zip(totalsBefore, totalsAfter)).map { ($0, $1) }) {
                throw MailStoreError.metadataRefused(refusal)
            }
        }
        notifications.post(AccountChange.metadata(changes, on: target, as: principal))
    }

    /// Where a call's entries live: the mailbox row (nil for the server), whose private
    /// entries it sees (nil: none), and who owns the shared ones (nil: the server's).
    struct MetadataScope {
        var mailbox: Int64?
        var user: Int64?
        var owner: Int64?
    }

    static func metadataScope(_ target: MetadataTarget, as principal: Principal, _ db: Database) throws -> MetadataScope {
        switch target {
        case .server:
            if case .user(let user) = principal { return MetadataScope(mailbox: nil, user: user.rawValue, owner: nil) }
            return MetadataScope(mailbox: nil, user: nil, owner: nil)
        case .mailbox(let path):
            guard principal.mayAccess(mailboxesOf: path.owner),
                  let row = try MailboxRow.fetch(db, user: path.owner.rawValue, name: path.name)
            else { throw MailStoreError.mailboxNotFound(path.name) }
            let user: Int64
            if case .user(let acting) = principal { user = acting.rawValue } else { user = row.userID }
            return MetadataScope(mailbox: row.id, user: user, owner: row.userID)
        }
    }

    /// Entries one user sees on the target: the shared ones and their private ones.
    static func entryCount(_ scope: MetadataScope, _ db: Database) throws -> Int {
        try Int.fetchOne(db.cachedStatement(sql: """
            SELECT count(*) FROM metadata WHERE mailbox_id IS ? AND (user_id IS NULL OR user_id IS ?)
            """), arguments: [scope.mailbox, scope.user]) ?? 0
    }

    /// The octets charged to a user (`MetadataLimits.maxTotalSize`): their private entries
    /// everywhere and the shared entries of their mailboxes.
    static func totalSize(of user: Int64, _ db: Database) throws -> Int {
        try Int.fetchOne(db.cachedStatement(sql: """
            SELECT (SELECT coalesce(sum(length(CAST(name AS BLOB)) + length(value)), 0)
                    FROM metadata WHERE user_id = ?)
                 + (SELECT coalesce(sum(length(CAST(m.name AS BLOB)) + length(m.value)), 0)
                    FROM metadata m JOIN mailboxes b ON b.id = m.mailbox_id
                    WHERE m.user_id IS NULL AND b.user_id = ?)
            """), arguments: [user, user]) ?? 0
    }
}
