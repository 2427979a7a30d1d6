import Foundation
import GRDB
public import MailCore
public import MailStore

extension SQLiteMailStore {
    /// SELECT/EXAMINE (RFC 9051 §6.3.2). With `claimRecent`, a short write transaction first
    /// moves the recent floor to UIDNEXT, claiming every message from the old floor on
    /// (RFC 3501 §2.3.2); the snapshot is then read in one read transaction, and the recent
    /// UIDs are those of the snapshot in the claimed range. Messages appended in between are
    /// above the range: they stay unclaimed, recent for the next SELECT.
    public func open(_ mailbox: MailboxID, claimRecent: Bool, as principal: Principal) async throws -> MailboxSnapshot {
        var claimed: Range<Int64>?
        if claimRecent {
            claimed = try await write { db in
                let row = try MailboxRow.selectable(db, mailbox, as: principal, for: .read)
                if row.recentFloor < row.uidNext {
                    let statement = try db.cachedStatement(sql: "UPDATE mailboxes SET recent_floor = ? WHERE id = ?")
                    try statement.execute(arguments: [row.uidNext, row.id])
                }
                return row.recentFloor ..< max(row.recentFloor, row.uidNext)
            }
        }
        let claimedRange = claimed
        return try await pool.read { db in
            let row = try MailboxRow.selectable(db, mailbox, as: principal, for: .read)
            let recent = claimedRange ?? (row.recentFloor ..< Int64.max)
            var messages: [MessageState] = []
            var recentUIDs: [UID] = []
            let statement = try db.cachedStatement(sql: """
                SELECT \(MessageRows.stateColumns) FROM messages WHERE mailbox_id = ? ORDER BY uid
                """)
            try MessageRows.eachRow(statement, arguments: [row.id]) { message in
                let state = MessageRows.state(message)
                if recent.contains(Int64(state.uid.rawValue)) { recentUIDs.append(state.uid) }
                messages.append(state)
            }
            return MailboxSnapshot(mailbox: row.record, messages: messages, recentUIDs: recentUIDs,
                                   uidNext: row.uidNextValue, highestModSeq: row.modSeq,
                                   keywords: try MailboxRow.keywords(db, mailbox: row.id))
        }
    }

    public func claimRecent(in mailbox: MailboxID, through last: UID,
                            as principal: Principal) async throws -> [UID] {
        try await write { db in
            let row = try MailboxRow.selectable(db, mailbox, as: principal, for: .read)
            let floor = min(Int64(last.rawValue) + 1, row.uidNext)
            guard row.recentFloor < floor else { return [] }
            try db.cachedStatement(sql: "UPDATE mailboxes SET recent_floor = ? WHERE id = ?")
                .execute(arguments: [floor, row.id])
            let statement = try db.cachedStatement(
                sql: "SELECT uid FROM messages WHERE mailbox_id = ? AND uid >= ? AND uid < ? ORDER BY uid")
            return try Int64.fetchAll(statement, arguments: [row.id, row.recentFloor, floor])
                .map { UID(UInt32(truncatingIfNeeded: $0)) }
        }
    }

    /// Messages with a MODSEQ above `modSeq` and tombstones above it (RFC 7162 §3.2.5.2), read
    /// through the MODSEQ indexes, in one read transaction.
    public func changes(in mailbox: MailboxID, since modSeq: ModSeq,
                        as principal: Principal) async throws -> MailboxChanges {
        try await pool.read { db in
            let row = try MailboxRow.selectable(db, mailbox, as: principal, for: .read)
            let since = Int64(clamping: modSeq.rawValue)
            let changedStatement = try db.cachedStatement(sql: """
                SELECT \(MessageRows.stateColumns) FROM messages
                WHERE mailbox_id = ? AND modseq > ? ORDER BY uid
                """)
            var changed: [MessageState] = []
            try MessageRows.eachRow(changedStatement, arguments: [row.id, since]) {
                changed.append(MessageRows.state($0))
            }
            let vanishedStatement = try db.cachedStatement(
                sql: "SELECT uid FROM tombstones WHERE mailbox_id = ? AND modseq > ? ORDER BY uid")
            let vanished = try Int64.fetchAll(vanishedStatement, arguments: [row.id, since])
                .map { UID(UInt32(truncatingIfNeeded: $0)) }
            let grewStatement = try db.cachedStatement(
                sql: "SELECT EXISTS (SELECT 1 FROM keywords WHERE mailbox_id = ? AND modseq > ?)")
            let grew = try Bool.fetchOne(grewStatement, arguments: [row.id, since]) ?? false
            return MailboxChanges(changed: changed, vanished: vanished, uidNext: row.uidNextValue,
                                  highestModSeq: row.modSeq,
                                  keywords: grew ? try MailboxRow.keywords(db, mailbox: row.id) : [],
                                  recentUnclaimed: row.recentFloor < row.uidNext)
        }
    }

    public func records(in mailbox: MailboxID, uids: [UID], withStructure: Bool,
                        as principal: Principal) async throws -> [MessageRecord] {
        let wanted = MessageRows.normalized(uids)
        return try await pool.read { db in
            let row = try MailboxRow.selectable(db, mailbox, as: principal, for: .read)
            var records: [MessageRecord] = []
            records.reserveCapacity(wanted.count)
            try MessageRows.forEach(db, mailbox: row.id, uids: wanted, columns: MessageRows.recordColumns) {
                records.append(MessageRows.record($0))
            }
            if withStructure { try MessageRows.attachStructures(&records, db) }
            return records
        }
    }

    /// Ghosts are rows of their own table, read like messages (RFC 2180 §4.1.1).
    public func ghosts(in mailbox: MailboxID, uids: [UID], withStructure: Bool,
                       as principal: Principal) async throws -> [MessageRecord] {
        let wanted = MessageRows.normalized(uids)
        return try await pool.read { db in
            let row = try MailboxRow.selectable(db, mailbox, as: principal, for: .read)
            var records: [MessageRecord] = []
            try MessageRows.forEach(db, in: .ghosts, mailbox: row.id, uids: wanted,
                                    columns: MessageRows.recordColumns) {
                records.append(MessageRows.record($0))
            }
            if withStructure { try MessageRows.attachStructures(&records, db) }
            return records
        }
    }

    public func states(in mailbox: MailboxID, uids: [UID], as principal: Principal) async throws -> [MessageState] {
        let wanted = MessageRows.normalized(uids)
        return try await pool.read { db in
            let row = try MailboxRow.selectable(db, mailbox, as: principal, for: .read)
            var states: [MessageState] = []
            states.reserveCapacity(wanted.count)
            try MessageRows.forEach(db, mailbox: row.id, uids: wanted, columns: MessageRows.stateColumns) {
                states.append(MessageRows.state($0))
            }
            return states
        }
    }

    /// STORE (RFC 9051 §6.4.6) with UNCHANGEDSINCE (RFC 7162 §3.1.3). All messages whose
    /// flags change share one new MODSEQ; messages left as they were keep theirs.
    public func storeFlags(in mailbox: MailboxID, uids: [UID], operation: StoreOperation,
                           flags: MessageFlags, unchangedSince: ModSeq?,
                           as principal: Principal) async throws -> StoreResult {
        let wanted = MessageRows.normalized(uids)
        let requested = MessageRows.storable(flags)
        let limit = unchangedSince.map { Int64(clamping: $0.rawValue) }
        let result: StoreResult = try await write { db in
            let (selected, rights) = try MailboxRow.access(db, mailbox, as: principal, for: .read)
            var row = selected
            try AccessGate.requireFlagChange(requested, rights)
            var current: [MessageState] = []
            try MessageRows.forEach(db, mailbox: row.id, uids: wanted, columns: MessageRows.stateColumns) {
                current.append(MessageRows.state($0))
            }
            var states: [MessageState] = []
            states.reserveCapacity(current.count)
            var changed = Set<UID>()
            var modified: [UID] = []
            var newModSeq: Int64?
            let update = try db.cachedStatement(
                sql: "UPDATE messages SET flags = ?, keywords = ?, modseq = ? WHERE mailbox_id = ? AND uid = ?")
            for var state in current {
                if let limit, Int64(clamping: state.modSeq.rawValue) > limit {
                    modified.append(state.uid)
                } else if state.flags.apply(operation, requested, allowedBy: rights) {
                    if newModSeq == nil { newModSeq = try MailboxRow.nextModSeq(db, &row) }
                    let modSeq = newModSeq ?? row.highestModSeq
                    try update.execute(arguments: [
                        Int64(state.flags.system.rawValue), MessageRows.encode(keywords: state.flags.keywords),
                        modSeq, row.id, Int64(state.uid.rawValue),
                    ])
                    state.modSeq = ModSeq(UInt64(modSeq))
                    changed.insert(state.uid)
                } else {
                    // Unchanged flags: the stored state, not the normalized result of apply.
                    state = current[states.count]
                }
                states.append(state)
            }
            if let newModSeq, operation != .remove {
                try MailboxRow.noteKeywords(db, mailbox: row.id, requested.keywords, modSeq: newModSeq)
            }
            return StoreResult(messages: states, changedUIDs: changed, modified: modified)
        }
        if !result.changedUIDs.isEmpty { post(mailbox) }
        return result
    }
}
