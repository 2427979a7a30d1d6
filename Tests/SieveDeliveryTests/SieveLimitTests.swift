import MailDelivery
import Testing

/// The `[sieve]` limits, each at its edge: at the limit the script does what it says; one
/// beyond, the message is kept and the user's log says why.
@Suite struct SieveLimitTests {
    private static func fileIntoScript(_ count: Int) -> String {
        "require [\"fileinto\", \"mailbox\"];\n" + (1...count).map { "fileinto :create \"f\($0)\";" }.joined(separator: "\n")
    }

    @Test func actionsPerRun() async throws {
        let harness = try await DeliveryHarness { $0.limits.maximumActions = 3 }
        try await harness.setScript(Self.fileIntoScript(3))
        #expect(try await harness.deliver("Subject: a\n\nx\n") == .delivered(mailboxes: ["f1", "f2", "f3"]))
        try await harness.setScript(Self.fileIntoScript(4))
        #expect(try await harness.deliver("Subject: a\n\nx\n") == .delivered(mailboxes: ["INBOX"]))
        #expect(try await harness.log().count == 1)
        await harness.close()
    }

    @Test func scriptSize() async throws {
        let script = Array(#"require "fileinto"; fileinto "INBOX";"#.utf8)
        let harness = try await DeliveryHarness(mailboxes: ["x"]) { $0.limits.maximumScriptSize = script.count }
        try await harness.setScript(String(decoding: script, as: UTF8.self))
        #expect(try await harness.deliver("Subject: a\n\nx\n") == .delivered(mailboxes: ["INBOX"]))
        #expect(try await harness.log().isEmpty)
        try await harness.setScript(String(decoding: script, as: UTF8.self) + " ")
        #expect(try await harness.deliver("Subject: a\n\nx\n") == .delivered(mailboxes: ["INBOX"]))
        #expect(try await harness.log().first?.contains("does not compile") == true)
        await harness.close()
    }

    /// The CPU budget: a wildcard match over a long header costs steps; a budget too small
    /// for it is a runtime error, a large one lets it through.
    @Test func stepsBudget() async throws {
        let script = #"require "fileinto"; if header :matches "subject" "*a*b*c*d*e*f*g*z" { fileinto "never"; } else { fileinto "Archive"; }"#
        let subject = "Subject: " + String(repeating: "abcdefg", count: 100) + "\n\nx\n"
        let generous = try await DeliveryHarness { $0.limits.maximumSteps = 50_000_000 }
        try await generous.setScript(script)
        #expect(try await generous.deliver(subject) == .delivered(mailboxes: ["Archive"]))
        await generous.close()
        let tight = try await DeliveryHarness { $0.limits.maximumSteps = 200 }
        try await tight.setScript(script)
        #expect(try await tight.deliver(subject) == .delivered(mailboxes: ["INBOX"]))
        #expect(try await tight.log().first?.contains("failed") == true)
        await tight.close()
    }

    @Test func disabledExtensionsDoNotCompile() async throws {
        let harness = try await DeliveryHarness { $0.disable(["vacation"]) }
        try await harness.setScript(#"require "vacation"; vacation "Away.";"#)
        #expect(try await harness.deliver("Subject: a\n\nx\n") == .delivered(mailboxes: ["INBOX"]))
        #expect(try await harness.log().first?.contains("vacation") == true)
        await harness.close()
    }
}
