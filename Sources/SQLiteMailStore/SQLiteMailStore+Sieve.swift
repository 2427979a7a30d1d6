import Foundation
import GRDB
public import MailCore
public import MailStore

/// Sieve scripts and the filtering log (`SieveScriptStore`, RFC 5804 §1): tables
/// `sieve_scripts` and `sieve_log` (see `Schema.createSieveTables`). Each change runs in one
/// write transaction; the partial unique index keeps one active script per user at most.
extension SQLiteMailStore {
    public func sieveScripts(of user: UserID) async throws -> [SieveScriptInfo] {
        try await pool.read { db in
            try Row.fetchAll(db.cachedStatement(sql: """
                SELECT name, active, length(content) FROM sieve_scripts WHERE user_id = ? ORDER BY name
                """), arguments: [user.rawValue])
                .map { SieveScriptInfo(name: $0[0], isActive: $0[1], size: $0[2]) }
        }
    }

    public func sieveScript(named name: String, of user: UserID) async throws -> [UInt8]? {
        try await pool.read { db in
            try Data.fetchOne(db.cachedStatement(sql: """
                SELECT content FROM sieve_scripts WHERE user_id = ? AND name = ?
                """), arguments: [user.rawValue, name]).map { Array($0) }
        }
    }

    /// An upsert: a replaced script keeps its `active` column (RFC 5804 §2.6).
    public func putSieveScript(named name: String, content: [UInt8], of user: UserID) async throws {
        try await write { db in
            try Self.requireUser(db, user.rawValue)
            try db.cachedStatement(sql: """
                INSERT INTO sieve_scripts (user_id, name, content) VALUES (?, ?, ?)
                ON CONFLICT (user_id, name) DO UPDATE SET content = excluded.content
                """).execute(arguments: [user.rawValue, name, Data(content)])
        }
    }

    public func deleteSieveScript(named name: String, of user: UserID) async throws {
        try await write { db in
            guard let active = try Bool.fetchOne(db.cachedStatement(sql: """
                SELECT active FROM sieve_scripts WHERE user_id = ? AND name = ?
                """), arguments: [user.rawValue, name])
            else { throw MailStoreError.sieveScriptNotFound(name) }
            if active { throw MailStoreError.sieveScriptActive(name) }
            try db.cachedStatement(sql: "DELETE FROM sieve_scripts WHERE user_id = ? AND name = ?")
                .execute(arguments: [user.rawValue, name])
        }
    }

    /// The row keeps its `active` column, so the active state moves with the name.
    public func renameSieveScript(named name: String, to newName: String, of user: UserID) async throws {
        try await write { db in
            let exists = try db.cachedStatement(sql: """
                SELECT EXISTS (SELECT 1 FROM sieve_scripts WHERE user_id = ? AND name = ?)
                """)
            guard try Bool.fetchOne(exists, arguments: [user.rawValue, name]) == true else {
                throw MailStoreError.sieveScriptNotFound(name)
            }
            // Renaming a script onto itself changes nothing (there is nothing to overwrite).
            if name.utf8.elementsEqual(newName.utf8) { return }
            if try Bool.fetchOne(exists, arguments: [user.rawValue, newName]) == true {
                throw MailStoreError.sieveScriptExists(newName)
            }
            try db.cachedStatement(sql: "UPDATE sieve_scripts SET name = ? WHERE user_id = ? AND name = ?")
                .execute(arguments: [newName, user.rawValue, name])
        }
    }

    /// Clears the old active script before setting the new one, in one transaction, so the
    /// unique index never sees two.
    public func activateSieveScript(named name: String?, of user: UserID) async throws {
        try await write { db in
            if let name {
                let exists = try db.cachedStatement(sql: """
                    SELECT EXISTS (SELECT 1 FROM sieve_scripts WHERE user_id = ? AND name = ?)
                    """)
                guard try Bool.fetchOne(exists, arguments: [user.rawValue, name]) == true else {
                    throw MailStoreError.sieveScriptNotFound(name)
                }
            }
            try db.cachedStatement(sql: "UPDATE sieve_scripts SET active = 0 WHERE user_id = ? AND active")
                .execute(arguments: [user.rawValue])
            if let name {
                try db.cachedStatement(sql: "UPDATE sieve_scripts SET active = 1 WHERE user_id = ? AND name = ?")
                    .execute(arguments: [user.rawValue, name])
            }
        }
    }

    public func activeSieveScript(of user: UserID) async throws -> (name: String, content: [UInt8])? {
        let found: (String, Data)? = try await pool.read { db in
            try Row.fetchOne(db.cachedStatement(sql: """
                SELECT name, content FROM sieve_scripts WHERE user_id = ? AND active
                """), arguments: [user.rawValue]).map { ($0[0], $0[1]) }
        }
        return found.map { (name: $0.0, content: Array($0.1)) }
    }

    /// Inserts the entry, then drops the user's entries older than the newest
    /// `SieveLogEntry.capacity`.
    public func appendSieveLog(_ text: String, of user: UserID, at date: Int64) async throws {
        try await write { db in
            try Self.requireUser(db, user.rawValue)
            try db.cachedStatement(sql: "INSERT INTO sieve_log (user_id, date, text) VALUES (?, ?, ?)")
                .execute(arguments: [user.rawValue, date, text])
            try db.cachedStatement(sql: """
                DELETE FROM sieve_log WHERE user_id = ? AND id <= (
                    SELECT id FROM sieve_log WHERE user_id = ? ORDER BY id DESC LIMIT 1 OFFSET ?)
                """).execute(arguments: [user.rawValue, user.rawValue, SieveLogEntry.capacity])
        }
    }

    public func sieveLog(of user: UserID) async throws -> [SieveLogEntry] {
        try await pool.read { db in
            try Row.fetchAll(db.cachedStatement(sql: """
                SELECT date, text FROM sieve_log WHERE user_id = ? ORDER BY id
                """), arguments: [user.rawValue])
                .map { SieveLogEntry(date: $0[0], text: $0[1]) }
        }
    }
}

/// The delivery ledger (`DeliveryLedger`): table `delivery_ledger`, one row per (user, key).
extension SQLiteMailStore {
    /// One conditional upsert: it inserts, or replaces an expired record, under SQLite's write
    /// lock, so two deliveries (even from two processes) never both claim one key.
    public func claim(_ key: String, for user: UserID, until expiry: Int64, now: Int64) async throws -> Bool {
        try await write { db in
            try Self.requireUser(db, user.rawValue)
            try db.cachedStatement(sql: """
                INSERT INTO delivery_ledger (user_id, key, expiry) VALUES (?, ?, ?)
                ON CONFLICT (user_id, key) DO UPDATE SET expiry = excluded.expiry
                WHERE delivery_ledger.expiry <= ?
                """).execute(arguments: [user.rawValue, key, expiry, now])
            return db.changesCount == 1
        }
    }

    public func isClaimed(_ key: String, for user: UserID, now: Int64) async throws -> Bool {
        try await pool.read { db in
            try Bool.fetchOne(db.cachedStatement(sql: """
                SELECT EXISTS (SELECT 1 FROM delivery_ledger WHERE user_id = ? AND key = ? AND expiry > ?)
                """), arguments: [user.rawValue, key, now]) ?? false
        }
    }

    public func release(_ key: String, for user: UserID) async throws {
        try await write { db in
            try db.cachedStatement(sql: "DELETE FROM delivery_ledger WHERE user_id = ? AND key = ?")
                .execute(arguments: [user.rawValue, key])
        }
    }

    @discardableResult
    public func purgeExpiredLedgerRecords(now: Int64) async throws -> Int {
        try await write { db in
            try db.cachedStatement(sql: "DELETE FROM delivery_ledger WHERE expiry <= ?").execute(arguments: [now])
            return db.changesCount
        }
    }
}
