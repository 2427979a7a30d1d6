import Foundation
import GRDB
public import MailCore
public import MailStore
import Synchronization

/// The embedded default backend: metadata in one SQLite database (WAL, `synchronous = FULL`),
/// message bytes as content-addressed files beside it.
///
/// Layout of `directory`:
/// - `tern.sqlite` (with its `-wal` and `-shm` files): accounts, mailboxes, messages, tombstones,
///   ghosts of expunged messages.
/// - `blobs/<2 hex>/<sha256 hex>`: message blobs, shared by every message with the same bytes.
/// - `tmp/<instance>/`: uploads in progress (see `BlobDirectory`).
///
/// Files are created 0600 and directories 0700 (`PrivateFiles`): the database holds the SCRAM
/// keys of every account.
///
/// Every write runs in one `BEGIN IMMEDIATE` transaction and is committed, so durable, before
/// the method returns. Blob files are installed inside the appending transaction and removed
/// in a transaction of their own after the removing one committed, so that both happen under
/// SQLite's write lock: an append of identical content, even from another process, never
/// loses its blob. A crash between the two leaves only unreferenced files, which
/// `reclaimOrphans()` removes. A blob goes once neither a message nor a ghost references it:
/// an expunge leaves a ghost (RFC 2180 §4.1.1), so blobs go at `purgeGhosts`, or with their
/// mailbox or account.
///
/// STORE gives all messages it changes one shared new MODSEQ (RFC 7162 §3.1.3 asks only that
/// each STORE command gets its own value); an expunge gives its tombstones one new MODSEQ; an
/// APPEND, COPY or MOVE gives the new messages one new MODSEQ of the destination.
public final class SQLiteMailStore: MailStoreBackend {
    public let notifications: ChangeNotifier
    /// The directory the store lives in.
    public let directory: String

    let pool: DatabasePool
    let files: BlobDirectory
    /// Where file work runs, off the threads that serve connections.
    let io: FileIO
    /// Blobs up to this size are read whole when opened (one trip to the file threads).
    let wholeReadLimit: UInt64
    /// The lock on this instance's upload directory; -1 once closed.
    private let lockDescriptor: Mutex<Int32>

    /// Opens (creating if needed) the store in `directory`, migrates its schema and removes
    /// crash leftovers (`reclaimOrphans()`).
    public init(directory: String, notifications: ChangeNotifier = ChangeNotifier(),
                fileThreads: Int = 4, wholeReadLimit: UInt64 = 256 * 1024) throws {
        self.directory = directory
        self.notifications = notifications
        self.wholeReadLimit = wholeReadLimit
        io = FileIO(threads: fileThreads)
        try PrivateFiles.makeDirectory(directory)
        try Self.prepareDatabaseFiles(directory + "/tern.sqlite")
        files = BlobDirectory(root: directory, instance: UUID().uuidString.lowercased())
        lockDescriptor = Mutex(try files.prepare())

        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        // Another process (the `tern user add` command) may write while a server runs.
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            // Each commit reaches the disk before the caller hears OK (RFC 3501 §6).
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        do {
            pool = try DatabasePool(path: directory + "/tern.sqlite", configuration: configuration)
            try Schema.migrator.migrate(pool)
            try reclaimOrphans()
        } catch {
            io.shutDown()
            files.removeStaging()
            lockDescriptor.withLock { fd in
                POSIXFile.close(fd)
                fd = -1
            }
            throw error
        }
    }

    /// Creates the database file 0600 before SQLite opens it: SQLite creates a new database
    /// 0644, and gives its `-wal` and `-shm` files the database's mode. Files an older version
    /// left readable by others are made 0600.
    private static func prepareDatabaseFiles(_ path: String) throws {
        try PrivateFiles.prepareFile(path)
        try PrivateFiles.restrictIfPresent(path + "-wal")
        try PrivateFiles.restrictIfPresent(path + "-shm")
    }

    deinit {
        lockDescriptor.withLock { fd in
            guard fd >= 0 else { return }
            POSIXFile.close(fd)
            io.shutDown()
        }
    }

    /// Closes the database and removes this instance's unfinished uploads. The store cannot be
    /// used afterwards.
    public func close() {
        try? pool.close()
        lockDescriptor.withLock { fd in
            guard fd >= 0 else { return }
            files.removeStaging()
            POSIXFile.close(fd)
            fd = -1
            io.shutDown()
        }
    }

    /// Removes crash leftovers: uploads of instances that are no longer running, blob files
    /// that no message or ghost references, and the parsed structures of blobs no message or
    /// ghost references. A blob only a ghost holds stays (RFC 2180 §4.1.1): `purgeGhosts`
    /// decides when it goes.
    /// Each blob subdirectory is checked in its own write transaction, so a running server
    /// sharing the directory waits only briefly.
    ///
    /// A structure outlives its messages when the process dies after the transaction that
    /// removed a blob's last message committed and before the one that forgets the blob
    /// (`removeUnreferenced`): the file is then found here as unreferenced, and so must the row.
    public func reclaimOrphans() throws {
        try files.removeAbandonedUploads()
        try pool.writeWithoutTransaction { db in
            try db.inTransaction(.immediate) {
                try db.execute(sql: """
                    DELETE FROM structures
                    WHERE NOT EXISTS (SELECT 1 FROM messages WHERE messages.blob = structures.blob)
                      AND NOT EXISTS (SELECT 1 FROM ghosts WHERE ghosts.blob = structures.blob);
                    DELETE FROM sort_keys
                    WHERE NOT EXISTS (SELECT 1 FROM messages WHERE messages.blob = sort_keys.blob)
                      AND NOT EXISTS (SELECT 1 FROM ghosts WHERE ghosts.blob = sort_keys.blob);
                    DELETE FROM previews
                    WHERE NOT EXISTS (SELECT 1 FROM messages WHERE messages.blob = previews.blob)
                      AND NOT EXISTS (SELECT 1 FROM ghosts WHERE ghosts.blob = previews.blob);
                    """)
                return .commit
            }
        }
        for name in POSIXFile.entries(of: files.blobs) {
            let subdirectory = files.blobs + "/" + name
            guard POSIXFile.isDirectory(subdirectory) else {
                try POSIXFile.unlink(subdirectory)
                continue
            }
            try pool.writeWithoutTransaction { db in
                try db.inTransaction(.immediate) {
                    for entry in POSIXFile.entries(of: subdirectory) {
                        let blob = BlobID(rawValue: entry)
                        let misplaced = !BlobDirectory.isBlobName(entry) || !entry.hasPrefix(name)
                        if try misplaced || !Self.isReferenced(blob, db) {
                            try POSIXFile.unlink(subdirectory + "/" + entry)
                        }
                    }
                    return .commit
                }
            }
            POSIXFile.removeDirectory(subdirectory)
        }
    }

    // MARK: Transactions

    /// Runs `body` in one immediate write transaction and commits it.
    func write<T: Sendable>(_ body: @Sendable (Database) throws -> T) async throws -> T {
        try await pool.writeWithoutTransaction { db in
            var result: T?
            try db.inTransaction(.immediate) {
                result = try body(db)
                return .commit
            }
            guard let result else { throw DatabaseError(resultCode: .SQLITE_INTERNAL) }
            return result
        }
    }

    /// Like `write`, where `body` also names blobs that lost references; after the commit,
    /// those no message or ghost references any more are removed, still inside the
    /// serialized writer.
    func write<T: Sendable>(releasingBlobs body: @Sendable (Database) throws -> (T, Set<BlobID>))
        async throws -> T
    {
        try await pool.writeWithoutTransaction { db in
            var outcome: (T, Set<BlobID>)?
            try db.inTransaction(.immediate) {
                outcome = try body(db)
                return .commit
            }
            guard let outcome else { throw DatabaseError(resultCode: .SQLITE_INTERNAL) }
            if !outcome.1.isEmpty {
                // The change is committed; a failure here leaves orphans for reclaimOrphans.
                try? removeUnreferenced(outcome.1, db)
            }
            return outcome.0
        }
    }

    private func removeUnreferenced(_ blobs: Set<BlobID>, _ db: Database) throws {
        try db.inTransaction(.immediate) {
            let forget = try db.cachedStatement(sql: "DELETE FROM structures WHERE blob = ?")
            let forgetKeys = try db.cachedStatement(sql: "DELETE FROM sort_keys WHERE blob = ?")
            let forgetPreview = try db.cachedStatement(sql: "DELETE FROM previews WHERE blob = ?")
            for blob in blobs where try !Self.isReferenced(blob, db) {
                try forget.execute(arguments: [blob.rawValue])
                try forgetKeys.execute(arguments: [blob.rawValue])
                try forgetPreview.execute(arguments: [blob.rawValue])
                try files.remove(blob)
            }
            return .commit
        }
    }

    /// Whether a message or a ghost (RFC 2180 §4.1.1) references the blob.
    static func isReferenced(_ blob: BlobID, _ db: Database) throws -> Bool {
        let statement = try db.cachedStatement(sql: """
            SELECT EXISTS (SELECT 1 FROM messages WHERE blob = ?) OR EXISTS (SELECT 1 FROM ghosts WHERE blob = ?)
            """)
        return try Bool.fetchOne(statement, arguments: [blob.rawValue, blob.rawValue]) ?? false
    }

    /// Seconds since 1970, now.
    static func now() -> Int64 { Int64(Date().timeIntervalSince1970.rounded(.down)) }

    /// Tells observers of each mailbox that it changed (after the commit).
    func post(_ mailboxes: MailboxID...) {
        var seen = Set<MailboxID>()
        for mailbox in mailboxes where seen.insert(mailbox).inserted { notifications.post(mailbox) }
    }

    // MARK: Blobs

    public func makeStagingFile(expectedSize: UInt64) async throws -> any StagingFile {
        FileStagingFile(path: files.newStagingPath(), io: io)
    }

    public func openBlob(_ blob: BlobID) async throws -> any BlobReader {
        guard let path = files.path(of: blob),
              let reader = try await FileBlobReader.open(path: path, io: io, wholeUpTo: wholeReadLimit)
        else { throw MailStoreError.blobMissing(blob) }
        return reader
    }

    public func readPrefixes(_ requests: [(blob: BlobID, count: Int)]) async throws -> [[UInt8]?] {
        let files = requests.map { (path: self.files.path(of: $0.blob), count: $0.count) }
        return try await io.run { try files.map { file in try file.path.flatMap { try FileBlobReader.readPrefix(of: $0, count: file.count) } } }
    }
}
