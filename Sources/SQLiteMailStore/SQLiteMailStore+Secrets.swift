import Foundation
import GRDB
import MailStore

extension SQLiteMailStore {
    /// Kept in the `secrets` table, so that a copy of the database keeps them; two processes
    /// asking at once for a new one get the same (INSERT OR IGNORE under the write lock).
    public func secret(named name: String) async throws -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        let fresh = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return try await write { db in
            try db.execute(sql: "INSERT OR IGNORE INTO secrets (name, value) VALUES (?, ?)",
                           arguments: [name, Data(fresh)])
            guard let stored = try Data.fetchOne(db, sql: "SELECT value FROM secrets WHERE name = ?",
                                                 arguments: [name])
            else { throw DatabaseError(resultCode: .SQLITE_INTERNAL) }
            return Array(stored)
        }
    }
}
