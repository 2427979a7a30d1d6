import GRDB
import MailCore
public import MailStore

/// Stored credentials that do not decode: the database was edited by hand or is damaged.
struct MalformedCredentials: Error, CustomStringConvertible {
    var user: String
    var description: String { "stored credentials of user \(user) are malformed" }
}

extension SQLiteMailStore {
    public func addUser(name: String, credentials: PasswordCredentials) async throws -> User {
        try await write { db in
            let lookup = try db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM users WHERE name = ?)")
            if try Bool.fetchOne(lookup, arguments: [name]) == true {
                throw MailStoreError.userExists(name)
            }
            let insert = try db.cachedStatement(sql: "INSERT INTO users (name, credentials) VALUES (?, ?)")
            try insert.execute(arguments: [name, credentials.encoded])
            let id = db.lastInsertedRowID
            try MailboxRow.insert(db, user: id, name: "INBOX", selectable: true, specialUse: nil)
            return User(id: UserID(rawValue: id), name: name)
        }
    }

    /// Removes the account; its mailboxes, messages, ghosts and subscriptions go with it
    /// (foreign-key cascades), then blobs no one else references.
    public func deleteUser(name: String) async throws {
        let mailboxes: [MailboxID] = try await write(releasingBlobs: { db in
            guard let id = try Int64.fetchOne(
                db.cachedStatement(sql: "SELECT id FROM users WHERE name = ?"), arguments: [name])
            else { throw MailStoreError.userNotFound(name) }
            let mailboxes = try Int64.fetchAll(
                db.cachedStatement(sql: "SELECT id FROM mailboxes WHERE user_id = ?"), arguments: [id])
            let blobs = try String.fetchAll(db.cachedStatement(sql: """
                SELECT m.blob FROM messages m JOIN mailboxes b ON b.id = m.mailbox_id WHERE b.user_id = ?
                UNION SELECT g.blob FROM ghosts g JOIN mailboxes b ON b.id = g.mailbox_id WHERE b.user_id = ?
                """), arguments: [id, id])
            try db.cachedStatement(sql: "DELETE FROM users WHERE id = ?").execute(arguments: [id])
            return (mailboxes.map(MailboxID.init(rawValue:)), Set(blobs.map(BlobID.init(rawValue:))))
        })
        for mailbox in mailboxes { post(mailbox) }
    }

    public func users() async throws -> [User] {
        try await pool.read { db in
            // The owner of public folders is no account (`AccessGate.publicOwnerName`).
            try Row.fetchAll(db.cachedStatement(sql: "SELECT id, name FROM users WHERE name != ? ORDER BY name"),
                             arguments: [AccessGate.publicOwnerName])
                .map { User(id: UserID(rawValue: $0[0]), name: $0[1]) }
        }
    }

    public func user(named name: String) async throws -> User? {
        try await pool.read { db in
            try Int64.fetchOne(db.cachedStatement(sql: "SELECT id FROM users WHERE name = ?"), arguments: [name])
                .map { User(id: UserID(rawValue: $0), name: name) }
        }
    }

    public func setCredentials(_ credentials: PasswordCredentials, forUser name: String) async throws {
        try await write { db in
            let update = try db.cachedStatement(sql: "UPDATE users SET credentials = ? WHERE name = ?")
            try update.execute(arguments: [credentials.encoded, name])
            if db.changesCount == 0 { throw MailStoreError.userNotFound(name) }
        }
    }

    public func credentials(forUser name: String) async throws -> (User, PasswordCredentials)? {
        let found: (Int64, String)? = try await pool.read { db in
            let statement = try db.cachedStatement(sql: "SELECT id, credentials FROM users WHERE name = ?")
            return try Row.fetchOne(statement, arguments: [name]).map { ($0[0], $0[1]) }
        }
        guard let (id, encoded) = found else { return nil }
        guard let credentials = PasswordCredentials(encoded: encoded) else {
            throw MalformedCredentials(user: name)
        }
        return (User(id: UserID(rawValue: id), name: name), credentials)
    }
}

extension SQLiteMailStore {
    /// One conditional UPDATE: it compares and replaces under SQLite's write lock, so a
    /// concurrent `tern user passwd` (another process) either happens before, and this
    /// changes nothing, or after, and wins.
    public func replaceCredentials(_ expected: PasswordCredentials, with replacement: PasswordCredentials,
                                   forUser name: String) async throws -> Bool {
        try await write { db in
            let update = try db.cachedStatement(sql: "UPDATE users SET credentials = ? WHERE name = ? AND credentials = ?")
            try update.execute(arguments: [replacement.encoded, name, expected.encoded])
            return db.changesCount == 1
        }
    }
}
