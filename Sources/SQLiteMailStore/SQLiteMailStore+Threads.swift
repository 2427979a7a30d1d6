import GRDB
public import MailCore
public import MailStore

extension SQLiteMailStore {
    /// Threads already given are read without the write lock (a FETCH THREADID of a whole
    /// mailbox must not hold up deliveries); the rest are given in one write transaction
    /// (`ThreadAssigner`), so that sessions assigning at once serialize and see each other's
    /// threads.
    public func assignThreads(_ messages: [ThreadLinks], owner: UserID) async throws -> [BlobID: Int64] {
        guard !messages.isEmpty else { return [:] }
        let blobs = messages.map(\.blob)
        let known = try await pool.read { db in try ThreadRows.known(db, blobs, owner: owner.rawValue) }
        if blobs.allSatisfy({ known[$0] != nil }) { return known }
        return try await write { db in try ThreadRows.assign(db, messages, owner: owner.rawValue) }
    }
}

/// The thread tables (`Schema.createThreads`).
enum ThreadRows {
    /// The threads these blobs of the user have already.
    static func known(_ db: Database, _ blobs: [BlobID], owner user: Int64) throws -> [BlobID: Int64] {
        let lookup = try db.cachedStatement(sql: "SELECT thread FROM blob_threads WHERE user_id = ? AND blob = ?")
        var known: [BlobID: Int64] = [:]
        for blob in blobs where known[blob] == nil {
            if let thread = try Int64.fetchOne(lookup, arguments: [user, blob.rawValue]) { known[blob] = thread }
        }
        return known
    }

    /// Runs `ThreadAssigner` on the tables, inside the caller's transaction: APPEND calls it
    /// with the messages it stores, so that new mail is threaded as it arrives.
    @discardableResult
    static func assign(_ db: Database, _ messages: [ThreadLinks], owner user: Int64) throws -> [BlobID: Int64] {
        guard !messages.isEmpty else { return [:] }
        let blobThread = try db.cachedStatement(sql: "SELECT thread FROM blob_threads WHERE user_id = ? AND blob = ?")
        let idThread = try db.cachedStatement(sql: "SELECT thread FROM thread_message_ids WHERE user_id = ? AND message_id = ?")
        let saveBlob = try db.cachedStatement(sql: "INSERT INTO blob_threads (user_id, blob, thread) VALUES (?, ?, ?)")
        let saveID = try db.cachedStatement(sql: "INSERT OR IGNORE INTO thread_message_ids (user_id, message_id, thread) VALUES (?, ?, ?)")
        let highest = try db.cachedStatement(sql: "SELECT max(thread) FROM blob_threads WHERE user_id = ?")
        var last = try Int64.fetchOne(highest, arguments: [user]) ?? 0
        return try ThreadAssigner.assign(
            messages,
            threadOfBlob: { blob in try Int64.fetchOne(blobThread, arguments: [user, blob.rawValue]) },
            threadOfID: { id in try Int64.fetchOne(idThread, arguments: [user, id]) },
            next: {
                last += 1
                return last
            },
            record: { blob, ids, thread in
                try saveBlob.execute(arguments: [user, blob.rawValue, thread])
                for id in ids { try saveID.execute(arguments: [user, id, thread]) }
            })
    }
}
