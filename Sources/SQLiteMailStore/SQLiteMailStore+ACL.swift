import GRDB
public import MailCore
public import MailStore

/// The rows of `acl` (Schema+ACL.swift) and the rights they give.
enum AccessRows {
    /// The access control list of a mailbox.
    static func list(_ db: Database, mailbox: Int64) throws -> AccessControlList {
        let statement = try db.cachedStatement(
            sql: "SELECT identifier, negative, rights FROM acl WHERE mailbox_id = ?")
        var entries: [AccessEntry] = []
        for row in try Row.fetchAll(statement, arguments: [mailbox]) {
            let letters: String = row[2]
            entries.append(AccessEntry(identifier: AccessIdentifier(row[0] as String), negative: row[1],
                                       rights: AccessRights(letters: letters) ?? []))
        }
        return AccessControlList(entries: entries)
    }

    /// The principal's rights on a mailbox (`AccessGate.rights`): the user's name is read
    /// only when the list has entries.
    static func rights(_ db: Database, on mailbox: MailboxRow, as principal: Principal) throws -> AccessRights {
        let owner = UserID(rawValue: mailbox.userID)
        if case .user(let user) = principal, user == owner, try !hasEntries(db, mailbox: mailbox.id) {
            return .all
        }
        if case .administrator = principal { return .all }
        let list = try self.list(db, mailbox: mailbox.id)
        var name: String?
        if case .user(let user) = principal, !list.entries.isEmpty {
            name = try String.fetchOne(db.cachedStatement(sql: "SELECT name FROM users WHERE id = ?"),
                                       arguments: [user.rawValue])
        }
        return AccessGate.rights(of: principal, named: name, owner: owner, list: list)
    }

    /// Whether the mailbox has any entry (the owner's fast path skips the rest).
    static func hasEntries(_ db: Database, mailbox: Int64) throws -> Bool {
        let statement = try db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM acl WHERE mailbox_id = ?)")
        return try Bool.fetchOne(statement, arguments: [mailbox]) ?? false
    }

    /// The mailbox at (user, name) if the principal may see it; nil if it is missing or
    /// invisible to them (RFC 4314 §6), so that the two look alike.
    static func visible(_ db: Database, user: Int64, name: String,
                        as principal: Principal) throws -> (row: MailboxRow, rights: AccessRights)? {
        guard let row = try MailboxRow.fetch(db, user: user, name: name) else { return nil }
        let rights = try self.rights(db, on: row, as: principal)
        return MailboxOperation.readOwnRights.isAllowed(by: rights) ? (row, rights) : nil
    }

    /// Throws unless the principal may create `name` among `user`'s mailboxes: `k` on the
    /// nearest existing superior (RFC 4314 §4 CREATE, RENAME), or, at the top, being the owner
    /// or the administrator. Returns the superior, whose list a new mailbox inherits.
    @discardableResult
    static func requireCreate(_ db: Database, user: Int64, name: String,
                              as principal: Principal) throws -> MailboxRow? {
        let superior = try AccessGate.nearestSuperior(of: name) {
            try MailboxRow.fetch(db, user: user, name: $0) != nil
        }
        guard let superior, let parent = try MailboxRow.fetch(db, user: user, name: superior) else {
            switch principal {
            case .administrator: return nil
            case .user(let id) where id.rawValue == user: return nil
            case .user: throw MailStoreError.permissionDenied
            }
        }
        let rights = try self.rights(db, on: parent, as: principal)
        guard MailboxOperation.createChild.isAllowed(by: rights) else { throw MailStoreError.permissionDenied }
        return parent
    }

    /// Gives a new mailbox a copy of its parent's list (RFC 4314 §4: "SHOULD inherit").
    static func inherit(_ db: Database, from parent: MailboxRow?, to mailbox: Int64) throws {
        guard let parent else { return }
        try db.cachedStatement(sql: """
            INSERT OR REPLACE INTO acl (mailbox_id, identifier, negative, rights)
                SELECT ?, identifier, negative, rights FROM acl WHERE mailbox_id = ?
            """).execute(arguments: [mailbox, parent.id])
    }
}

extension SQLiteMailStore {
    public func accessControlList(of path: MailboxPath, as principal: Principal) async throws -> AccessControlList {
        try await pool.read { db in
            let row = try Self.administered(db, path, as: principal)
            return try AccessRows.list(db, mailbox: row.id)
        }
    }

    public func setAccess(_ entry: AccessEntry, on path: MailboxPath, as principal: Principal) async throws {
        let mailbox: MailboxID = try await write { db in
            let row = try Self.administered(db, path, as: principal)
            try db.cachedStatement(sql: "DELETE FROM acl WHERE mailbox_id = ? AND identifier = ? AND negative = ?")
                .execute(arguments: [row.id, entry.identifier.description, entry.negative])
            if !entry.rights.isEmpty {
                try db.cachedStatement(sql: """
                    INSERT INTO acl (mailbox_id, identifier, negative, rights) VALUES (?, ?, ?, ?)
                    """).execute(arguments: [row.id, entry.identifier.description, entry.negative,
                                             entry.rights.standardLetters])
            }
            return row.mailboxID
        }
        post(mailbox)
    }

    public func removeAccess(_ identifier: AccessIdentifier, negative: Bool, on path: MailboxPath,
                             as principal: Principal) async throws {
        let mailbox: MailboxID = try await write { db in
            let row = try Self.administered(db, path, as: principal)
            try db.cachedStatement(sql: "DELETE FROM acl WHERE mailbox_id = ? AND identifier = ? AND negative = ?")
                .execute(arguments: [row.id, identifier.description, negative])
            return row.mailboxID
        }
        post(mailbox)
    }

    public func rights(on path: MailboxPath, as principal: Principal) async throws -> AccessRights {
        try await pool.read { db in
            guard let (_, rights) = try AccessRows.visible(db, user: path.owner.rawValue, name: path.name,
                                                           as: principal)
            else { throw MailStoreError.mailboxNotFound(path.name) }
            return rights
        }
    }

    public func sharedMailboxes(visibleTo user: UserID) async throws -> [SharedMailbox] {
        let publicName = AccessGate.publicOwnerName
        return try await pool.read { db in
            let statement = try db.cachedStatement(sql: """
                SELECT \(MailboxRow.columns), (SELECT name FROM users WHERE users.id = mailboxes.user_id)
                FROM mailboxes
                WHERE user_id != ? AND id IN (SELECT mailbox_id FROM acl WHERE negative = 0
                    AND identifier IN ('anyone', 'authenticated', (SELECT name FROM users WHERE id = ?)))
                """)
            var shared: [SharedMailbox] = []
            for row in try Row.fetchAll(statement, arguments: [user.rawValue, user.rawValue]) {
                let mailbox = MailboxRow(row: row)
                let rights = try AccessRows.rights(db, on: mailbox, as: .user(user))
                guard rights.contains(.lookup) else { continue }
                let owner: String = row[9]
                shared.append(SharedMailbox(record: mailbox.record, ownerName: owner == publicName ? nil : owner,
                                            rights: rights))
            }
            return shared.sorted { ($0.ownerName ?? "", $0.record.name) < ($1.ownerName ?? "", $1.record.name) }
        }
    }

    public func publicOwner(creating: Bool) async throws -> UserID? {
        let name = AccessGate.publicOwnerName
        let lookup = "SELECT id FROM users WHERE name = ?"
        if let id = try await pool.read({ db in try Int64.fetchOne(db.cachedStatement(sql: lookup), arguments: [name]) }) {
            return UserID(rawValue: id)
        }
        guard creating else { return nil }
        return try await write { db in
            if let id = try Int64.fetchOne(db.cachedStatement(sql: lookup), arguments: [name]) {
                return UserID(rawValue: id)
            }
            // No credentials: the name is no valid login name, so no one can log in as it.
            try db.cachedStatement(sql: "INSERT INTO users (name, credentials) VALUES (?, '')")
                .execute(arguments: [name])
            return UserID(rawValue: db.lastInsertedRowID)
        }
    }

    /// The mailbox at `path` if the principal may administer its list (`a`, RFC 4314 §4).
    private static func administered(_ db: Database, _ path: MailboxPath, as principal: Principal) throws -> MailboxRow {
        guard let row = try MailboxRow.fetch(db, user: path.owner.rawValue, name: path.name) else {
            throw MailStoreError.mailboxNotFound(path.name)
        }
        let rights = try AccessRows.rights(db, on: row, as: principal)
        try AccessGate.require(.administer, rights, hidden: MailStoreError.mailboxNotFound(path.name))
        return row
    }
}
