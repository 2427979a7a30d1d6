import GRDB
public import MailCore
import MailStore

extension SQLiteMailStore {
    /// One statement per blob, all in one read transaction (a page of FETCH holds a few hundred
    /// at most, each a primary-key lookup).
    public func previews(of blobs: [BlobID]) async throws -> [BlobID: String] {
        guard !blobs.isEmpty else { return [:] }
        return try await pool.read { db in
            let statement = try db.cachedStatement(sql: "SELECT text FROM previews WHERE blob = ?")
            var texts: [BlobID: String] = [:]
            for blob in blobs {
                if let text = try String.fetchOne(statement, arguments: [blob.rawValue]) { texts[blob] = text }
            }
            return texts
        }
    }

    public func savePreviews(_ previews: [BlobID: String]) async throws {
        guard !previews.isEmpty else { return }
        try await write { db in
            let save = try db.cachedStatement(sql: """
                INSERT OR REPLACE INTO previews (blob, text)
                SELECT ?1, ?2 WHERE EXISTS (SELECT 1 FROM messages WHERE blob = ?1)
                                 OR EXISTS (SELECT 1 FROM ghosts WHERE blob = ?1)
                """)
            for (blob, text) in previews {
                try save.execute(arguments: [blob.rawValue, text])
            }
        }
    }
}
