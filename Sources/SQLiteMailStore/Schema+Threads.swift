import GRDB

extension Schema {
    /// THREADIDs (RFC 8474 §5.2), per user: `thread_message_ids` maps each Message-ID seen in a
    /// user's messages (their own and their references) to the thread it joined, and
    /// `blob_threads` each of the user's blobs to its thread (one EMAILID, one THREADID).
    /// Both go with the user. Blobs are named by their content, so a row outlives nothing it
    /// could be confused with; existing messages get theirs the first time THREADID is asked.
    static func createThreads(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE thread_message_ids (
                user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                message_id TEXT NOT NULL,
                thread INTEGER NOT NULL,
                PRIMARY KEY (user_id, message_id)
            ) WITHOUT ROWID;

            CREATE TABLE blob_threads (
                user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                blob TEXT NOT NULL,
                thread INTEGER NOT NULL,
                PRIMARY KEY (user_id, blob)
            ) WITHOUT ROWID;
            -- The user's highest thread number, read by every APPEND: without this index
            -- `max(thread)` reads all the user's rows, and storing mail grows quadratic.
            CREATE INDEX blob_threads_by_thread ON blob_threads (user_id, thread);
            """)
    }
}
