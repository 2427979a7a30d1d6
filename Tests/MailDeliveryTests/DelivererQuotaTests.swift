import Logging
import MailCore
import MailDelivery
import MailStore
import MemoryMailStore
import Testing

/// Delivery and quotas (RFC 9208): a copy over quota is refused for that recipient only,
/// permanently or (with `quotaFullTempfail`) temporarily when the mailbox is merely full, always
/// permanently when the message can never fit.
@Suite struct DelivererQuotaTests {
    let storage = MailStorage(InMemoryMailStore())
    let now: Int64 = 1_800_000_000

    private func user(_ name: String, limits: QuotaLimits = .unlimited) async throws -> User {
        try await storage.provisionAccount(name: name, credentials: PasswordCredentials(password: "secret", iterations: 64),
                                           quota: limits)
    }

    private func deliver(_ text: String, to addresses: [String], tempfail: Bool = false,
                         filter: (any DeliveryFilter)? = nil) async throws -> [DeliveryOutcome] {
        let deliverer = Deliverer(storage: storage, configuration: DeliveryConfiguration(quotaFullTempfail: tempfail),
                                  filter: filter, logger: Logger(label: "test"))
        var recipients: [DeliveryRecipient] = []
        for address in addresses { recipients.append(try #require(try await deliverer.resolve(address))) }
        let envelope = DeliveryEnvelope(sender: "s@remote.example")
        let message = try await deliverer.beginMessage(envelope: envelope, recipients: recipients, now: now)
        try await message.write(Array(text.utf8))
        return await deliverer.deliver(message, envelope: envelope, recipients: recipients, now: now)
    }

    private func usage(_ user: User) async throws -> QuotaUsage {
        try await storage.quotas.quota(of: user.id).usage
    }

    @Test func aFullMailboxIsPermanentByDefaultAndTemporaryWithTempfail() async throws {
        let alice = try await user("alice", limits: QuotaLimits(messages: 1))
        let bob = try await user("bob")
        #expect(try await deliver("Subject: 1\r\n\r\none\r\n", to: ["alice"]) == [.delivered(mailboxes: ["INBOX"])])
        let outcomes = try await deliver("Subject: 2\r\n\r\ntwo\r\n", to: ["alice", "bob"])
        #expect(outcomes == [.overQuota(permanent: true), .delivered(mailboxes: ["INBOX"])])
        #expect(try await deliver("Subject: 3\r\n\r\nthree\r\n", to: ["alice"], tempfail: true) == [.overQuota(permanent: false)])
        #expect(try await usage(alice).messages == 1)
        #expect(try await usage(bob).messages == 1)
    }

    @Test func aMessageThatCanNeverFitIsAlwaysPermanent() async throws {
        let alice = try await user("alice", limits: QuotaLimits(storage: 100))
        let big = "Subject: big\r\n\r\n" + String(repeating: "z", count: 200) + "\r\n"
        #expect(try await deliver(big, to: ["alice"], tempfail: true) == [.overQuota(permanent: true)])
        #expect(try await usage(alice) == QuotaUsage(storage: 0, messages: 0, mailboxes: 6))
    }

    @Test func fileintoCreatingAMailboxPastTheMailboxLimitFallsBackToInbox() async throws {
        let alice = try await user("alice", limits: QuotaLimits(mailboxes: 6))  // INBOX and the five standard ones
        let outcomes = try await deliver("Subject: f\r\n\r\nx\r\n", to: ["alice"], filter: IntoNewMailbox())
        #expect(outcomes == [.delivered(mailboxes: ["INBOX"])])
        #expect(try await usage(alice) == QuotaUsage(storage: try await usage(alice).storage, messages: 1, mailboxes: 6))
    }
}

/// Files into a mailbox to be created (Sieve `fileinto :create`, RFC 5490).
private struct IntoNewMailbox: DeliveryFilter {
    func decide(for recipient: DeliveryRecipient, envelope: DeliveryEnvelope, message: DeliveredMessage,
                defaultTarget: FilingTarget) async -> FilterDecision {
        .file([FilingTarget(mailbox: "Lists/New", create: true)])
    }
}
