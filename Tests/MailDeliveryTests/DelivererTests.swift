import Logging
import MailCore
import MailDelivery
import MailStore
import MemoryMailStore
import Synchronization
import Testing

/// The Deliverer in-process on the in-memory store.
@Suite struct DelivererTests {
    let storage = MailStorage(InMemoryMailStore())
    let now: Int64 = 1_800_000_000

    private func setUp(_ users: [String] = ["alice", "bob", "carol"]) async throws {
        for user in users {
            _ = try await storage.provisionAccount(name: user, credentials: PasswordCredentials(password: "secret", iterations: 64))
        }
    }

    private func deliverer(_ configuration: DeliveryConfiguration = DeliveryConfiguration(domains: ["example.org"]),
                           storage: MailStorage? = nil, filter: (any DeliveryFilter)? = nil) -> Deliverer {
        Deliverer(storage: storage ?? self.storage, configuration: configuration, filter: filter,
                  logger: Logger(label: "test"))
    }

    private func deliver(_ text: String, to addresses: [String], with deliverer: Deliverer,
                         sender: String = "sender@remote.example") async throws -> [DeliveryOutcome] {
        var recipients: [DeliveryRecipient] = []
        for address in addresses { recipients.append(try #require(try await deliverer.resolve(address))) }
        let envelope = DeliveryEnvelope(sender: sender, heloName: "mx.remote.example", remoteAddress: "192.0.2.1")
        let message = try await deliverer.beginMessage(envelope: envelope, recipients: recipients, now: now)
        try await message.write(Array(text.utf8))
        return await deliverer.deliver(message, envelope: envelope, recipients: recipients, now: now)
    }

    /// The stored messages of a user's mailbox, as text.
    private func messages(of user: String, in mailbox: String = "INBOX") async throws -> [String] {
        let owner = try #require(try await storage.accounts.user(named: user))
        guard let record = try await storage.mailboxes.mailbox(at: MailboxPath(owner: owner.id, name: mailbox), as: .administrator)
        else { return [] }
        let snapshot = try await storage.messages.open(record.id, claimRecent: false, as: .administrator)
        let records = try await storage.messages.records(in: record.id, uids: snapshot.messages.map(\.uid), as: .administrator)
        var texts: [String] = []
        for record in records {
            let reader = try await storage.blobs.openBlob(record.blob)
            texts.append(String(decoding: try await reader.read(offset: 0, count: Int(reader.size)), as: UTF8.self))
            reader.close()
        }
        return texts
    }

    private func blobs(of user: String) async throws -> [BlobID] {
        let owner = try #require(try await storage.accounts.user(named: user))
        let record = try #require(try await storage.mailboxes.mailbox(at: MailboxPath(owner: owner.id, name: "INBOX"), as: .administrator))
        let snapshot = try await storage.messages.open(record.id, claimRecent: false, as: .administrator)
        return try await storage.messages.records(in: record.id, uids: snapshot.messages.map(\.uid), as: .administrator).map(\.blob)
    }

    @Test func resolvesNamesAddressesDomainsAndSubaddresses() async throws {
        try await setUp()
        let deliverer = deliverer()
        #expect(try await deliverer.resolve("alice")?.user.name == "alice")
        #expect(try await deliverer.resolve("ALICE@Example.ORG")?.user.name == "alice")
        #expect(try await deliverer.resolve("alice@other.example") == nil)
        #expect(try await deliverer.resolve("nobody@example.org") == nil)
        let sub = try #require(try await deliverer.resolve("alice+lists@example.org"))
        #expect(sub.user.name == "alice" && sub.detail == "lists")
        #expect(try await deliverer.resolve("+lists@example.org") == nil)
        let dash = self.deliverer(DeliveryConfiguration(subaddressDelimiter: "-"))
        #expect(try await dash.resolve("bob-news@anywhere.example")?.detail == "news")
        #expect(try await dash.resolve("bob+news@anywhere.example") == nil)
    }

    @Test func oneBlobForManyRecipientsAndTraceHeaders() async throws {
        try await setUp()
        let outcomes = try await deliver("Subject: hi\r\n\r\nbody\r\n", to: ["alice@example.org", "bob@example.org"],
                                         with: deliverer())
        #expect(outcomes == [.delivered(mailboxes: ["INBOX"]), .delivered(mailboxes: ["INBOX"])])
        #expect(try await blobs(of: "alice") == blobs(of: "bob"))
        let text = try #require(try await messages(of: "alice").first)
        #expect(text.hasPrefix("Return-Path: <sender@remote.example>\r\nReceived: from mx.remote.example ([192.0.2.1])\r\n\tby localhost (Tern) with LMTP; "))
        #expect(!text.contains("Delivered-To:"))
        #expect(!text.contains("for <"))
        #expect(text.hasSuffix("\r\nSubject: hi\r\n\r\nbody\r\n"))
    }

    @Test func deliveredToOnlyForOneRecipient() async throws {
        try await setUp()
        _ = try await deliver("Subject: one\r\n\r\nx\r\n", to: ["carol@example.org"], with: deliverer(), sender: "")
        let text = try #require(try await messages(of: "carol").first)
        #expect(text.hasPrefix("Return-Path: <>\r\nDelivered-To: carol@example.org\r\nReceived: "))
        #expect(text.contains("\tfor <carol@example.org>; "))
    }

    @Test func subaddressFolderIfItExistsElseInbox() async throws {
        try await setUp()
        let alice = try #require(try await storage.accounts.user(named: "alice"))
        _ = try await storage.mailboxes.create(MailboxPath(owner: alice.id, name: "lists"), specialUse: nil, as: .administrator)
        let outcomes = try await deliver("Subject: a\r\n\r\nx\r\n", to: ["alice+lists@example.org", "bob+lists@example.org"],
                                         with: deliverer())
        #expect(outcomes == [.delivered(mailboxes: ["lists"]), .delivered(mailboxes: ["INBOX"])])
        #expect(try await messages(of: "alice", in: "lists").count == 1)
        #expect(try await messages(of: "bob").count == 1)
    }

    @Test func filterDecisionsPerRecipient() async throws {
        try await setUp()
        let outcomes = try await deliver("Subject: f\r\n\r\nx\r\n", to: ["alice", "bob", "carol"],
                                         with: deliverer(filter: ByUser()))
        #expect(outcomes == [
            .delivered(mailboxes: ["Work", "INBOX"]),
            .rejected(reason: "not wanted"),
            .delivered(mailboxes: ["INBOX"]),
        ])
        let alice = try await messages(of: "alice", in: "Work")
        #expect(alice.count == 1)
        #expect(try await messages(of: "bob").isEmpty)
        // carol's target did not exist and was not to be created: INBOX.
        #expect(try await messages(of: "carol").count == 1)
    }

    @Test func invalidMessagesAreStillDelivered() async throws {
        try await setUp()
        let long = String(repeating: "x", count: 5000)
        let outcomes = try await deliver("Subject: bad\r\n\r\nnul\u{0}here\r\n\(long)\r\n", to: ["alice"], with: deliverer())
        #expect(outcomes == [.delivered(mailboxes: ["INBOX"])])
        #expect(try await messages(of: "alice").first?.contains("nul\u{0}here") == true)
    }

    @Test func tooLargeIsRefusedAndNothingStored() async throws {
        try await setUp()
        let outcomes = try await deliver("Subject: big\r\n\r\n" + String(repeating: "y", count: 200), to: ["alice", "bob"],
                                         with: deliverer(DeliveryConfiguration(maxMessageSize: 100)))
        #expect(outcomes == [.tooLarge(limit: 100), .tooLarge(limit: 100)])
        #expect(try await messages(of: "alice").isEmpty)
    }

    @Test func storeFailureIsTemporaryForThatRecipientOnly() async throws {
        try await setUp()
        let bob = try #require(try await storage.accounts.user(named: "bob"))
        var faulty = storage
        faulty.messages = FailingAppends(base: storage.messages, storage: storage, failingOwner: bob.id)
        let outcomes = try await deliver("Subject: s\r\n\r\nx\r\n", to: ["alice", "bob", "carol"],
                                         with: deliverer(storage: faulty))
        #expect(outcomes[0] == .delivered(mailboxes: ["INBOX"]))
        #expect(outcomes[1] == .temporaryFailure(reason: "could not store the message, try again later"))
        #expect(outcomes[2] == .delivered(mailboxes: ["INBOX"]))
    }

    @Test func duplicatesWithinTheWindowAreDropped() async throws {
        try await setUp()
        let deliverer = deliverer(DeliveryConfiguration(duplicateWindowSeconds: 3600))
        let text = "Message-ID: <once@example.org>\r\nSubject: d\r\n\r\nx\r\n"
        #expect(try await deliver(text, to: ["alice"], with: deliverer) == [.delivered(mailboxes: ["INBOX"])])
        #expect(try await deliver(text, to: ["alice", "bob"], with: deliverer)
                == [.delivered(mailboxes: [], duplicate: true), .delivered(mailboxes: ["INBOX"])])
        #expect(try await messages(of: "alice").count == 1)
        // Off: every delivery is stored.
        _ = try await deliver(text, to: ["alice"], with: self.deliverer())
        #expect(try await messages(of: "alice").count == 2)
    }
}

/// alice: into Work (created) and INBOX; bob: rejected; carol: into a missing mailbox.
private struct ByUser: DeliveryFilter {
    func decide(for recipient: DeliveryRecipient, envelope: DeliveryEnvelope, message: DeliveredMessage,
                defaultTarget: FilingTarget) async -> FilterDecision {
        let bytes = (try? await message.withBytes { Array($0) }) ?? []
        guard bytes.count == Int(message.size), message.structure.size == bytes.count else {
            return .temporaryFailure(reason: "message not readable")
        }
        switch recipient.user.name {
        case "alice": return .file([FilingTarget(mailbox: "Work", flags: [.flagged], create: true), defaultTarget,
                                    FilingTarget(mailbox: "inbox")])
        case "bob": return .reject(reason: "not wanted")
        default: return .file([FilingTarget(mailbox: "Missing")])
        }
    }
}

/// Appends to one owner's mailboxes fail; everything else is the real store.
private struct FailingAppends: MessageStore {
    struct InjectedFault: Error {}
    let base: any MessageStore
    let storage: MailStorage
    let failingOwner: UserID

    func append(_ messages: [NewMessage], to mailbox: MailboxID, as principal: Principal) async throws -> AppendResult {
        for user in try await storage.accounts.users() where user.id == failingOwner {
            let mailboxes = try await storage.mailboxes.list(of: user.id, as: .administrator)
            if mailboxes.contains(where: { $0.id == mailbox }) { throw InjectedFault() }
        }
        return try await base.append(messages, to: mailbox, as: principal)
    }

    func open(_ mailbox: MailboxID, claimRecent: Bool, as principal: Principal) async throws -> MailboxSnapshot {
        try await base.open(mailbox, claimRecent: claimRecent, as: principal)
    }
    func claimRecent(in mailbox: MailboxID, through last: UID, as principal: Principal) async throws -> [UID] {
        try await base.claimRecent(in: mailbox, through: last, as: principal)
    }
    func changes(in mailbox: MailboxID, since modSeq: ModSeq, as principal: Principal) async throws -> MailboxChanges {
        try await base.changes(in: mailbox, since: modSeq, as: principal)
    }
    func records(in mailbox: MailboxID, uids: [UID], withStructure: Bool, as principal: Principal) async throws -> [MessageRecord] {
        try await base.records(in: mailbox, uids: uids, withStructure: withStructure, as: principal)
    }
    func ghosts(in mailbox: MailboxID, uids: [UID], withStructure: Bool, as principal: Principal) async throws -> [MessageRecord] {
        try await base.ghosts(in: mailbox, uids: uids, withStructure: withStructure, as: principal)
    }
    func states(in mailbox: MailboxID, uids: [UID], as principal: Principal) async throws -> [MessageState] {
        try await base.states(in: mailbox, uids: uids, as: principal)
    }
    func storeFlags(in mailbox: MailboxID, uids: [UID], operation: StoreOperation, flags: MessageFlags,
                    unchangedSince: ModSeq?, as principal: Principal) async throws -> StoreResult {
        try await base.storeFlags(in: mailbox, uids: uids, operation: operation, flags: flags,
                                  unchangedSince: unchangedSince, as: principal)
    }
    func expunge(in mailbox: MailboxID, uids: [UID]?, as principal: Principal) async throws -> [UID] {
        try await base.expunge(in: mailbox, uids: uids, as: principal)
    }
    func copy(from source: MailboxID, uids: [UID], to destination: MailboxID, requireAll: Bool,
              as principal: Principal) async throws -> CopyResult {
        try await base.copy(from: source, uids: uids, to: destination, requireAll: requireAll, as: principal)
    }
    func move(from source: MailboxID, uids: [UID], to destination: MailboxID, as principal: Principal) async throws -> CopyResult {
        try await base.move(from: source, uids: uids, to: destination, as: principal)
    }
}
