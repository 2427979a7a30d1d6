import GRDB
import MailCore
import MailStore

extension SQLiteMailStore {
    /// Ghosts forgotten per write transaction, so that a large purge never holds the write
    /// lock long.
    static let purgeBatchSize = 500

    /// Forgets ghosts expunged before `cutoff`, oldest first, in batches of one write
    /// transaction each (through the age index); after each commit, the blobs nothing
    /// references any more are removed inside the serialized writer, as for any removal.
    @discardableResult
    public func purgeGhosts(expungedBefore cutoff: Int64) async throws -> Int {
        var total = 0
        while true {
            let purged: Int = try await write(releasingBlobs: { db in
                let select = try db.cachedStatement(sql: """
                    SELECT mailbox_id, uid, blob FROM ghosts WHERE expunged_at < ?
                    ORDER BY expunged_at LIMIT ?
                    """)
                let delete = try db.cachedStatement(sql: "DELETE FROM ghosts WHERE mailbox_id = ? AND uid = ?")
                var ghosts: [(Int64, Int64)] = []
                var blobs = Set<BlobID>()
                try MessageRows.eachRow(select, arguments: [cutoff, Self.purgeBatchSize]) { row in
                    ghosts.append((row.int64(0), row.int64(1)))
                    blobs.insert(BlobID(rawValue: row.text(2) ?? ""))
                }
                for (mailbox, uid) in ghosts { try delete.execute(arguments: [mailbox, uid]) }
                return (ghosts.count, blobs)
            })
            total += purged
            if purged < Self.purgeBatchSize { return total }
        }
    }
}
