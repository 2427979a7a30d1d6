import GRDB
public import MailCore
public import MailStore

extension SQLiteMailStore {
    public func list(of owner: UserID, as principal: Principal) async throws -> [MailboxRecord] {
        let user = owner
        let isOwn = principal == .administrator || principal == .user(owner)
        return try await pool.read { db in
            let statement = try db.cachedStatement(
                sql: "SELECT \(MailboxRow.columns) FROM mailboxes WHERE user_id = ? ORDER BY name")
            // A cursor decodes each row in place (Row.fetchAll would copy every row first).
            let rows = try Array(Row.fetchCursor(statement, arguments: [user.rawValue]).map { MailboxRow(row: $0) })
            // The owner sees every mailbox (`l` is theirs for good); others what `l` shows.
            if isOwn { return rows.map(\.record) }
            return try rows.filter { try AccessRows.rights(db, on: $0, as: principal).contains(.lookup) }.map(\.record)
        }
    }

    public func mailbox(at path: MailboxPath, as principal: Principal) async throws -> MailboxRecord? {
        try await pool.read { db in
            try AccessRows.visible(db, user: path.owner.rawValue, name: path.name, as: principal)?.row.record
        }
    }

    /// Creates the mailbox and each missing superior (RFC 3501 §6.3.3); a `\Noselect`
    /// placeholder of the name becomes a new, selectable mailbox with a fresh UIDVALIDITY.
    public func create(_ path: MailboxPath, specialUse: SpecialUse?,
                       as principal: Principal) async throws -> MailboxRecord {
        let name = path.name
        let record: MailboxRecord = try await write { db in
            let userID = path.owner.rawValue
            try Self.requireUser(db, userID)
            let parent = try AccessRows.requireCreate(db, user: userID, name: name, as: principal)
            // Quota (RFC 9208 MAILBOX): counted by triggers, checked once the rows are in.
            let quotaBefore = try QuotaRows.quota(db, user: userID)
            if let existing = try MailboxRow.fetch(db, user: userID, name: name) {
                guard !existing.selectable else { throw MailStoreError.mailboxExists(name) }
                let uidValidity = try MailboxRow.allocateUIDValidity(db)
                let statement = try db.cachedStatement(sql: """
                    UPDATE mailboxes SET selectable = 1, special_use = ?, uidvalidity = ?,
                        uidnext = 1, highest_modseq = 1, recent_floor = 1
                    WHERE id = ?
                    """)
                try statement.execute(arguments: [specialUse?.attributeName, uidValidity, existing.id])
                try QuotaRows.checkGrowth(db, user: userID, since: quotaBefore)
                return try MailboxRow.fetch(db, id: existing.id)?.record ?? existing.record
            }
            try Self.createSuperiors(of: name, user: userID, db)
            let record = try MailboxRow.insert(db, user: userID, name: name, selectable: true,
                                               specialUse: specialUse?.attributeName).record
            try AccessRows.inherit(db, from: parent, to: record.id.rawValue)
            try QuotaRows.checkGrowth(db, user: userID, since: quotaBefore)
            return record
        }
        notifications.post(AccountChange(owner: path.owner, .mailboxCreated(name)))
        return record
    }

    /// DELETE (RFC 3501 §6.3.4, RFC 9051 §6.3.5): INBOX cannot be deleted; a placeholder with
    /// inferiors cannot either; a mailbox with inferiors loses its messages and becomes a
    /// `\Noselect` placeholder (a new row, so the deleted mailbox's ID is gone for good);
    /// anything else is removed.
    public func delete(_ path: MailboxPath, as principal: Principal) async throws {
        let (user, name) = (path.owner, path.name)
        let deleted: MailboxID = try await write(releasingBlobs: { db in
            guard let mailbox = try MailboxRow.fetch(db, user: user.rawValue, name: name) else {
                throw MailStoreError.mailboxNotFound(name)
            }
            try AccessGate.require(.delete, AccessRows.rights(db, on: mailbox, as: principal),
                                   hidden: MailStoreError.mailboxNotFound(name))
            guard name != "INBOX" else { throw MailStoreError.inboxOperationNotAllowed }
            let hasInferiors = try MailboxRow.hasInferiors(db, user: user.rawValue, name: name)
            if hasInferiors && !mailbox.selectable { throw MailStoreError.mailboxHasChildren(name) }
            let blobs = try String.fetchAll(db.cachedStatement(sql: """
                SELECT blob FROM messages WHERE mailbox_id = ?
                UNION SELECT blob FROM ghosts WHERE mailbox_id = ?
                """), arguments: [mailbox.id, mailbox.id])
            try db.cachedStatement(sql: "DELETE FROM mailboxes WHERE id = ?").execute(arguments: [mailbox.id])
            if hasInferiors {
                try MailboxRow.insert(db, user: user.rawValue, name: name, selectable: false, specialUse: nil)
            }
            return (mailbox.mailboxID, Set(blobs.map(BlobID.init(rawValue:))))
        })
        post(deleted)
        notifications.post(AccountChange(owner: user, .mailboxDeleted(name)))
    }

    /// RENAME (RFC 3501 §6.3.5, RFC 9051 §6.3.6): moves the mailbox and its inferiors, keeping
    /// their IDs and UIDVALIDITY, and creates missing superiors of the new name. INBOX is
    /// special: its messages move, with their UIDs, into a new mailbox (with a new UIDVALIDITY)
    /// and INBOX stays, empty, with its UIDNEXT and its inferiors.
    public func rename(_ path: MailboxPath, to: String, as principal: Principal) async throws {
        let (user, from) = (path.owner, path.name)
        let changed: [MailboxID] = try await write { db in
            let userID = user.rawValue
            guard let source = try MailboxRow.fetch(db, user: userID, name: from) else {
                throw MailStoreError.mailboxNotFound(from)
            }
            // RFC 4314 §4: `x` on the mailbox, `k` on the new parent.
            try AccessGate.require(.delete, AccessRows.rights(db, on: source, as: principal),
                                   hidden: MailStoreError.mailboxNotFound(from))
            guard to != "INBOX" else { throw MailStoreError.inboxOperationNotAllowed }
            try AccessRows.requireCreate(db, user: userID, name: to, as: principal)
            if from == "INBOX" {
                return try Self.renameInbox(source, to: to, db)
            }
            if to == from || to.hasPrefix(from + "/") { throw MailStoreError.renameIntoItself }
            if try MailboxRow.fetch(db, user: userID, name: to) != nil {
                throw MailStoreError.mailboxExists(to)
            }
            let subtree = try MailboxRow.subtree(db, user: userID, name: from)
            let rename = try db.cachedStatement(sql: "UPDATE mailboxes SET name = ? WHERE id = ?")
            for mailbox in subtree {
                let newName = to + mailbox.name.dropFirst(from.count)
                do {
                    try rename.execute(arguments: [newName, mailbox.id])
                } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
                    throw MailStoreError.mailboxExists(newName)
                }
            }
            try Self.createSuperiors(of: to, user: userID, db)
            return subtree.map(\.mailboxID)
        }
        for mailbox in changed { post(mailbox) }
        notifications.post(AccountChange(owner: user, .mailboxRenamed(from: from, to: to)))
    }

    public func subscriptions(of user: UserID) async throws -> [String] {
        try await pool.read { db in
            try String.fetchAll(
                db.cachedStatement(sql: "SELECT name FROM subscriptions WHERE user_id = ? ORDER BY name"),
                arguments: [user.rawValue])
        }
    }

    /// SUBSCRIBE/UNSUBSCRIBE (RFC 9051 §6.3.7–8): any name may be subscribed, existing or not,
    /// and stays subscribed when its mailbox is deleted or renamed.
    public func setSubscribed(_ subscribed: Bool, name: String, of user: UserID) async throws {
        try await write { db in
            try Self.requireUser(db, user.rawValue)
            let sql = subscribed
                ? "INSERT OR IGNORE INTO subscriptions (user_id, name) VALUES (?, ?)"
                : "DELETE FROM subscriptions WHERE user_id = ? AND name = ?"
            try db.cachedStatement(sql: sql).execute(arguments: [user.rawValue, name])
        }
        notifications.post(AccountChange(owner: user, .subscriptionChanged(name, subscribed: subscribed)))
    }

    /// STATUS counters (RFC 9051 §6.3.11) from one scan of the mailbox's rows.
    public func status(of mailbox: MailboxID, as principal: Principal) async throws -> MailboxStatus {
        try await pool.read { db in
            let row = try MailboxRow.selectable(db, mailbox, as: principal, for: .read)
            let seen = Int64(MessageFlags.System.seen.rawValue)
            let deleted = Int64(MessageFlags.System.deleted.rawValue)
            let statement = try db.cachedStatement(sql: """
                SELECT count(*), coalesce(sum(uid >= ?), 0), coalesce(sum((flags & ?) = 0), 0),
                       coalesce(sum((flags & ?) != 0), 0), coalesce(sum(size), 0),
                       coalesce(sum(CASE WHEN (flags & ?) != 0 THEN size ELSE 0 END), 0)
                FROM messages WHERE mailbox_id = ?
                """)
            let counts = try Row.fetchOne(statement, arguments: [row.recentFloor, seen, deleted, deleted, row.id])
            return MailboxStatus(
                messages: counts?[0] ?? 0, recent: counts?[1] ?? 0, unseen: counts?[2] ?? 0,
                deleted: counts?[3] ?? 0, size: UInt64(clamping: counts?[4] ?? Int64(0)),
                uidNext: row.uidNextValue, uidValidity: row.record.uidValidity,
                highestModSeq: row.modSeq, deletedSize: UInt64(clamping: counts?[5] ?? Int64(0)))
        }
    }

    // MARK: Helpers

    static func requireUser(_ db: Database, _ user: Int64) throws {
        let statement = try db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM users WHERE id = ?)")
        guard try Bool.fetchOne(statement, arguments: [user]) == true else {
            throw MailStoreError.userNotFound(String(user))
        }
    }

    /// Creates each missing superior name of `name` as a selectable mailbox
    /// (RFC 9051 §6.3.4: creating "foo/bar/zap" creates "foo" and "foo/bar").
    static func createSuperiors(of name: String, user: Int64, _ db: Database) throws {
        var index = name.startIndex
        while let slash = name[index...].firstIndex(of: "/") {
            let superior = String(name[..<slash])
            index = name.index(after: slash)
            if superior.isEmpty || superior.hasSuffix("/") { continue }
            if try MailboxRow.fetch(db, user: user, name: superior) == nil {
                try MailboxRow.insert(db, user: user, name: superior, selectable: true, specialUse: nil)
            }
        }
    }

    /// RENAME INBOX (RFC 9051 §6.3.6): all messages move, keeping their UIDs, to a new
    /// mailbox with a new UIDVALIDITY; INBOX keeps its UIDVALIDITY and UIDNEXT, and records
    /// the moved UIDs as expunged, with tombstones and ghosts, so that sessions with INBOX
    /// selected learn of it and can fetch them until then (RFC 2180 §4.1.1). The new mailbox
    /// gets a copy of INBOX's METADATA entries, which INBOX keeps (RFC 5464 §4.1).
    private static func renameInbox(_ inbox: MailboxRow, to: String, _ db: Database) throws -> [MailboxID] {
        if try MailboxRow.fetch(db, user: inbox.userID, name: to) != nil {
            throw MailStoreError.mailboxExists(to)
        }
        try createSuperiors(of: to, user: inbox.userID, db)
        let target = try MailboxRow.insert(db, user: inbox.userID, name: to, selectable: true,
                                           specialUse: nil)
        var source = inbox
        let modSeq = try MailboxRow.nextModSeq(db, &source)
        try db.execute(sql: """
            INSERT OR REPLACE INTO tombstones (mailbox_id, uid, modseq)
                SELECT mailbox_id, uid, ? FROM messages WHERE mailbox_id = ?;
            INSERT OR REPLACE INTO ghosts (\(MessageRows.ghostColumns), expunged_at)
                SELECT \(MessageRows.ghostColumns), ? FROM messages WHERE mailbox_id = ?;
            UPDATE messages SET mailbox_id = ? WHERE mailbox_id = ?;
            INSERT OR IGNORE INTO keywords (mailbox_id, keyword, modseq)
                SELECT ?, keyword, modseq FROM keywords WHERE mailbox_id = ?;
            UPDATE mailboxes SET uidnext = ?, highest_modseq = ?, recent_floor = ? WHERE id = ?;
            INSERT INTO metadata (mailbox_id, user_id, name, value)
                SELECT ?, user_id, name, value FROM metadata WHERE mailbox_id = ?;
            """, arguments: [modSeq, inbox.id, SQLiteMailStore.now(), inbox.id, target.id, inbox.id, target.id, inbox.id,
                             inbox.uidNext, max(modSeq, target.highestModSeq), inbox.recentFloor,
                             target.id, target.id, inbox.id])
        return [inbox.mailboxID, target.mailboxID]
    }
}
