import Foundation
import MailCore
import MailStore
import MemoryMailStore
import Testing

/// The same shapes as the embedded store's benchmark, on demand, in release:
/// `TERN_STORE_BENCH=1 swift test -c release --filter MemoryStoreBenchmark`. Every call must
/// stay linear in what it touches: a single APPEND or STORE must not copy the mailbox.
@Suite("MemoryStoreBenchmark", .enabled(if: ProcessInfo.processInfo.environment["TERN_STORE_BENCH"] != nil))
struct MemoryStoreBenchmark {
    static func message(_ index: Int) -> [UInt8] {
        var text = "From: Alice <alice@example.org>\r\nTo: Bob <bob@example.org>\r\n"
            + "Subject: Benchmark message \(index)\r\nMessage-ID: <bench-\(index)@example.org>\r\n\r\n"
        for line in 0..<30 { text += "Line \(line) of the body of message \(index), some text to fill it.\r\n" }
        return Array(text.utf8)
    }

    static func stage(_ store: InMemoryMailStore, _ bytes: [UInt8]) async throws -> (MessageUpload, StagedBlob) {
        let upload = try await store.beginUpload(expectedSize: UInt64(bytes.count))
        try await upload.write(bytes)
        return (upload, try await upload.finish())
    }

    @Test func appendsThenReadsLargeMailboxes() async throws {
        let store = InMemoryMailStore()
        let clock = ContinuousClock()
        let user = try await store.addUser(name: "bench", credentials: PasswordCredentials(password: "x", iterations: 64))
        let inbox = try #require(try await store.mailbox(at: MailboxPath(owner: user.id, name: "INBOX"), as: .administrator))

        let appends = 20_000
        var single = Duration.zero
        for index in 0..<appends {
            let (upload, staged) = try await Self.stage(store, Self.message(index))
            defer { upload.discard() }
            single += try await clock.measure {
                _ = try await store.append([NewMessage(blob: staged, flags: MessageFlags(), internalDate: nil)],
                                           to: inbox.id, as: .administrator)
                _ = try await store.storeFlags(in: inbox.id, uids: [UID(UInt32(index + 1))], operation: .add,
                                               flags: MessageFlags([.seen]), unchangedSince: nil, as: .administrator)
            }
        }
        print("APPEND + STORE: \(appends) of each, one at a time, in \(single) (staging not counted)")
        try await Self.reads(store, inbox.id, count: appends, clock: clock)

        let big = try await store.create(MailboxPath(owner: user.id, name: "Big"), specialUse: nil, as: .administrator)
        let (upload, shared) = try await Self.stage(store, Self.message(0))
        defer { upload.discard() }
        let fill = try await clock.measure {
            for _ in 0..<100 {
                let batch = (0..<1000).map { _ in NewMessage(blob: shared, flags: MessageFlags([.seen]), internalDate: nil) }
                _ = try await store.append(batch, to: big.id, as: .administrator)
            }
        }
        print("MULTIAPPEND: 100,000 messages in batches of 1000 in \(fill)")
        try await Self.reads(store, big.id, count: 100_000, clock: clock)
    }

    static func reads(_ store: InMemoryMailStore, _ mailbox: MailboxID, count: Int, clock: ContinuousClock) async throws {
        var snapshot: MailboxSnapshot?
        let examine = try await clock.measure { snapshot = try await store.open(mailbox, claimRecent: false, as: .administrator) }
        let uids = snapshot?.messages.map(\.uid) ?? []
        #expect(uids.count == count)
        var records: [MessageRecord] = []
        let fetch = try await clock.measure { records = try await store.records(in: mailbox, uids: uids, as: .administrator) }
        #expect(records.count == count)
        let changes = try await clock.measure {
            _ = try await store.changes(in: mailbox, since: snapshot?.highestModSeq ?? ModSeq(0), as: .administrator)
        }
        let flag = try await clock.measure {
            _ = try await store.storeFlags(in: mailbox, uids: uids, operation: .add, flags: MessageFlags([.flagged]),
                                           unchangedSince: nil, as: .administrator)
        }
        print("\(count) messages: EXAMINE \(examine), UID FETCH 1:* \(fetch), changes \(changes), STORE 1:* \(flag)")
    }
}
