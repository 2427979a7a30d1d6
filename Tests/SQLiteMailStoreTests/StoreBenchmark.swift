import Foundation
import MailCore
import MailStore
import SQLiteMailStore
import Testing

/// Throughput figures for the lead's benchmark shapes; run on demand, in release:
/// `TERN_STORE_BENCH=1 swift test -c release --filter StoreBenchmark`.
@Suite("StoreBenchmark", .enabled(if: ProcessInfo.processInfo.environment["TERN_STORE_BENCH"] != nil))
struct StoreBenchmark {
    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    static func message(_ index: Int) -> [UInt8] {
        var text = "From: Alice <alice@example.org>\r\nTo: Bob <bob@example.org>\r\n"
            + "Subject: Benchmark message \(index)\r\nMessage-ID: <bench-\(index)@example.org>\r\n\r\n"
        for line in 0..<30 { text += "Line \(line) of the body of message \(index), some text to fill it.\r\n" }
        return Array(text.utf8)
    }

    static func stage(_ store: SQLiteMailStore, _ bytes: [UInt8]) async throws -> StagedBlob {
        let upload = try await store.beginUpload(expectedSize: UInt64(bytes.count))
        try await upload.write(bytes)
        return try await upload.finish()
    }

    @Test func appendsThenReadsLargeMailboxes() async throws {
        try await withTemporaryStore { store in
            let clock = ContinuousClock()
            let user = try await store.addUser(name: "bench", credentials: PasswordCredentials(password: "x", iterations: 64))
            let inbox = try #require(try await store.mailbox(at: MailboxPath(owner: user.id, name: "INBOX"), as: .administrator))

            let appends = 10_000
            let appendTime = try await clock.measure {
                for index in 0..<appends {
                    let staged = try await Self.stage(store, Self.message(index))
                    _ = try await store.append([NewMessage(blob: staged, flags: MessageFlags(), internalDate: nil)], to: inbox.id, as: .administrator)
                }
            }
            print("APPEND: \(appends) single appends in \(Self.seconds(appendTime)) s = "
                  + "\(Int(Double(appends) / Self.seconds(appendTime))) appends/s")
            try await Self.reads(store, inbox.id, count: appends, clock: clock)
            try await Self.singleExpunges(store, inbox.id, count: 1000, clock: clock)

            let big = try await store.create(MailboxPath(owner: user.id, name: "Big"), specialUse: nil, as: .administrator)
            let shared = try await Self.stage(store, Self.message(0))
            let fillTime = try await clock.measure {
                for _ in 0..<100 {
                    let batch = (0..<1000).map { _ in
                        NewMessage(blob: shared, flags: MessageFlags([.seen]), internalDate: nil)
                    }
                    _ = try await store.append(batch, to: big.id, as: .administrator)
                }
            }
            print("MULTIAPPEND: 100,000 messages in batches of 1000 in \(Self.seconds(fillTime)) s")
            try await Self.reads(store, big.id, count: 100_000, clock: clock)
            _ = try await store.storeFlags(in: big.id, uids: (1...100_000).map { UID(UInt32($0)) }, operation: .add,
                                           flags: MessageFlags([.deleted]), unchangedSince: nil, as: .administrator)
            var expunged = 0
            let bulk = try await clock.measure {
                expunged = try await store.expunge(in: big.id, uids: nil, as: .administrator).count
            }
            #expect(expunged == 100_000)
            print("EXPUNGE: 100,000 messages (one shared blob) in \(Self.ms(bulk)) ms")
            var purged = 0
            let purge = try await clock.measure { purged = try await store.purgeGhosts(expungedBefore: .max) }
            print("purgeGhosts: \(purged) ghosts in \(Self.ms(purge)) ms")
        }
    }

    /// EXPUNGE one message at a time (each its own write transaction), as clients deleting
    /// mail one by one do; each message has its own blob.
    static func singleExpunges(_ store: SQLiteMailStore, _ mailbox: MailboxID, count: Int,
                               clock: ContinuousClock) async throws {
        let uids = (1...count).map { UID(UInt32($0)) }
        _ = try await store.storeFlags(in: mailbox, uids: uids, operation: .add, flags: MessageFlags([.deleted]),
                                       unchangedSince: nil, as: .administrator)
        let time = try await clock.measure {
            for uid in uids { _ = try await store.expunge(in: mailbox, uids: [uid], as: .administrator) }
        }
        print("EXPUNGE: \(count) single UID EXPUNGEs in \(seconds(time)) s = "
              + "\(Int(Double(count) / seconds(time))) expunges/s")
    }

    static func reads(_ store: SQLiteMailStore, _ mailbox: MailboxID, count: Int, clock: ContinuousClock) async throws {
        var snapshot: MailboxSnapshot?
        let examine = try await clock.measure { snapshot = try await store.open(mailbox, claimRecent: false, as: .administrator) }
        let select = try await clock.measure { _ = try await store.open(mailbox, claimRecent: true, as: .administrator) }
        let uids = snapshot?.messages.map(\.uid) ?? []
        #expect(uids.count == count)
        var records: [MessageRecord] = []
        let fetch = try await clock.measure { records = try await store.records(in: mailbox, uids: uids, as: .administrator) }
        #expect(records.count == count)
        let status = try await clock.measure { _ = try await store.status(of: mailbox, as: .administrator) }
        let store1 = try await clock.measure {
            _ = try await store.storeFlags(in: mailbox, uids: uids, operation: .add, flags: MessageFlags([.flagged]), unchangedSince: nil, as: .administrator)
        }
        print("\(count) messages: EXAMINE \(ms(examine)) ms, SELECT \(ms(select)) ms, "
              + "UID FETCH 1:* \(ms(fetch)) ms, STATUS \(ms(status)) ms, STORE 1:* +FLAGS \(ms(store1)) ms")
    }

    static func ms(_ duration: Duration) -> String {
        String(format: "%.1f", seconds(duration) * 1000)
    }
}
