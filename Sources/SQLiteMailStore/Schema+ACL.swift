import GRDB

extension Schema {
    /// `acl`: the access control list of each mailbox (RFC 4314 §2), one row per identifier and
    /// sign, its rights as standard letters (`AccessRights.standardLetters`). Rows go with
    /// their mailbox (cascade: DELETE drops the list, §4) and stay through RENAME, which keeps
    /// mailbox IDs. Identifiers are user names (or `anyone`, `authenticated`): a trigger
    /// removes a deleted user's entries everywhere.
    static func createAccessControl(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE acl (
                mailbox_id INTEGER NOT NULL REFERENCES mailboxes(id) ON DELETE CASCADE,
                identifier TEXT NOT NULL,
                negative INTEGER NOT NULL,
                rights TEXT NOT NULL,
                PRIMARY KEY (mailbox_id, identifier, negative)
            ) WITHOUT ROWID;
            CREATE INDEX acl_by_identifier ON acl (identifier);

            CREATE TRIGGER acl_user_deleted AFTER DELETE ON users BEGIN
                DELETE FROM acl WHERE identifier = OLD.name;
            END;
            """)
    }
}
