import GRDB
import MailCore
import MailStore

/// One row of `mailboxes`.
struct MailboxRow: Sendable {
    var id: Int64
    var userID: Int64
    var name: String
    var selectable: Bool
    var specialUse: String?
    var uidValidity: Int64
    /// The next UID to assign; 2^32 once the UID space is used up.
    var uidNext: Int64
    var highestModSeq: Int64
    var recentFloor: Int64

    static let columns =
        "id, user_id, name, selectable, special_use, uidvalidity, uidnext, highest_modseq, recent_floor"

    init(row: Row) {
        id = row[0]
        userID = row[1]
        name = row[2]
        selectable = row[3]
        specialUse = row[4]
        uidValidity = row[5]
        uidNext = row[6]
        highestModSeq = row[7]
        recentFloor = row[8]
    }

    var mailboxID: MailboxID { MailboxID(rawValue: id) }

    var record: MailboxRecord {
        MailboxRecord(id: mailboxID, owner: UserID(rawValue: userID), name: name, selectable: selectable,
                      specialUse: specialUse.flatMap(SpecialUse.init(attributeName:)),
                      uidValidity: UIDValidity(UInt32(clamping: uidValidity)))
    }

    var uidNextValue: UID { UID(UInt32(clamping: uidNext)) }
    var modSeq: ModSeq { ModSeq(UInt64(clamping: highestModSeq)) }

    // MARK: Lookups

    static func fetch(_ db: Database, id: Int64) throws -> MailboxRow? {
        let statement = try db.cachedStatement(sql: "SELECT \(columns) FROM mailboxes WHERE id = ?")
        return try Row.fetchOne(statement, arguments: [id]).map(MailboxRow.init(row:))
    }

    static func fetch(_ db: Database, user: Int64, name: String) throws -> MailboxRow? {
        let statement = try db.cachedStatement(
            sql: "SELECT \(columns) FROM mailboxes WHERE user_id = ? AND name = ?")
        return try Row.fetchOne(statement, arguments: [user, name]).map(MailboxRow.init(row:))
    }

    /// The mailbox behind a selected-state call, once `AccessGate` let the principal do
    /// `operation` to it: `mailboxDeleted` if it is gone or invisible to the principal,
    /// `permissionDenied` if visible but not allowed, `mailboxNotSelectable` if it is a
    /// placeholder.
    static func selectable(_ db: Database, _ mailbox: MailboxID, as principal: Principal,
                           for operation: MailboxOperation) throws -> MailboxRow {
        try access(db, mailbox, as: principal, for: operation).row
    }

    /// `selectable(_:_:as:for:)` with the principal's rights (for the flag rights of STORE,
    /// APPEND and COPY, RFC 4314 §4).
    static func access(_ db: Database, _ mailbox: MailboxID, as principal: Principal,
                       for operation: MailboxOperation) throws -> (row: MailboxRow, rights: AccessRights) {
        // The row and whether it has ACL entries in one statement: the owner's usual case (no
        // entries: every right) then costs nothing more.
        let statement = try db.cachedStatement(sql: """
            SELECT \(columns), EXISTS (SELECT 1 FROM acl WHERE acl.mailbox_id = mailboxes.id)
            FROM mailboxes WHERE id = ?
            """)
        guard let found = try Row.fetchOne(statement, arguments: [mailbox.rawValue]) else {
            throw MailStoreError.mailboxDeleted
        }
        let row = MailboxRow(row: found)
        let hasEntries: Bool = found[9]
        let rights = principal == .administrator || (!hasEntries && principal == .user(UserID(rawValue: row.userID)))
            ? .all : try AccessRows.rights(db, on: row, as: principal)
        try AccessGate.require(operation, rights, hidden: MailStoreError.mailboxDeleted)
        guard row.selectable else { throw MailStoreError.mailboxNotSelectable(row.name) }
        return (row, rights)
    }

    /// The mailbox and its inferiors (`name` and every `name/...`), in name order. The names
    /// below `name` form the half-open binary range from `name/` to `name0` (`0` follows `/`).
    static func subtree(_ db: Database, user: Int64, name: String) throws -> [MailboxRow] {
        let statement = try db.cachedStatement(sql: """
            SELECT \(columns) FROM mailboxes
            WHERE user_id = ? AND (name = ? OR (name >= ? AND name < ?)) ORDER BY name
            """)
        return try Row.fetchAll(statement, arguments: [user, name, name + "/", name + "0"])
            .map(MailboxRow.init(row:))
    }

    static func hasInferiors(_ db: Database, user: Int64, name: String) throws -> Bool {
        let statement = try db.cachedStatement(sql: """
            SELECT EXISTS (SELECT 1 FROM mailboxes WHERE user_id = ? AND name >= ? AND name < ?)
            """)
        return try Bool.fetchOne(statement, arguments: [user, name + "/", name + "0"]) ?? false
    }

    // MARK: Changes

    /// Takes the next MODSEQ of the mailbox (RFC 7162 §3.1.1) and records it.
    static func nextModSeq(_ db: Database, _ mailbox: inout MailboxRow) throws -> Int64 {
        mailbox.highestModSeq += 1
        let statement = try db.cachedStatement(sql: "UPDATE mailboxes SET highest_modseq = ? WHERE id = ?")
        try statement.execute(arguments: [mailbox.highestModSeq, mailbox.id])
        return mailbox.highestModSeq
    }

    /// Reserves `count` consecutive UIDs from `uidnext` (RFC 3501 §2.3.1.1); throws
    /// `uidSpaceExhausted` if they would pass 2^32 - 1.
    static func reserveUIDs(_ db: Database, _ mailbox: inout MailboxRow, count: Int) throws -> Int64 {
        let first = mailbox.uidNext
        guard first + Int64(count) - 1 <= Int64(UInt32.max) else { throw MailStoreError.uidSpaceExhausted }
        mailbox.uidNext += Int64(count)
        let statement = try db.cachedStatement(sql: "UPDATE mailboxes SET uidnext = ? WHERE id = ?")
        try statement.execute(arguments: [mailbox.uidNext, mailbox.id])
        return first
    }

    /// Hands out a UIDVALIDITY never given before by this store: the larger of the last one
    /// plus one and the current time, so values also stay fresh if the counter were lost
    /// (RFC 3501 §2.3.1.1).
    static func allocateUIDValidity(_ db: Database) throws -> Int64 {
        let read = try db.cachedStatement(sql: "SELECT value FROM meta WHERE key = 'uidvalidity'")
        let last = try Int64.fetchOne(read) ?? 0
        var next = max(last + 1, SQLiteMailStore.now())
        // Past 2106 the clock no longer fits; fall back to the counter alone.
        if next > Int64(UInt32.max) { next = last + 1 }
        guard next <= Int64(UInt32.max) else { throw MailStoreError.uidSpaceExhausted }
        let write = try db.cachedStatement(sql: "UPDATE meta SET value = ? WHERE key = 'uidvalidity'")
        try write.execute(arguments: [next])
        return next
    }

    /// Inserts a mailbox: a selectable one gets a fresh UIDVALIDITY, UIDNEXT 1 and
    /// HIGHESTMODSEQ 1; a `\Noselect` placeholder gets zeros.
    @discardableResult
    static func insert(_ db: Database, user: Int64, name: String, selectable: Bool,
                       specialUse: String?) throws -> MailboxRow {
        let uidValidity = selectable ? try allocateUIDValidity(db) : 0
        let statement = try db.cachedStatement(sql: """
            INSERT INTO mailboxes (user_id, name, selectable, special_use, uidvalidity, uidnext,
                                   highest_modseq, recent_floor)
            VALUES (?, ?, ?, ?, ?, 1, ?, 1) RETURNING \(columns)
            """)
        let arguments: StatementArguments = [user, name, selectable, specialUse, uidValidity,
                                             selectable ? 1 : 0]
        guard let row = try Row.fetchOne(statement, arguments: arguments) else {
            throw DatabaseError(resultCode: .SQLITE_INTERNAL, message: "INSERT returned no row")
        }
        return MailboxRow(row: row)
    }

    /// Records keywords as known in the mailbox (for FLAGS), remembering when each first came.
    static func noteKeywords(_ db: Database, mailbox: Int64, _ keywords: [String], modSeq: Int64) throws {
        guard !keywords.isEmpty else { return }
        let statement = try db.cachedStatement(
            sql: "INSERT OR IGNORE INTO keywords (mailbox_id, keyword, modseq) VALUES (?, ?, ?)")
        for keyword in keywords { try statement.execute(arguments: [mailbox, keyword, modSeq]) }
    }

    /// Every keyword known in the mailbox, in the order first used.
    static func keywords(_ db: Database, mailbox: Int64) throws -> [String] {
        let statement = try db.cachedStatement(
            sql: "SELECT keyword FROM keywords WHERE mailbox_id = ? ORDER BY modseq, keyword")
        return try String.fetchAll(statement, arguments: [mailbox])
    }
}
