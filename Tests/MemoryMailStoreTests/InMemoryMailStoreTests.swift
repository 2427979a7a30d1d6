import MailCore
import MailStore
@testable import MemoryMailStore
import Synchronization
import Testing

/// What is particular to the in-memory store: blob reference counting under concurrency,
/// uploads kept in memory, and failed operations that leave no trace.
@Suite("InMemoryMailStore")
struct InMemoryMailStoreTests {
    static func credentials() throws -> PasswordCredentials {
        try PasswordCredentials(password: "secret", iterations: 64)
    }

    static func message(_ index: Int) -> [UInt8] {
        Array("Subject: message \(index)\r\nMessage-ID: <m\(index)@example.org>\r\n\r\nBody \(index).\r\n".utf8)
    }

    static func stage(_ store: InMemoryMailStore, _ bytes: [UInt8]) async throws -> StagedBlob {
        let upload = try await store.beginUpload(expectedSize: UInt64(bytes.count))
        try await upload.write(bytes)
        return try await upload.finish()
    }

    @discardableResult
    static func append(_ store: InMemoryMailStore, _ bytes: [UInt8], to mailbox: MailboxID,
                       flags: [Flag] = []) async throws -> UID {
        let staged = try await stage(store, bytes)
        return try await store.append([NewMessage(blob: staged, flags: MessageFlags(flags), internalDate: nil)],
                                      to: mailbox, as: .administrator).uids[0]
    }

    static func inbox(_ store: InMemoryMailStore, _ user: User) async throws -> MailboxRecord {
        try #require(try await store.mailbox(at: MailboxPath(owner: user.id, name: "INBOX"), as: .administrator))
    }

    /// Every blob's reference count equals the number of messages and ghosts (RFC 2180
    /// §4.1.1) that name it.
    static func expectCountsMatchMessages(_ store: InMemoryMailStore) {
        store.state.withLock { state in
            var counted: [BlobID: Int] = [:]
            for mailbox in state.mailboxes.values {
                for message in mailbox.messages { counted[message.blob, default: 0] += 1 }
                for ghost in mailbox.ghosts.values { counted[ghost.message.blob, default: 0] += 1 }
            }
            #expect(Set(counted.keys) == Set(state.blobs.keys), "a blob exists exactly while referenced")
            for (blob, stored) in state.blobs {
                #expect(stored.references == counted[blob], "references of \(blob)")
            }
        }
    }

    @Test func concurrentAppendsOfIdenticalContentShareOneCountedBlob() async throws {
        let store = InMemoryMailStore()
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
        #expect(Set(all) == Set((1...(tasks * perTask)).map { UID(UInt32($0)) }))
        let shared = (0..<perTask).filter { $0 % 2 == 0 }.count
        let distinct = shared + tasks * (perTask - shared)
        #expect(store.state.withLock { $0.blobs.count } == distinct)
        Self.expectCountsMatchMessages(store)

        _ = try await store.storeFlags(in: inbox.id, uids: all, operation: .add, flags: MessageFlags([.deleted]),
                                       unchangedSince: nil, as: .administrator)
        #expect(try await store.expunge(in: inbox.id, uids: nil, as: .administrator).count == all.count)
        #expect(store.state.withLock { $0.blobs.count } == distinct, "the ghosts hold the blobs")
        Self.expectCountsMatchMessages(store)
        #expect(try await store.purgeGhosts(expungedBefore: .max) == all.count)
        #expect(store.state.withLock { $0.blobs.isEmpty }, "every blob went with its last ghost")
    }

    @Test func concurrentAppendsAndExpungesKeepCountsExact() async throws {
        let store = InMemoryMailStore()
        let user = try await store.addUser(name: "alice", credentials: Self.credentials())
        let inbox = try await Self.inbox(store, user)
        let other = try await store.create(MailboxPath(owner: user.id, name: "Other"), specialUse: nil, as: .administrator)
        let shared = Self.message(1)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for task in 0..<6 {
                group.addTask {
                    for round in 0..<20 {
                        let uid = try await Self.append(store, shared, to: inbox.id, flags: [.deleted])
                        if round % 7 == 6 { try await store.purgeGhosts(expungedBefore: .max) }
                        switch (task + round) % 3 {
                        case 0:
                            _ = try await store.expunge(in: inbox.id, uids: [uid], as: .administrator)
                        case 1:
                            _ = try await store.move(from: inbox.id, uids: [uid], to: other.id, as: .administrator)
                        default:
                            _ = try await store.copy(from: inbox.id, uids: [uid], to: other.id, as: .administrator)
                            _ = try await store.expunge(in: other.id, uids: nil, as: .administrator)
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        Self.expectCountsMatchMessages(store)
        _ = try await store.expunge(in: inbox.id, uids: nil, as: .administrator)
        _ = try await store.expunge(in: other.id, uids: nil, as: .administrator)
        Self.expectCountsMatchMessages(store)
        try await store.purgeGhosts(expungedBefore: .max)
        Self.expectCountsMatchMessages(store)
        let blob = try await Self.stage(store, shared).id
        await #expect(throws: MailStoreError.blobMissing(blob)) { _ = try await store.openBlob(blob) }
    }

    @Test func deletingMailboxesAndUsersReleasesTheirBlobs() async throws {
        let store = InMemoryMailStore()
        let alice = try await store.addUser(name: "alice", credentials: Self.credentials())
        let bob = try await store.addUser(name: "bob", credentials: Self.credentials())
        let work = try await store.create(MailboxPath(owner: alice.id, name: "Work"), specialUse: nil, as: .administrator)
        _ = try await store.create(MailboxPath(owner: alice.id, name: "Work/Sub"), specialUse: nil, as: .administrator)
        let bobInbox = try await Self.inbox(store, bob)
        try await Self.append(store, Self.message(1), to: work.id)
        try await Self.append(store, Self.message(1), to: bobInbox.id)
        try await Self.append(store, Self.message(2), to: work.id)
        try await store.delete(MailboxPath(owner: alice.id, name: "Work"), as: .administrator)
        Self.expectCountsMatchMessages(store)
        #expect(store.state.withLock { $0.blobs.count } == 1, "only bob's copy of message 1 is left")
        try await store.deleteUser(name: "bob")
        #expect(store.state.withLock { $0.blobs.isEmpty })
    }

    @Test func aFailedMultiappendChangesNothing() async throws {
        let store = InMemoryMailStore()
        let user = try await store.addUser(name: "alice", credentials: Self.credentials())
        let inbox = try await Self.inbox(store, user)
        let before = try await store.status(of: inbox.id, as: .administrator)
        let good = try await Self.stage(store, Self.message(1))
        var missing = try await Self.stage(store, Self.message(2))
        missing.stagingKey = "memory:elsewhere/1"
        await #expect(throws: MailStoreError.blobMissing(missing.id)) {
            _ = try await store.append([NewMessage(blob: good, flags: MessageFlags([.keyword("New")]), internalDate: nil),
                                        NewMessage(blob: missing, flags: MessageFlags(), internalDate: nil)],
                                       to: inbox.id, as: .administrator)
        }
        let after = try await store.status(of: inbox.id, as: .administrator)
        #expect(after == before, "UIDNEXT, HIGHESTMODSEQ and counts unchanged")
        #expect(store.state.withLock { $0.blobs.isEmpty }, "no blob installed")
        #expect(try await store.open(inbox.id, claimRecent: false, as: .administrator).keywords == [])
    }

    @Test func aRenameThatCollidesHalfwayChangesNothing() async throws {
        let store = InMemoryMailStore()
        let user = try await store.addUser(name: "alice", credentials: Self.credentials())
        // "c//b" exists without "c/": renaming "a" to "c/" takes "c/" for "a", then "a/b"
        // would become "c//b".
        for name in ["c//b", "a/b"] {
            _ = try await store.create(MailboxPath(owner: user.id, name: name), specialUse: nil, as: .administrator)
        }
        let before = try await store.list(of: user.id, as: .administrator)
        await #expect(throws: MailStoreError.mailboxExists("c//b")) {
            try await store.rename(MailboxPath(owner: user.id, name: "a"), to: "c/", as: .administrator)
        }
        #expect(try await store.list(of: user.id, as: .administrator) == before)
    }

    @Test func uploadsLiveInMemoryUntilDiscarded() async throws {
        let store = InMemoryMailStore()
        let user = try await store.addUser(name: "alice", credentials: Self.credentials())
        let inbox = try await Self.inbox(store, user)
        let upload = try await store.beginUpload(expectedSize: 3)
        try await upload.write(Array("abc".utf8))
        let staged = try await upload.finish()
        await #expect(throws: (any Error).self) { try await upload.write(Array("d".utf8)) }
        upload.discard()
        #expect(store.state.withLock { $0.uploads.isEmpty })
        await #expect(throws: MailStoreError.blobMissing(staged.id)) {
            _ = try await store.append([NewMessage(blob: staged, flags: MessageFlags(), internalDate: nil)],
                                       to: inbox.id, as: .administrator)
        }

        // A staging key of another store names nothing here.
        let elsewhere = InMemoryMailStore()
        let foreign = try await Self.stage(elsewhere, Self.message(3))
        await #expect(throws: MailStoreError.blobMissing(foreign.id)) {
            _ = try await store.append([NewMessage(blob: foreign, flags: MessageFlags(), internalDate: nil)],
                                       to: inbox.id, as: .administrator)
        }

        // An upload dropped before it finished is gone; a large one is parsed from memory.
        do {
            let file = try await store.makeStagingFile(expectedSize: 10)
            try await file.write(Array("partial".utf8))
        }
        #expect(store.state.withLock { $0.uploads.isEmpty })
        var large = Array("Subject: large\r\n\r\n".utf8)
        while large.count < 3 * MessageUpload.memoryLimit { large += Array("A line of the body.\r\n".utf8) }
        let big = try await Self.stage(store, large)
        #expect(big.size == UInt64(large.count))
        #expect(!big.structure.isEmpty)
    }

    @Test func aReaderKeepsItsBytesAfterTheBlobGoesAndRefusesReadsAfterClose() async throws {
        let store = InMemoryMailStore()
        let user = try await store.addUser(name: "alice", credentials: Self.credentials())
        let inbox = try await Self.inbox(store, user)
        let uid = try await Self.append(store, Self.message(1), to: inbox.id, flags: [.deleted])
        let blob = try #require(try await store.records(in: inbox.id, uids: [uid], as: .administrator).first?.blob)
        let reader = try await store.openBlob(blob)
        _ = try await store.expunge(in: inbox.id, uids: nil, as: .administrator)
        try await store.purgeGhosts(expungedBefore: .max)
        await #expect(throws: MailStoreError.blobMissing(blob)) { _ = try await store.openBlob(blob) }
        #expect(try await reader.read(offset: 0, count: 1 << 20) == Self.message(1))
        reader.close()
        await #expect(throws: (any Error).self) { _ = try await reader.read(offset: 0, count: 1) }
    }

    @Test func renameAndDeleteUserAnnounceEveryMailboxTheyTouch() async throws {
        let store = InMemoryMailStore()
        let user = try await store.addUser(name: "alice", credentials: Self.credentials())
        let a = try await store.create(MailboxPath(owner: user.id, name: "a"), specialUse: nil, as: .administrator)
        let ab = try await store.create(MailboxPath(owner: user.id, name: "a/b"), specialUse: nil, as: .administrator)
        let inbox = try await Self.inbox(store, user)
        let posted = Posted()
        let tokens = [inbox.id, a.id, ab.id].map { id in store.notifications.observe(id) { posted.add($0) } }
        defer { tokens.forEach(store.notifications.cancel) }
        try await store.rename(MailboxPath(owner: user.id, name: "a"), to: "z", as: .administrator)
        #expect(posted.take() == [a.id, ab.id])
        try await store.deleteUser(name: "alice")
        #expect(Set(posted.take()) == [inbox.id, a.id, ab.id])
    }

    @Test func internalDatesReadBackAsTheInstantTheyDenote() async throws {
        let store = InMemoryMailStore()
        let user = try await store.addUser(name: "alice", credentials: Self.credentials())
        let inbox = try await Self.inbox(store, user)
        let odd = ZonedDateTime(date: CalendarDate(year: 2023, month: 2, day: 30), hour: 25, minute: 0, second: 0,
                                zoneMinutes: 60)
        let staged = try await Self.stage(store, Self.message(1))
        let uid = try await store.append([NewMessage(blob: staged, flags: MessageFlags(), internalDate: odd)],
                                         to: inbox.id, as: .administrator).uids[0]
        let record = try #require(try await store.records(in: inbox.id, uids: [uid], as: .administrator).first)
        #expect(record.internalDate == ZonedDateTime(date: CalendarDate(year: 2023, month: 3, day: 3), hour: 1,
                                                     minute: 0, second: 0, zoneMinutes: 60))
        #expect(record.internalDate.secondsSince1970 == odd.secondsSince1970)
    }
}

/// Collects announced mailboxes.
final class Posted: Sendable {
    private let list = Mutex<[MailboxID]>([])
    func add(_ id: MailboxID) { list.withLock { $0.append(id) } }
    func take() -> [MailboxID] {
        list.withLock { list in
            defer { list = [] }
            return list
        }
    }
}
