import Foundation
import Logging
import MailCore
import MailDelivery
import MailStore
import MemoryMailStore
import SieveDelivery
import SQLiteMailStore
import Synchronization

/// A store with the user alice (alice@example.org), the real Deliverer with a SieveFilter, a
/// fixed clock, and (when asked) a real SMTP sink as the relay.
final class DeliveryHarness: Sendable {
    let storage: MailStorage
    let alice: User
    let sink: SMTPSink?
    let configuration: SieveDeliveryConfiguration
    private let clock = TestClock()
    private let directory: String?
    private let sqlite: SQLiteMailStore?

    enum Backend { case memory, sqlite }

    init(backend: Backend = .memory, relay: Bool = false, mailboxes: [String] = [],
         configure: (inout SieveDeliveryConfiguration) -> Void = { _ in }) async throws {
        switch backend {
        case .memory:
            storage = MailStorage(InMemoryMailStore())
            directory = nil
            sqlite = nil
        case .sqlite:
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("tern-sieve-\(UUID().uuidString)").path
            let store = try SQLiteMailStore(directory: path)
            storage = MailStorage(store)
            directory = path
            sqlite = store
        }
        alice = try await storage.provisionAccount(name: "alice", credentials: PasswordCredentials(
            password: "secret", iterations: 64))
        for name in mailboxes {
            _ = try await storage.mailboxes.create(MailboxPath(owner: alice.id, name: name), specialUse: nil,
                                                   as: .administrator)
        }
        sink = relay ? try await SMTPSink.start() : nil
        var configuration = SieveDeliveryConfiguration(hostName: "mx.example.org", domain: "example.org")
        if let sink { configuration.relay = SMTPRelay(host: "127.0.0.1", port: sink.port, heloName: "mx.example.org") }
        configure(&configuration)
        self.configuration = configuration
    }

    func close() async {
        await sink?.stop()
        sqlite?.close()
        if let directory { try? FileManager.default.removeItem(atPath: directory) }
    }

    var now: Int64 { clock.now }
    func advance(seconds: Int64) { clock.advance(seconds) }

    func setScript(_ text: String, name: String = "main") async throws {
        try await storage.sieveScripts.putSieveScript(named: name, content: Array(text.utf8), of: alice.id)
        try await storage.sieveScripts.activateSieveScript(named: name, of: alice.id)
    }

    func filter() -> SieveFilter {
        let clock = self.clock
        return SieveFilter(storage: storage, configuration: configuration, logger: Logger(label: "test.sieve"),
                           clock: { clock.now }, group: SMTPSink.group)
    }

    /// Delivers `message` (LF line ends become CRLF) as LMTP would, through the Sieve filter.
    @discardableResult
    func deliver(_ message: String, from sender: String = "bob@example.net",
                 to address: String = "alice@example.org", remote: String? = "192.0.2.7") async throws -> DeliveryOutcome {
        let deliverer = Deliverer(storage: storage, configuration: DeliveryConfiguration(
            domains: ["example.org"], hostName: "mx.example.org"), filter: filter(), logger: Logger(label: "test.delivery"))
        guard let recipient = try await deliverer.resolve(address) else { throw HarnessError.unknownRecipient(address) }
        let envelope = DeliveryEnvelope(sender: sender, heloName: "mta.example.org", remoteAddress: remote)
        let incoming = try await deliverer.beginMessage(envelope: envelope, recipients: [recipient], now: now)
        let bytes = Array(message.replacing("\r\n", with: "\n").replacing("\n", with: "\r\n").utf8)
        var offset = 0
        while offset < bytes.count {  // in pieces, as a session writes them
            let end = min(offset + 65_536, bytes.count)
            try await incoming.write(bytes[offset..<end])
            offset = end
        }
        let outcomes = await deliverer.deliver(incoming, envelope: envelope, recipients: [recipient], now: now)
        return outcomes[0]
    }

    struct Stored: Sendable {
        var flags: MessageFlags
        var text: String
    }

    /// The messages of alice's mailbox `name`, in UID order; nil when there is no such mailbox.
    func messages(in name: String) async throws -> [Stored]? {
        guard let mailbox = try await storage.mailboxes.mailbox(at: MailboxPath(owner: alice.id, name: name),
                                                                as: .administrator) else { return nil }
        let snapshot = try await storage.messages.open(mailbox.id, claimRecent: false, as: .administrator)
        let records = try await storage.messages.records(in: mailbox.id, uids: snapshot.messages.map(\.uid),
                                                         as: .administrator)
        var result: [Stored] = []
        for record in records {
            let reader = try await storage.blobs.openBlob(record.blob)
            defer { reader.close() }
            let bytes = try await reader.read(offset: 0, count: Int(record.size))
            result.append(Stored(flags: record.flags, text: String(decoding: bytes, as: UTF8.self)))
        }
        return result
    }

    /// How many messages each of alice's mailboxes holds, empty ones left out.
    func counts() async throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for mailbox in try await storage.mailboxes.list(of: alice.id, as: .administrator) where mailbox.selectable {
            let count = try await messages(in: mailbox.name)?.count ?? 0
            if count > 0 { counts[mailbox.name] = count }
        }
        return counts
    }

    /// Alice's Sieve log, oldest first.
    func log() async throws -> [String] {
        try await storage.sieveScripts.sieveLog(of: alice.id).map(\.text)
    }
}

/// A clock the test moves by hand.
final class TestClock: Sendable {
    private let seconds = Mutex<Int64>(1_900_000_000)
    var now: Int64 { seconds.withLock { $0 } }
    func advance(_ amount: Int64) { seconds.withLock { $0 += amount } }
}

enum HarnessError: Error {
    case unknownRecipient(String)
}
