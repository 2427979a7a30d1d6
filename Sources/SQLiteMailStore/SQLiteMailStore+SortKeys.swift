import Foundation
import GRDB
public import MailCore
public import MailStore

extension SQLiteMailStore {
    /// One query over the mailbox's messages joined with their blobs' keys (a SORT of most of
    /// a mailbox reads every row anyway, and a query per UID would cost far more); a second
    /// over its ghosts only when some asked-for UID is not live.
    public func sortRecords(in mailbox: MailboxID, uids: [UID], as principal: Principal) async throws -> [SortRecord] {
        guard !uids.isEmpty else { return [] }
        let wanted = Set(uids)
        return try await pool.read { db in
            let row = try MailboxRow.selectable(db, mailbox, as: principal, for: .read)
            var records: [SortRecord] = []
            records.reserveCapacity(wanted.count)
            let live = try db.cachedStatement(sql: """
                SELECT m.uid, m.internal_date, m.size, m.blob, m.header_size, k.data
                FROM messages m LEFT JOIN sort_keys k ON k.blob = m.blob
                WHERE m.mailbox_id = ? ORDER BY m.uid
                """)
            try Self.collect(live, mailbox: row.id, wanted: wanted, into: &records)
            if records.count < wanted.count {
                let ghosts = try db.cachedStatement(sql: """
                    SELECT g.uid, g.internal_date, g.size, g.blob, g.header_size, k.data
                    FROM ghosts g LEFT JOIN sort_keys k ON k.blob = g.blob
                    WHERE g.mailbox_id = ? ORDER BY g.uid
                    """)
                let found = Set(records.map(\.uid))
                try Self.collect(ghosts, mailbox: row.id, wanted: wanted.subtracting(found), into: &records)
                records.sort { $0.uid < $1.uid }
            }
            return records
        }
    }

    private static func collect(_ statement: Statement, mailbox: Int64, wanted: Set<UID>,
                                into records: inout [SortRecord]) throws {
        guard !wanted.isEmpty else { return }
        let rows = try Row.fetchCursor(statement, arguments: [mailbox])
        while let row = try rows.next() {
            let uid = UID(UInt32(truncatingIfNeeded: row[0] as Int64))
            guard wanted.contains(uid) else { continue }
            let keys: Data? = row[5]
            records.append(SortRecord(uid: uid, internalDate: row[1], size: UInt64(row[2] as Int64),
                                      blob: BlobID(rawValue: row[3]), headerSize: UInt64(row[4] as Int64),
                                      keys: keys.map { Array($0) }))
        }
    }

    /// Replaces keys in an older format too (their blob's row exists, but `sortInputs` found it
    /// undecodable); a blob no longer referenced gets none.
    public func saveSortKeys(_ keys: [BlobSortKeys]) async throws {
        guard !keys.isEmpty else { return }
        try await write { db in
            let save = try db.cachedStatement(sql: """
                INSERT OR REPLACE INTO sort_keys (blob, data)
                SELECT ?1, ?2 WHERE EXISTS (SELECT 1 FROM messages WHERE blob = ?1)
                                 OR EXISTS (SELECT 1 FROM ghosts WHERE blob = ?1)
                """)
            for entry in keys {
                try save.execute(arguments: [entry.blob.rawValue, Data(entry.keys)])
            }
        }
    }
}
