import Foundation
@testable import IMAPServer
import Logging
import MailCore
import MailStore
import MemoryMailStore
import Testing

/// The background job that forgets ghosts of expunged messages after the retention
/// (RFC 2180 §4.1.1; `expunged_retention`).
@Suite("GhostPurger")
struct GhostPurgerTests {
    /// A store with one message expunged now; returns its mailbox and UID.
    static func storeWithGhost() async throws -> (MailStorage, MailboxID, UID) {
        let storage = MailStorage(InMemoryMailStore())
        let user = try await storage.accounts.addUser(name: "alice", credentials: PasswordCredentials(
            password: "secret", iterations: 64))
        let inbox = try #require(try await storage.mailboxes.mailbox(at: MailboxPath(owner: user.id, name: "INBOX"),
                                                                     as: .administrator))
        let upload = try await storage.blobs.beginUpload(expectedSize: 0)
        try await upload.write(Array("Subject: gone\r\n\r\nBody\r\n".utf8))
        let staged = try await upload.finish()
        defer { upload.discard() }
        let uid = try await storage.messages.append(
            [NewMessage(blob: staged, flags: MessageFlags(system: .deleted), internalDate: nil)],
            to: inbox.id, as: .administrator).uids[0]
        _ = try await storage.messages.expunge(in: inbox.id, uids: nil, as: .administrator)
        return (storage, inbox.id, uid)
    }

    static func ghosts(_ storage: MailStorage, _ mailbox: MailboxID, _ uid: UID) async throws -> Int {
        try await storage.messages.ghosts(in: mailbox, uids: [uid], withStructure: false, as: .administrator).count
    }

    @Test("a pass forgets only the ghosts expunged more than the retention ago")
    func pass() async throws {
        let (storage, mailbox, uid) = try await Self.storeWithGhost()
        let purger = GhostPurger(housekeeping: storage.housekeeping, retentionSeconds: 60,
                                 logger: Logger(label: "test-purger"))
        let now = Int64(Date().timeIntervalSince1970)
        #expect(await purger.purge(now: now + 30) == 0)
        #expect(try await Self.ghosts(storage, mailbox, uid) == 1, "kept within the retention")
        #expect(await purger.purge(now: now + 62) == 1)
        #expect(try await Self.ghosts(storage, mailbox, uid) == 0, "forgotten after it")
    }

    @Test("a pass also forgets expired delivery-ledger records (vacation, duplicates), and only those")
    func ledger() async throws {
        let (storage, _, _) = try await Self.storeWithGhost()
        let alice = try #require(try await storage.accounts.user(named: "alice"))
        let purger = GhostPurger(housekeeping: storage.housekeeping, retentionSeconds: 60,
                                 logger: Logger(label: "test-purger"))
        #expect(try await storage.ledger.claim("dup:<a@x>", for: alice.id, until: 100, now: 0))
        #expect(try await storage.ledger.claim("dup:<b@x>", for: alice.id, until: 300, now: 0))
        await purger.purge(now: 200)
        #expect(try await storage.housekeeping.purgeExpiredLedgerRecords(now: 200) == 0,
                "the pass already forgot the record that expired at 100")
        #expect(try await storage.ledger.isClaimed("dup:<b@x>", for: alice.id, now: 200), "the other stays")
    }

    @Test("the service purges at start and then every interval, until cancelled")
    func service() async throws {
        let (storage, mailbox, uid) = try await Self.storeWithGhost()
        let purger = GhostPurger(housekeeping: storage.housekeeping, retentionSeconds: 0,
                                 logger: Logger(label: "test-purger"))
        let running = Task { await purger.run() }
        let deadline = ContinuousClock.now + .seconds(60)
        while try await Self.ghosts(storage, mailbox, uid) > 0 && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(try await Self.ghosts(storage, mailbox, uid) == 0)
        running.cancel()
        await running.value
    }

    @Test("passes come every quarter of the retention, between one second and five minutes")
    func interval() {
        #expect(GhostPurger.interval(forRetention: 0) == 1)
        #expect(GhostPurger.interval(forRetention: 40) == 10)
        #expect(GhostPurger.interval(forRetention: 2400) == 300)
    }
}
