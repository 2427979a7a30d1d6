import Foundation
@testable import IMAPServer
import IMAPSyntax
import MailCore
import MailMessage
import MailStore
import SQLiteMailStore
import Synchronization
import Testing

/// A decorator of the message and blob concerns that counts what a search asks of them; the
/// other concerns of the storage are used as they are.
final class CountingStore: MessageStore, BlobStore {
    struct Counts {
        var metadataCalls = 0
        var structureCalls = 0
        var structuresRead = 0
        var blobsOpened = 0
        var bytesRead = 0
        /// The largest number of bytes read from one blob.
        var largestRead = 0
    }

    final class Counter: Sendable {
        let state = Mutex(Counts())
        func withLock<T>(_ body: (inout Counts) -> T) -> T { state.withLock { body(&$0) } }
    }

    let base: MailStorage
    let counts = Counter()

    init(_ base: MailStorage) { self.base = base }

    /// The storage with this decorator in front of its messages and blobs.
    var storage: MailStorage {
        var storage = base
        storage.messages = self
        storage.blobs = self
        return storage
    }

    var snapshot: Counts { counts.withLock { $0 } }
    func reset() { counts.withLock { $0 = Counts() } }

    func records(in mailbox: MailboxID, uids: [UID], withStructure: Bool,
                 as principal: Principal) async throws -> [MessageRecord] {
        let records = try await base.messages.records(in: mailbox, uids: uids, withStructure: withStructure,
                                                      as: principal)
        counts.withLock {
            if withStructure {
                $0.structureCalls += 1
                $0.structuresRead += records.count
            } else {
                $0.metadataCalls += 1
            }
        }
        return records
    }

    /// Blobs whose opening fails as if their file were gone; with a mailbox and UID, that
    /// message is expunged and its ghost purged first (another session's EXPUNGE racing the
    /// search, long enough ago for the ghost to be gone).
    let vanishing = Mutex<[BlobID: (MailboxID, UID)?]>([:])

    func openBlob(_ blob: BlobID) async throws -> any BlobReader {
        counts.withLock { $0.blobsOpened += 1 }
        if let entry = vanishing.withLock({ $0[blob] }) {
            if let (mailbox, uid) = entry {
                _ = try await base.messages.storeFlags(in: mailbox, uids: [uid], operation: .add,
                                                       flags: MessageFlags(system: .deleted), unchangedSince: nil,
                                                       as: .administrator)
                _ = try await base.messages.expunge(in: mailbox, uids: [uid], as: .administrator)
                try await base.housekeeping.purgeGhosts(expungedBefore: .max)
            }
            throw MailStoreError.blobMissing(blob)
        }
        return CountingReader(base: try await base.blobs.openBlob(blob), counts: counts)
    }

    struct CountingReader: BlobReader {
        let base: any BlobReader
        let counts: Counter
        var size: UInt64 { base.size }
        func read(offset: UInt64, count: Int) async throws -> [UInt8] {
            let bytes = try await base.read(offset: offset, count: count)
            counts.withLock {
                $0.bytesRead += bytes.count
                $0.largestRead = max($0.largestRead, bytes.count)
            }
            return bytes
        }
        func withContents<T: Sendable>(_ body: @escaping @Sendable (UnsafeRawBufferPointer) throws -> T) async throws -> T {
            let size = base.size
            counts.withLock {
                $0.bytesRead += Int(size)
                $0.largestRead = max($0.largestRead, Int(size))
            }
            return try await base.withContents(body)
        }
        func close() { base.close() }
    }

    // The rest of the two concerns is forwarded unchanged.
    func makeStagingFile(expectedSize: UInt64) async throws -> any StagingFile {
        try await base.blobs.makeStagingFile(expectedSize: expectedSize)
    }
    func open(_ mailbox: MailboxID, claimRecent: Bool, as principal: Principal) async throws -> MailboxSnapshot {
        try await base.messages.open(mailbox, claimRecent: claimRecent, as: principal)
    }
    func claimRecent(in mailbox: MailboxID, through last: UID, as principal: Principal) async throws -> [UID] {
        try await base.messages.claimRecent(in: mailbox, through: last, as: principal)
    }
    func changes(in mailbox: MailboxID, since modSeq: ModSeq, as principal: Principal) async throws -> MailboxChanges {
        try await base.messages.changes(in: mailbox, since: modSeq, as: principal)
    }
    func ghosts(in mailbox: MailboxID, uids: [UID], withStructure: Bool,
                as principal: Principal) async throws -> [MessageRecord] {
        let ghosts = try await base.messages.ghosts(in: mailbox, uids: uids, withStructure: withStructure,
                                                    as: principal)
        counts.withLock {
            if withStructure {
                $0.structureCalls += 1
                $0.structuresRead += ghosts.count
            } else {
                $0.metadataCalls += 1
            }
        }
        return ghosts
    }
    func states(in mailbox: MailboxID, uids: [UID], as principal: Principal) async throws -> [MessageState] {
        try await base.messages.states(in: mailbox, uids: uids, as: principal)
    }
    func storeFlags(in mailbox: MailboxID, uids: [UID], operation: StoreOperation, flags: MessageFlags,
                    unchangedSince: ModSeq?, as principal: Principal) async throws -> StoreResult {
        try await base.messages.storeFlags(in: mailbox, uids: uids, operation: operation, flags: flags,
                                           unchangedSince: unchangedSince, as: principal)
    }
    func expunge(in mailbox: MailboxID, uids: [UID]?, as principal: Principal) async throws -> [UID] {
        try await base.messages.expunge(in: mailbox, uids: uids, as: principal)
    }
    func copy(from source: MailboxID, uids: [UID], to destination: MailboxID, requireAll: Bool,
              as principal: Principal) async throws -> CopyResult {
        try await base.messages.copy(from: source, uids: uids, to: destination, requireAll: requireAll,
                                     as: principal)
    }
    func move(from source: MailboxID, uids: [UID], to destination: MailboxID,
              as principal: Principal) async throws -> CopyResult {
        try await base.messages.move(from: source, uids: uids, to: destination, as: principal)
    }
    func append(_ messages: [NewMessage], to mailbox: MailboxID, as principal: Principal) async throws -> AppendResult {
        try await base.messages.append(messages, to: mailbox, as: principal)
    }
}

/// A store with one mailbox of test messages, and the runner over it.
struct SearchStoreFixture {
    let store: CountingStore
    let mailbox: MailboxID
    let uids: [UID]

    static func with(_ messages: [SearchFixture], _ body: (SearchStoreFixture) async throws -> Void) async throws {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("tern-search-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let sqlite = try SQLiteMailStore(directory: path)
        defer { sqlite.close() }
        let store = CountingStore(MailStorage(sqlite))
        let user = try await sqlite.addUser(name: "alice",
                                            credentials: try PasswordCredentials(password: "x", iterations: 64))
        let inbox = try #require(try await sqlite.mailbox(at: MailboxPath(owner: user.id, name: "INBOX"),
                                                          as: .administrator))
        var uids: [UID] = []
        for message in messages {
            let upload = try await store.beginUpload(expectedSize: UInt64(message.bytes.count))
            try await upload.write(message.bytes)
            let staged = try await upload.finish()
            let new = NewMessage(blob: staged, flags: message.flags, internalDate: message.internalDate)
            uids += try await store.append([new], to: inbox.id, as: .administrator).uids
        }
        store.reset()
        try await body(SearchStoreFixture(store: store, mailbox: inbox.id, uids: uids))
    }

    /// Sequence numbers of the matches.
    func search(_ criteria: String, recent: Set<UID> = [], batchSize: Int = 256,
                uids view: [UID]? = nil) async throws -> [Int] {
        let view = view ?? uids
        let program = try compile(criteria, count: UInt32(view.count), lastUID: view.last?.rawValue ?? 0)
        var runner = SearchRunner(store: store.storage, mailbox: mailbox, principal: .administrator)
        runner.batchSize = batchSize
        return try await runner.run(program, uids: view, recent: recent).map { $0 + 1 }
    }
}

@Suite("Running a search against a store: results and what is read")
struct SearchRunnerTests {
    static let messages: [SearchFixture] = {
        var list: [SearchFixture] = []
        for index in 1...6 {
            var message = index % 2 == 0 ? Messages.plain : Messages.multipart
            // Distinct bytes per message (blobs are shared by content).
            message.bytes = Array("X-Index: \(index)\r\n".utf8) + message.bytes
            message.flags = index <= 3 ? MessageFlags(system: .seen) : MessageFlags()
            list.append(message)
        }
        return list
    }()

    @Test("View keys alone touch nothing in the store")
    func viewOnly() async throws {
        try await SearchStoreFixture.with(Self.messages) { fixture async throws in
            #expect(try await fixture.search("2:4 NOT 3") == [2, 4])
            #expect(try await fixture.search("RECENT", recent: [fixture.uids[4]]) == [5])
            #expect(try await fixture.search("UID \(fixture.uids[1].rawValue):*") == [2, 3, 4, 5, 6])
            #expect(fixture.store.snapshot.metadataCalls == 0)
            #expect(fixture.store.snapshot.blobsOpened == 0)
        }
    }

    @Test("Metadata keys take one metadata call and read no message")
    func metadataOnly() async throws {
        try await SearchStoreFixture.with(Self.messages) { fixture async throws in
            #expect(try await fixture.search("UNSEEN SINCE 1-Jan-2024") == [4, 5, 6])
            let counts = fixture.store.snapshot
            #expect(counts.metadataCalls == 1)
            #expect(counts.blobsOpened == 0 && counts.structureCalls == 0)
        }
    }

    @Test("Only the candidates left by cheaper keys get their metadata read")
    func narrowing() async throws {
        try await SearchStoreFixture.with(Self.messages) { fixture async throws in
            #expect(try await fixture.search("5:6 SUBJECT quarterly") == [6])
            let counts = fixture.store.snapshot
            #expect(counts.blobsOpened == 2, "only messages 5 and 6 are read")
        }
    }

    @Test("Header keys read only the header bytes and never the structure")
    func headerOnly() async throws {
        try await SearchStoreFixture.with(Self.messages) { fixture async throws in
            #expect(try await fixture.search("SUBJECT quarterly") == [2, 4, 6])
            #expect(try await fixture.search("FROM eleni SENTON 2-Jan-2024") == [1, 3, 5])
            let counts = fixture.store.snapshot
            #expect(counts.structureCalls == 0)
            let largestHeader = Self.messages.map(\.headerSize).max() ?? 0
            #expect(counts.largestRead <= largestHeader)
        }
    }

    @Test("Body keys read whole messages with their structure, in batches")
    func body() async throws {
        try await SearchStoreFixture.with(Self.messages) { fixture async throws in
            #expect(try await fixture.search("BODY \"köln\"", batchSize: 4) == [1, 3, 5])
            var counts = fixture.store.snapshot
            #expect(counts.structureCalls == 2, "6 messages in batches of 4")
            #expect(counts.structuresRead == 6)
            fixture.store.reset()
            #expect(try await fixture.search("TEXT quarterly", batchSize: 2) == [2, 4, 6])
            #expect(try await fixture.search("TEXT zebra") == [1, 3, 5])
            counts = fixture.store.snapshot
            #expect(counts.structuresRead == 12)
        }
    }

    @Test("A header key that decides spares the body read")
    func headerThenBody() async throws {
        try await SearchStoreFixture.with(Self.messages) { fixture async throws in
            // Only the plain messages pass SUBJECT; only they need their bodies.
            #expect(try await fixture.search("SUBJECT quarterly BODY flamingo") == [2, 4, 6])
            var counts = fixture.store.snapshot
            #expect(counts.structuresRead == 3)
            fixture.store.reset()
            // OR decided by the header for the plain messages; the others need the body.
            #expect(try await fixture.search("OR SUBJECT quarterly BODY zebra") == [1, 2, 3, 4, 5, 6])
            counts = fixture.store.snapshot
            #expect(counts.structuresRead == 3)
        }
    }

    @Test("Expunged messages still in the view are searched from their ghosts (RFC 2180 §4.1.1)")
    func expunged() async throws {
        try await SearchStoreFixture.with(Self.messages) { fixture async throws in
            let gone = fixture.uids[1]
            _ = try await fixture.store.storeFlags(in: fixture.mailbox, uids: [gone], operation: .add,
                                                   flags: MessageFlags(system: .deleted), unchangedSince: nil,
                                                   as: .administrator)
            _ = try await fixture.store.expunge(in: fixture.mailbox, uids: [gone], as: .administrator)
            #expect(try await fixture.search("ALL") == [1, 2, 3, 4, 5, 6])
            #expect(try await fixture.search("SUBJECT quarterly") == [2, 4, 6])
            #expect(try await fixture.search("DELETED SEEN") == [2], "flags as they were at the expunge")
            #expect(try await fixture.search("BODY flamingo") == [2, 4, 6])
        }
    }

    @Test("Expunged messages whose ghosts are purged match only view keys (RFC 2180 §4.3)")
    func purged() async throws {
        try await SearchStoreFixture.with(Self.messages) { fixture async throws in
            let gone = fixture.uids[1]
            _ = try await fixture.store.storeFlags(in: fixture.mailbox, uids: [gone], operation: .add,
                                                   flags: MessageFlags(system: .deleted), unchangedSince: nil,
                                                   as: .administrator)
            _ = try await fixture.store.expunge(in: fixture.mailbox, uids: [gone], as: .administrator)
            try await fixture.store.base.housekeeping.purgeGhosts(expungedBefore: .max)
            #expect(try await fixture.search("ALL") == [1, 2, 3, 4, 5, 6])
            #expect(try await fixture.search("SUBJECT quarterly") == [4, 6])
            #expect(try await fixture.search("NOT SEEN") == [4, 5, 6])
        }
    }

    @Test("A message gone for good while the search reads it is left out; a missing blob otherwise fails")
    func vanishingBlobs() async throws {
        try await SearchStoreFixture.with(Self.messages) { fixture async throws in
            let records = try await fixture.store.records(in: fixture.mailbox, uids: fixture.uids, as: .administrator)
            fixture.store.vanishing.withLock { $0[records[1].blob] = (fixture.mailbox, fixture.uids[1]) }
            #expect(try await fixture.search("SUBJECT quarterly") == [4, 6])
            fixture.store.vanishing.withLock { $0 = [records[3].blob: nil] }
            await #expect(throws: MailStoreError.blobMissing(records[3].blob)) {
                try await fixture.search("BODY flamingo")
            }
        }
    }

    @Test("An empty mailbox matches nothing")
    func empty() async throws {
        try await SearchStoreFixture.with([]) { fixture async throws in
            #expect(try await fixture.search("ALL").isEmpty)
            #expect(try await fixture.search("UID *").isEmpty)
            #expect(try await fixture.search("TEXT x").isEmpty)
        }
    }
}
