import Foundation
import GRDB
import MailCore
import MailStore
import SQLiteMailStore
import Testing

/// Behaviour particular to the SQLite backend: what survives a restart, what the directory
/// holds, and how crash leftovers go.
@Suite("SQLiteMailStore")
struct SQLiteMailStoreTests {
    static func credentials() throws -> PasswordCredentials {
        try PasswordCredentials(password: "secret", iterations: 64)
    }

    static func message(_ index: Int) -> [UInt8] {
        Array("Subject: message \(index)\r\nFrom: a@example.org\r\n\r\nBody \(index)\r\n".utf8)
    }

    static func stage(_ store: SQLiteMailStore, _ bytes: [UInt8]) async throws -> StagedBlob {
        let upload = try await store.beginUpload(expectedSize: UInt64(bytes.count))
        try await upload.write(bytes)
        return try await upload.finish()
    }

    @discardableResult
    static func append(_ store: SQLiteMailStore, _ bytes: [UInt8], to mailbox: MailboxID,
                       flags: [Flag] = []) async throws -> UID {
        let staged = try await stage(store, bytes)
        let message = NewMessage(blob: staged, flags: MessageFlags(flags), internalDate: nil)
        return try await store.append([message], to: mailbox, as: .administrator).uids[0]
    }

    static func inbox(_ store: SQLiteMailStore, _ user: User) async throws -> MailboxRecord {
        try #require(try await store.mailbox(at: MailboxPath(owner: user.id, name: "INBOX"), as: .administrator))
    }

    static func blobPath(_ directory: String, _ blob: BlobID) -> String {
        "\(directory)/blobs/\(blob.rawValue.prefix(2))/\(blob.rawValue)"
    }

    static func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: path) }

    @Test func createsTheDirectoryLayout() async throws {
        try await withTemporaryDirectory { directory in
            let nested = directory + "/a/b"
            let store = try SQLiteMailStore(directory: nested)
            defer { store.close() }
            let user = try await store.addUser(name: "alice", credentials: Self.credentials())
            let uid = try await Self.append(store, Self.message(1), to: try await Self.inbox(store, user).id)
            let record = try #require(try await store.records(in: try await Self.inbox(store, user).id, uids: [uid], as: .administrator).first)
            #expect(Self.exists(nested + "/tern.sqlite"))
            #expect(Self.exists(nested + "/tern.sqlite-wal"), "the database runs in WAL mode")
            #expect(Self.exists(nested + "/tmp"))
            #expect(Self.exists(Self.blobPath(nested, record.blob)))
            let bytes = try Data(contentsOf: URL(fileURLWithPath: Self.blobPath(nested, record.blob)))
            #expect(Array(bytes) == Self.message(1))
        }
    }

    @Test func reopeningKeepsDataUIDValidityAndUIDNext() async throws {
        try await withTemporaryDirectory { directory in
            var store = try SQLiteMailStore(directory: directory)
            let user = try await store.addUser(name: "alice", credentials: Self.credentials())
            let inbox = try await Self.inbox(store, user)
            for index in 1...3 { try await Self.append(store, Self.message(index), to: inbox.id, flags: [.deleted]) }
            #expect(try await store.expunge(in: inbox.id, uids: [UID(3)], as: .administrator) == [UID(3)])
            let before = try await store.status(of: inbox.id, as: .administrator)
            let work = try await store.create(MailboxPath(owner: user.id, name: "Work"), specialUse: .archive, as: .administrator)
            try await store.delete(MailboxPath(owner: user.id, name: "Work"), as: .administrator)
            store.close()

            store = try SQLiteMailStore(directory: directory)
            defer { store.close() }
            #expect(try await store.users().map(\.name) == ["alice"])
            let reopened = try await Self.inbox(store, user)
            #expect(reopened == inbox)
            let after = try await store.status(of: inbox.id, as: .administrator)
            #expect(after == before)
            let next = try await Self.append(store, Self.message(4), to: inbox.id)
            #expect(next == UID(4), "UID 3 was expunged before the restart and is not reused")
            let again = try await store.create(MailboxPath(owner: user.id, name: "Work"), specialUse: nil, as: .administrator)
            #expect(again.uidValidity != work.uidValidity)
            #expect(again.uidValidity.rawValue > work.uidValidity.rawValue)
            let credentials = try #require(try await store.credentials(forUser: "alice"))
            #expect(credentials.1.verify(password: "secret"))
        }
    }

    @Test func reopeningReclaimsCrashLeftovers() async throws {
        try await withTemporaryDirectory { directory in
            let (keptBlob, stagedPath) = try await Self.runAndCrash(in: directory)
            #expect(Self.exists(stagedPath))
            let stray = directory + "/tmp/stray-upload"
            #expect(FileManager.default.createFile(atPath: stray, contents: Data("partial".utf8)))
            let orphan = BlobID(rawValue: String(repeating: "ab", count: 32))
            try FileManager.default.createDirectory(atPath: directory + "/blobs/ab", withIntermediateDirectories: true)
            #expect(FileManager.default.createFile(atPath: Self.blobPath(directory, orphan), contents: Data("orphan".utf8)))
            let misnamed = directory + "/blobs/ab/not-a-blob"
            #expect(FileManager.default.createFile(atPath: misnamed, contents: Data()))
            // Upload directories without a lock file: one left by an instance killed before it
            // locked it (old), one of an instance starting right now (fresh).
            let killedBeforeLocking = directory + "/tmp/killed-before-locking"
            let startingNow = directory + "/tmp/starting-now"
            for path in [killedBeforeLocking, startingNow] {
                try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
            }
            try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -3600)],
                                                  ofItemAtPath: killedBeforeLocking)

            let store = try SQLiteMailStore(directory: directory)
            defer { store.close() }
            #expect(!Self.exists(stagedPath), "an upload staged but never appended is reclaimed")
            #expect(!Self.exists((stagedPath as NSString).deletingLastPathComponent), "with its directory")
            #expect(!Self.exists(stray))
            #expect(!Self.exists(Self.blobPath(directory, orphan)), "an unreferenced blob is reclaimed")
            #expect(!Self.exists(misnamed))
            #expect(!Self.exists(killedBeforeLocking), "an old upload directory without a lock is reclaimed")
            #expect(Self.exists(startingNow), "a fresh one may belong to an instance starting now")
            let kept = try #require(keptBlob)
            #expect(Self.exists(Self.blobPath(directory, kept)), "a referenced blob stays")
            let reader = try await store.openBlob(kept)
            #expect(try await reader.read(offset: 0, count: 1000) == Self.message(1))
            reader.close()
        }
    }

    /// A kill after a purge of ghosts (or a deletion) committed and before its blob was
    /// forgotten leaves the blob file and its parsed structure without a message or ghost;
    /// reopening removes both.
    @Test func reopeningReclaimsTheStructureOfAnUnreferencedBlob() async throws {
        try await withTemporaryDirectory { directory in
            let store = try SQLiteMailStore(directory: directory)
            let user = try await store.addUser(name: "alice", credentials: Self.credentials())
            let inbox = try await Self.inbox(store, user)
            let uid = try await Self.append(store, Self.message(1), to: inbox.id)
            let blob = try #require(try await store.records(in: inbox.id, uids: [uid], as: .administrator).first?.blob)
            store.close()
            // What the expunge's own transaction commits, without the blob removal after it.
            let database = try DatabaseQueue(path: directory + "/tern.sqlite")
            try await database.write { db in
                try db.execute(sql: "DELETE FROM messages WHERE blob = ?", arguments: [blob.rawValue])
            }
            #expect(try await Self.structureCount(database, blob) == 1)
            try database.close()

            let reopened = try SQLiteMailStore(directory: directory)
            reopened.close()
            #expect(!Self.exists(Self.blobPath(directory, blob)), "the unreferenced file is reclaimed")
            let check = try DatabaseQueue(path: directory + "/tern.sqlite")
            #expect(try await Self.structureCount(check, blob) == 0, "and so is its structure")
            try check.close()
        }
    }

    /// Crash-safety of ghosts (RFC 2180 §4.1.1): a blob that only the ghost of an expunged
    /// message references is not an orphan; reopening keeps the file and its structure, and
    /// the ghost stays readable until it is purged.
    @Test func reopeningKeepsBlobsThatOnlyGhostsReference() async throws {
        try await withTemporaryDirectory { directory in
            let store = try SQLiteMailStore(directory: directory)
            let user = try await store.addUser(name: "alice", credentials: Self.credentials())
            let inbox = try await Self.inbox(store, user)
            let uid = try await Self.append(store, Self.message(1), to: inbox.id, flags: [.deleted])
            let blob = try #require(try await store.records(in: inbox.id, uids: [uid], as: .administrator).first?.blob)
            #expect(try await store.expunge(in: inbox.id, uids: nil, as: .administrator) == [uid])
            store.close()

            let reopened = try SQLiteMailStore(directory: directory)
            defer { reopened.close() }
            try reopened.reclaimOrphans()
            #expect(Self.exists(Self.blobPath(directory, blob)), "the ghost's blob is kept")
            let ghost = try await reopened.ghosts(in: inbox.id, uids: [uid], withStructure: true, as: .administrator)
            #expect(ghost.map(\.uid) == [uid])
            #expect(ghost.first?.structure != nil, "with its structure")
            let reader = try await reopened.openBlob(blob)
            #expect(try await reader.read(offset: 0, count: 1000) == Self.message(1))
            reader.close()
            #expect(try await reopened.purgeGhosts(expungedBefore: .max) == 1)
            #expect(!Self.exists(Self.blobPath(directory, blob)), "the purge removes it")
        }
    }

    static func structureCount(_ database: DatabaseQueue, _ blob: BlobID) async throws -> Int {
        try await database.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM structures WHERE blob = ?",
                             arguments: [blob.rawValue]) ?? -1
        }
    }

    /// Stores one message and stages another, then drops the store without `close()`, as a
    /// crash would: its upload directory stays behind. Returns the stored blob and the upload.
    static func runAndCrash(in directory: String) async throws -> (BlobID?, String) {
        let store = try SQLiteMailStore(directory: directory)
        let user = try await store.addUser(name: "alice", credentials: Self.credentials())
        let inbox = try await Self.inbox(store, user)
        let uid = try await Self.append(store, Self.message(1), to: inbox.id)
        let blob = try await store.records(in: inbox.id, uids: [uid], as: .administrator).first?.blob
        return (blob, try await Self.stage(store, Self.message(2)).stagingKey)
    }

    @Test func anotherInstanceLeavesLiveUploadsAlone() async throws {
        try await withTemporaryDirectory { directory in
            let server = try SQLiteMailStore(directory: directory)
            defer { server.close() }
            let user = try await server.addUser(name: "alice", credentials: Self.credentials())
            let staged = try await Self.stage(server, Self.message(1))
            // The admin command opens the same directory while the server runs.
            let admin = try SQLiteMailStore(directory: directory)
            _ = try await admin.addUser(name: "bob", credentials: Self.credentials())
            admin.close()
            #expect(Self.exists(staged.stagingKey), "the running instance's upload is untouched")
            let inbox = try await Self.inbox(server, user)
            let result = try await server.append([NewMessage(blob: staged, flags: MessageFlags(), internalDate: nil)], to: inbox.id, as: .administrator)
            #expect(result.uids == [UID(1)])
            #expect(try await server.users().map(\.name) == ["alice", "bob"])
        }
    }

    @Test func closeRemovesUnfinishedUploads() async throws {
        try await withTemporaryDirectory { directory in
            let store = try SQLiteMailStore(directory: directory)
            let staged = try await Self.stage(store, Self.message(1))
            let upload = try await store.beginUpload(expectedSize: 5)
            try await upload.write(Array("12345".utf8))
            store.close()
            #expect(!Self.exists(staged.stagingKey))
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory + "/tmp").isEmpty)
        }
    }

    @Test func aSharedBlobGoesOnlyWithItsLastMessage() async throws {
        try await withTemporaryDirectory { directory in
            let store = try SQLiteMailStore(directory: directory)
            defer { store.close() }
            let user = try await store.addUser(name: "alice", credentials: Self.credentials())
            let inbox = try await Self.inbox(store, user)
            let other = try await store.create(MailboxPath(owner: user.id, name: "Other"), specialUse: nil, as: .administrator)
            let first = try await Self.append(store, Self.message(1), to: inbox.id, flags: [.deleted])
            let second = try await Self.append(store, Self.message(1), to: inbox.id, flags: [.deleted])
            _ = try await store.copy(from: inbox.id, uids: [first], to: other.id, as: .administrator)
            let blob = try #require(try await store.records(in: inbox.id, uids: [first], as: .administrator).first?.blob)
            let path = Self.blobPath(directory, blob)
            #expect(try await store.records(in: inbox.id, uids: [second], as: .administrator).first?.blob == blob)
            _ = try await store.expunge(in: inbox.id, uids: [first], as: .administrator)
            #expect(Self.exists(path), "still referenced by the second message and the copy")
            _ = try await store.expunge(in: inbox.id, uids: nil, as: .administrator)
            #expect(Self.exists(path), "still referenced by the copy")
            try await store.delete(MailboxPath(owner: user.id, name: "Other"), as: .administrator)
            #expect(Self.exists(path), "still referenced by the ghosts of the expunged messages")
            #expect(try await store.purgeGhosts(expungedBefore: .max) == 2)
            #expect(!Self.exists(path), "removed with the last reference")

            try await Self.append(store, Self.message(2), to: inbox.id)
            let blob2 = try #require(try await store.records(in: inbox.id, uids: [UID(3)], as: .administrator).first?.blob)
            try await store.deleteUser(name: "alice")
            #expect(!Self.exists(Self.blobPath(directory, blob2)), "deleteUser removes the user's blobs")
        }
    }

    @Test func concurrentAppendsGetDistinctAscendingUIDs() async throws {
        try await withTemporaryStore { store in
            let user = try await store.addUser(name: "alice", credentials: Self.credentials())
            let inbox = try await Self.inbox(store, user)
            let tasks = 8, perTask = 25
            let results = try await withThrowingTaskGroup(of: [UID].self) { group in
                for task in 0..<tasks {
                    group.addTask {
                        var uids: [UID] = []
                        for index in 0..<perTask {
                            // Half the messages are identical across tasks: they race for one blob.
                            let bytes = index % 2 == 0 ? Self.message(index) : Self.message(1000 + task * perTask + index)
                            uids.append(try await Self.append(store, bytes, to: inbox.id))
                        }
                        return uids
                    }
                }
                var all: [[UID]] = []
                for try await uids in group { all.append(uids) }
                return all
            }
            for uids in results { #expect(uids == uids.sorted(), "each task sees ascending UIDs") }
            let all = results.flatMap { $0 }
            #expect(Set(all).count == tasks * perTask)
            #expect(Set(all) == Set((1...(tasks * perTask)).map { UID(UInt32($0)) }))
            let records = try await store.records(in: inbox.id, uids: all, as: .administrator)
            #expect(records.count == tasks * perTask)
            for record in records {
                let reader = try await store.openBlob(record.blob)
                #expect(reader.size == record.size)
                reader.close()
            }
        }
    }

    @Test func rejectsBlobNamesAndStagingPathsOutsideTheStore() async throws {
        try await withTemporaryDirectory { directory in
            let store = try SQLiteMailStore(directory: directory)
            defer { store.close() }
            for name in ["../../tern.sqlite", "", String(repeating: "A", count: 64), String(repeating: "0", count: 63)] {
                await #expect(throws: MailStoreError.blobMissing(BlobID(rawValue: name))) {
                    _ = try await store.openBlob(BlobID(rawValue: name))
                }
            }
            let user = try await store.addUser(name: "alice", credentials: Self.credentials())
            let inbox = try await Self.inbox(store, user)
            let outside = directory + "/outside.eml"
            #expect(FileManager.default.createFile(atPath: outside, contents: Data(Self.message(1))))
            let staged = try await Self.stage(store, Self.message(1))
            var forged = staged
            forged.stagingKey = outside
            await #expect(throws: MailStoreError.blobMissing(staged.id)) {
                _ = try await store.append([NewMessage(blob: forged, flags: MessageFlags(), internalDate: nil)], to: inbox.id, as: .administrator)
            }
            #expect(Self.exists(outside), "a file outside the upload directory is never moved")
            #expect(try await store.status(of: inbox.id, as: .administrator).messages == 0)
        }
    }

    @Test func uploadsRefuseWritesAfterFinish() async throws {
        try await withTemporaryStore { store in
            let upload = try await store.beginUpload(expectedSize: 3)
            try await upload.write(Array("abc".utf8))
            _ = try await upload.finish()
            await #expect(throws: (any Error).self) { try await upload.write(Array("d".utf8)) }
            await #expect(throws: (any Error).self) { _ = try await upload.finish() }
            upload.discard()
        }
    }
}
