import GRDB

/// The database schema, as a list of named migrations. New versions append migrations; a
/// migration that has shipped is never edited.
enum Schema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-initial", migrate: createInitialTables)
        migrator.registerMigration("v2-structures", migrate: createStructures)
        migrator.registerMigration("v3-secrets", migrate: createSecrets)
        migrator.registerMigration("v4-ghosts", migrate: createGhosts)
        migrator.registerMigration("v5-sieve", migrate: createSieveTables)
        migrator.registerMigration("v6-sort-keys", migrate: createSortKeys)
        migrator.registerMigration("v7-import", migrate: createImportTargets)
        migrator.registerMigration("v8-quota", migrate: createQuotas)  // Schema+Quota.swift
        migrator.registerMigration("v9-metadata", migrate: createMetadata)
        migrator.registerMigration("v10-acl", migrate: createAccessControl)  // Schema+ACL.swift
        migrator.registerMigration("v11-threads", migrate: createThreads)  // Schema+Threads.swift
        migrator.registerMigration("v12-preview", migrate: createPreviews)  // Schema+Preview.swift
        return migrator
    }

    /// `sort_keys`: the SORT and THREAD keys of each blob (MailSort's `MessageSortKeys` in its
    /// stored form), written with the blob's first message beside its structure and removed
    /// with it, so that SORT and THREAD read one row per message and parse nothing. Blobs
    /// stored before this table existed get their keys the first time a SORT or THREAD needs
    /// them (`MailStorage.sortInputs` makes them from the header and saves them here).
    private static func createSortKeys(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE sort_keys (
                blob TEXT PRIMARY KEY NOT NULL,
                data BLOB NOT NULL
            ) WITHOUT ROWID;
            """)
    }

    /// Sieve scripts, the filtering log and the delivery ledger, all going with their user
    /// (cascade):
    /// - `sieve_scripts`: one row per script, keyed by (user, name); names compare byte for
    ///   byte (BINARY). The partial unique index lets at most one script per user be active
    ///   (RFC 5804 §1: "at most one active script").
    /// - `sieve_log`: the user's filtering log; `id` gives the order of writing.
    /// - `delivery_ledger`: short-lived records of delivery (`DeliveryLedger`), indexed by
    ///   expiry for the purge.
    private static func createSieveTables(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE sieve_scripts (
                user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                name TEXT NOT NULL,
                content BLOB NOT NULL,
                active INTEGER NOT NULL DEFAULT 0,
                PRIMARY KEY (user_id, name)
            ) WITHOUT ROWID;
            CREATE UNIQUE INDEX sieve_scripts_one_active ON sieve_scripts (user_id) WHERE active;

            CREATE TABLE sieve_log (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                date INTEGER NOT NULL,
                text TEXT NOT NULL
            );
            CREATE INDEX sieve_log_by_user ON sieve_log (user_id, id);

            CREATE TABLE delivery_ledger (
                user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                key TEXT NOT NULL,
                expiry INTEGER NOT NULL,
                PRIMARY KEY (user_id, key)
            ) WITHOUT ROWID;
            CREATE INDEX delivery_ledger_by_expiry ON delivery_ledger (expiry);
            """)
    }

    /// `ghosts`: the rows of expunged messages, as they were, with the time of their expunge
    /// (seconds since 1970), kept beside their tombstones so that a session not yet told of
    /// the expunge can still fetch them (RFC 2180 §4.1.1). A ghost references its blob like
    /// a message does, until `purgeGhosts` forgets it; it goes with its mailbox (cascade).
    /// Indexed by blob (is a blob still referenced?) and by age (what to purge).
    private static func createGhosts(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE ghosts (
                mailbox_id INTEGER NOT NULL REFERENCES mailboxes(id) ON DELETE CASCADE,
                uid INTEGER NOT NULL,
                modseq INTEGER NOT NULL,
                flags INTEGER NOT NULL,
                keywords TEXT,
                internal_date INTEGER NOT NULL,
                internal_zone INTEGER NOT NULL,
                size INTEGER NOT NULL,
                header_size INTEGER NOT NULL,
                blob TEXT NOT NULL,
                save_date INTEGER NOT NULL,
                expunged_at INTEGER NOT NULL,
                PRIMARY KEY (mailbox_id, uid)
            ) WITHOUT ROWID;
            CREATE INDEX ghosts_by_blob ON ghosts (blob);
            CREATE INDEX ghosts_by_age ON ghosts (expunged_at);
            """)
    }

    /// `secrets`: random keys of the installation, made at first use (`ServerSecrets`), such as
    /// the key EMAILIDs are derived with (RFC 8474 §5.1).
    private static func createSecrets(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE secrets (
                name TEXT PRIMARY KEY NOT NULL,
                value BLOB NOT NULL
            ) WITHOUT ROWID;
            """)
    }

    /// `structures`: the parsed MIME structure of each blob (MailMessage's stored form), written
    /// with the blob's first message and removed with the blob, so that FETCH and SEARCH never
    /// parse a message again and COPY shares the structure as it shares the bytes.
    private static func createStructures(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE structures (
                blob TEXT PRIMARY KEY NOT NULL,
                data BLOB NOT NULL
            ) WITHOUT ROWID;
            """)
    }

    /// The first schema.
    ///
    /// - `users.id`, `mailboxes.id`: AUTOINCREMENT, so the ID of a deleted account or mailbox
    ///   is never handed out again (a session holding it must see `mailboxDeleted`).
    /// - `meta`: store-wide counters; `uidvalidity` is the last UIDVALIDITY handed out, so a
    ///   mailbox created under a name used before never gets an old value back (RFC 3501 §2.3.1.1).
    /// - `mailboxes.uidnext` only grows; `recent_floor` is the first UID that no read-write
    ///   session has claimed as `\Recent` yet (RFC 3501 §2.3.2); a `\Noselect` placeholder has
    ///   `selectable = 0` and no messages.
    /// - `messages`: one row per message, keyed by (mailbox, UID); `flags` holds the system flag
    ///   bits of `MessageFlags.System`, `keywords` the keywords separated by spaces (NULL if none),
    ///   `internal_date` seconds since 1970 and `internal_zone` the zone's minutes east of UTC.
    /// - `tombstones`: expunged UIDs with the MODSEQ of their expunge (RFC 7162 §3.2.5.2).
    /// - `keywords`: every keyword used in a mailbox, with the MODSEQ at which it first appeared,
    ///   for the FLAGS response (RFC 9051 §7.3.5); compared case-insensitively.
    private static func createInitialTables(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE meta (
                key TEXT PRIMARY KEY NOT NULL,
                value INTEGER NOT NULL
            );
            INSERT INTO meta (key, value) VALUES ('uidvalidity', 0);

            CREATE TABLE users (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                name TEXT NOT NULL UNIQUE,
                credentials TEXT NOT NULL
            );

            CREATE TABLE mailboxes (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                name TEXT NOT NULL,
                selectable INTEGER NOT NULL,
                special_use TEXT,
                uidvalidity INTEGER NOT NULL,
                uidnext INTEGER NOT NULL,
                highest_modseq INTEGER NOT NULL,
                recent_floor INTEGER NOT NULL,
                UNIQUE (user_id, name)
            );

            CREATE TABLE subscriptions (
                user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                name TEXT NOT NULL,
                PRIMARY KEY (user_id, name)
            ) WITHOUT ROWID;

            CREATE TABLE messages (
                mailbox_id INTEGER NOT NULL REFERENCES mailboxes(id) ON DELETE CASCADE,
                uid INTEGER NOT NULL,
                modseq INTEGER NOT NULL,
                flags INTEGER NOT NULL,
                keywords TEXT,
                internal_date INTEGER NOT NULL,
                internal_zone INTEGER NOT NULL,
                size INTEGER NOT NULL,
                header_size INTEGER NOT NULL,
                blob TEXT NOT NULL,
                save_date INTEGER NOT NULL,
                PRIMARY KEY (mailbox_id, uid)
            ) WITHOUT ROWID;
            CREATE INDEX messages_by_modseq ON messages (mailbox_id, modseq);
            CREATE INDEX messages_by_blob ON messages (blob);

            CREATE TABLE tombstones (
                mailbox_id INTEGER NOT NULL REFERENCES mailboxes(id) ON DELETE CASCADE,
                uid INTEGER NOT NULL,
                modseq INTEGER NOT NULL,
                PRIMARY KEY (mailbox_id, uid)
            ) WITHOUT ROWID;
            CREATE INDEX tombstones_by_modseq ON tombstones (mailbox_id, modseq);

            CREATE TABLE keywords (
                mailbox_id INTEGER NOT NULL REFERENCES mailboxes(id) ON DELETE CASCADE,
                keyword TEXT NOT NULL COLLATE NOCASE,
                modseq INTEGER NOT NULL,
                PRIMARY KEY (mailbox_id, keyword)
            ) WITHOUT ROWID;
            """)
    }
}
