import GRDB

extension Schema {
    /// `quotas`: each user's limits (NULL: no limit; storage in octets) and exact usage
    /// (RFC 9208 §5: the octets and number of messages, the number of selectable mailboxes),
    /// one row per user, going with the user (cascade).
    ///
    /// Usage is kept by triggers, so that it changes in the same transaction as the rows it
    /// counts, whatever statement changes them (append, copy, move, expunge, rename, delete):
    /// - a user row gets its quota row;
    /// - a message row added, removed or moved to another owner's mailbox adds or takes its
    ///   size and one message;
    /// - a selectable mailbox added or removed, or a placeholder made selectable (or the
    ///   reverse), counts one mailbox;
    /// - a mailbox removed takes its messages' totals *before* it goes: SQLite deletes the
    ///   messages of a deleted mailbox (ON DELETE CASCADE) after the mailbox row, when their
    ///   trigger can no longer find the owner.
    /// The migration fills the rows of existing users from their messages.
    static func createQuotas(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE quotas (
                user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
                storage_limit INTEGER,
                message_limit INTEGER,
                mailbox_limit INTEGER,
                storage_used INTEGER NOT NULL DEFAULT 0,
                messages_used INTEGER NOT NULL DEFAULT 0,
                mailboxes_used INTEGER NOT NULL DEFAULT 0
            );

            INSERT INTO quotas (user_id) SELECT id FROM users;
            \(QuotaRows.recalculation(for: "quotas.user_id"));

            CREATE TRIGGER quota_user_added AFTER INSERT ON users BEGIN
                INSERT INTO quotas (user_id) VALUES (NEW.id);
            END;

            CREATE TRIGGER quota_mailbox_added AFTER INSERT ON mailboxes WHEN NEW.selectable BEGIN
                UPDATE quotas SET mailboxes_used = mailboxes_used + 1 WHERE user_id = NEW.user_id;
            END;

            CREATE TRIGGER quota_mailbox_selectable AFTER UPDATE OF selectable ON mailboxes
            WHEN NEW.selectable != OLD.selectable BEGIN
                UPDATE quotas SET mailboxes_used = mailboxes_used + (CASE WHEN NEW.selectable THEN 1 ELSE -1 END)
                WHERE user_id = NEW.user_id;
            END;

            CREATE TRIGGER quota_mailbox_removed BEFORE DELETE ON mailboxes BEGIN
                UPDATE quotas SET
                    storage_used = storage_used - (SELECT coalesce(sum(size), 0) FROM messages WHERE mailbox_id = OLD.id),
                    messages_used = messages_used - (SELECT count(*) FROM messages WHERE mailbox_id = OLD.id),
                    mailboxes_used = mailboxes_used - (CASE WHEN OLD.selectable THEN 1 ELSE 0 END)
                WHERE user_id = OLD.user_id;
            END;

            CREATE TRIGGER quota_message_added AFTER INSERT ON messages BEGIN
                UPDATE quotas SET storage_used = storage_used + NEW.size, messages_used = messages_used + 1
                WHERE user_id = (SELECT user_id FROM mailboxes WHERE id = NEW.mailbox_id);
            END;

            CREATE TRIGGER quota_message_removed AFTER DELETE ON messages BEGIN
                UPDATE quotas SET storage_used = storage_used - OLD.size, messages_used = messages_used - 1
                WHERE user_id = (SELECT user_id FROM mailboxes WHERE id = OLD.mailbox_id);
            END;

            CREATE TRIGGER quota_message_moved AFTER UPDATE OF mailbox_id ON messages
            WHEN (SELECT user_id FROM mailboxes WHERE id = OLD.mailbox_id)
                IS NOT (SELECT user_id FROM mailboxes WHERE id = NEW.mailbox_id) BEGIN
                UPDATE quotas SET storage_used = storage_used - OLD.size, messages_used = messages_used - 1
                WHERE user_id = (SELECT user_id FROM mailboxes WHERE id = OLD.mailbox_id);
                UPDATE quotas SET storage_used = storage_used + NEW.size, messages_used = messages_used + 1
                WHERE user_id = (SELECT user_id FROM mailboxes WHERE id = NEW.mailbox_id);
            END;
            """)
    }
}
