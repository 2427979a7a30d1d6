import Foundation
import GRDB
import GRDBSQLite
import MailCore
import MailStore

/// The current row of a statement being stepped, read with SQLite's column functions: on
/// large mailboxes GRDB's `Row` accessors cost more than SQLite's own work, and `open` of a
/// 100,000-message mailbox must stay well under 100 ms.
struct ColumnReader {
    let statement: SQLiteStatement

    func int64(_ index: Int32) -> Int64 { sqlite3_column_int64(statement, index) }

    /// The column as text, nil if NULL.
    func text(_ index: Int32) -> String? {
        guard let bytes = sqlite3_column_text(statement, index) else { return nil }
        let count = Int(sqlite3_column_bytes(statement, index))
        return String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
    }
}

/// Reading and writing rows of `messages`.
enum MessageRows {
    /// The columns `record(_:)` decodes, in order.
    static let recordColumns =
        "uid, modseq, flags, keywords, internal_date, internal_zone, size, header_size, blob, save_date"
    /// The columns `state(_:)` decodes, in order.
    static let stateColumns = "uid, modseq, flags, keywords"

    static func record(_ row: ColumnReader) -> MessageRecord {
        MessageRecord(
            uid: UID(UInt32(truncatingIfNeeded: row.int64(0))),
            flags: flags(system: row.int64(2), keywords: row.text(3)),
            modSeq: ModSeq(UInt64(clamping: row.int64(1))),
            internalDate: ZonedDateTime(secondsSince1970: row.int64(4),
                                       zoneMinutes: Int(truncatingIfNeeded: row.int64(5))),
            size: UInt64(clamping: row.int64(6)),
            headerSize: UInt64(clamping: row.int64(7)),
            blob: BlobID(rawValue: row.text(8) ?? ""),
            saveDate: row.int64(9))
    }

    static func state(_ row: ColumnReader) -> MessageState {
        MessageState(uid: UID(UInt32(truncatingIfNeeded: row.int64(0))),
                     flags: flags(system: row.int64(2), keywords: row.text(3)),
                     modSeq: ModSeq(UInt64(clamping: row.int64(1))))
    }

    /// Runs a query and calls `body` for each result row.
    static func eachRow(_ statement: Statement, arguments: StatementArguments,
                        _ body: (ColumnReader) throws -> Void) throws {
        let reader = ColumnReader(statement: statement.sqliteStatement)
        try Row.fetchCursor(statement, arguments: arguments).forEach { _ in try body(reader) }
    }

    static func flags(system: Int64, keywords: String?) -> MessageFlags {
        let bits = MessageFlags.System(rawValue: UInt8(truncatingIfNeeded: system))
        guard let keywords else { return MessageFlags(system: bits) }
        return MessageFlags(system: bits, keywords: keywords.split(separator: " ").map(String.init))
    }

    /// Keywords as stored: separated by spaces (a keyword is an atom, RFC 9051 §9, so it holds
    /// no space), NULL when there are none.
    static func encode(keywords: [String]) -> String? {
        keywords.isEmpty ? nil : keywords.joined(separator: " ")
    }

    /// Keywords a caller may store: non-empty and without the separator.
    static func storable(_ flags: MessageFlags) -> MessageFlags {
        var flags = flags
        flags.keywords.removeAll { $0.isEmpty || $0.contains(" ") }
        return flags
    }

    /// The UIDs sorted and without duplicates.
    static func normalized(_ uids: [UID]) -> [Int64] {
        var values = uids.map { Int64($0.rawValue) }
        values.sort()
        var unique: [Int64] = []
        unique.reserveCapacity(values.count)
        for value in values where unique.last != value { unique.append(value) }
        return unique
    }

    /// The tables `forEach` reads: live messages, or the ghosts of expunged ones (same
    /// columns; RFC 2180 §4.1.1).
    enum Table: String {
        case messages, ghosts
    }

    /// Calls `body` with the row of each existing message (or ghost) among `uids` (sorted,
    /// unique), in UID order, selecting `columns` (the first must be `uid`).
    ///
    /// A dense set (at most twice as many UIDs in its span as it names, such as `1:*`) is read
    /// with one range scan, filtering by merge; a sparse one with one range scan per run of
    /// consecutive UIDs. Either way the query is a cached statement, never a giant `IN` list.
    static func forEach(_ db: Database, in table: Table = .messages, mailbox: Int64, uids: [Int64],
                        columns: String, _ body: (ColumnReader) throws -> Void) throws {
        guard let first = uids.first, let last = uids.last else { return }
        let statement = try db.cachedStatement(sql: """
            SELECT \(columns) FROM \(table.rawValue)
            WHERE mailbox_id = ? AND uid BETWEEN ? AND ? ORDER BY uid
            """)
        if last - first + 1 <= 2 * Int64(uids.count) {
            var index = 0
            try eachRow(statement, arguments: [mailbox, first, last]) { row in
                let uid = row.int64(0)
                while index < uids.count && uids[index] < uid { index += 1 }
                if index < uids.count && uids[index] == uid { try body(row) }
            }
            return
        }
        var start = 0
        while start < uids.count {
            var end = start
            while end + 1 < uids.count && uids[end + 1] == uids[end] + 1 { end += 1 }
            try eachRow(statement, arguments: [mailbox, uids[start], uids[end]], body)
            start = end + 1
        }
    }

    /// Inserts one message row.
    /// Keeps what the staging step made of each new blob beside it: its parsed structure and
    /// its SORT/THREAD keys (one row per blob, shared by every message that uses it).
    static func insertParsedForms(_ db: Database, of blobs: [StagedBlob]) throws {
        let structure = try db.cachedStatement(sql: "INSERT OR IGNORE INTO structures (blob, data) VALUES (?, ?)")
        let sortKeys = try db.cachedStatement(sql: "INSERT OR IGNORE INTO sort_keys (blob, data) VALUES (?, ?)")
        let preview = try db.cachedStatement(sql: "INSERT OR IGNORE INTO previews (blob, text) VALUES (?, ?)")
        for blob in blobs {
            if !blob.structure.isEmpty { try structure.execute(arguments: [blob.id.rawValue, Data(blob.structure)]) }
            if !blob.sortKeys.isEmpty { try sortKeys.execute(arguments: [blob.id.rawValue, Data(blob.sortKeys)]) }
            if let text = blob.preview { try preview.execute(arguments: [blob.id.rawValue, text]) }
        }
    }

    static func insert(_ db: Database, mailbox: Int64, uid: Int64, modSeq: Int64,
                       flags: MessageFlags, internalDate: Int64, zone: Int, size: UInt64,
                       headerSize: UInt64, blob: BlobID, saveDate: Int64) throws {
        let statement = try db.cachedStatement(sql: """
            INSERT INTO messages (mailbox_id, uid, modseq, flags, keywords, internal_date,
                                  internal_zone, size, header_size, blob, save_date)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        try statement.execute(arguments: [
            mailbox, uid, modSeq, Int64(flags.system.rawValue), encode(keywords: flags.keywords),
            internalDate, zone, Int64(clamping: size), Int64(clamping: headerSize), blob.rawValue,
            saveDate,
        ])
    }

    /// The columns a ghost copies from its message, in both tables' order.
    static let ghostColumns =
        "mailbox_id, uid, modseq, flags, keywords, internal_date, internal_zone, size, header_size, blob, save_date"

    /// Removes messages, leaving tombstones with the expunge's MODSEQ (RFC 7162 §3.2.5.2) and
    /// ghosts expunged at `now`, which keep the blobs referenced (RFC 2180 §4.1.1).
    static func expunge(_ db: Database, mailbox: Int64, uids: [Int64], modSeq: Int64, now: Int64) throws {
        let ghost = try db.cachedStatement(sql: """
            INSERT OR REPLACE INTO ghosts (\(ghostColumns), expunged_at)
            SELECT \(ghostColumns), ? FROM messages WHERE mailbox_id = ? AND uid = ?
            """)
        let delete = try db.cachedStatement(sql: "DELETE FROM messages WHERE mailbox_id = ? AND uid = ?")
        let tombstone = try db.cachedStatement(
            sql: "INSERT OR REPLACE INTO tombstones (mailbox_id, uid, modseq) VALUES (?, ?, ?)")
        for uid in uids {
            try ghost.execute(arguments: [now, mailbox, uid])
            try delete.execute(arguments: [mailbox, uid])
            try tombstone.execute(arguments: [mailbox, uid, modSeq])
        }
    }

    /// Gives each record the structure stored for its blob.
    static func attachStructures(_ records: inout [MessageRecord], _ db: Database) throws {
        let statement = try db.cachedStatement(sql: "SELECT data FROM structures WHERE blob = ?")
        for index in records.indices {
            let data = try Data.fetchOne(statement, arguments: [records[index].blob.rawValue])
            records[index].structure = data.map { Array($0) }
        }
    }
}
