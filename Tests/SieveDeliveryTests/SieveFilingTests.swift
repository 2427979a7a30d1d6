import Foundation
import MailCore
import MailDelivery
import Testing

/// Filing decisions of Sieve at delivery, through the real Deliverer into the in-memory store.
@Suite struct SieveFilingTests {
    @Test func withoutAScriptTheMessageGoesToInbox() async throws {
        let harness = try await DeliveryHarness()
        let outcome = try await harness.deliver("Subject: hi\n\nHello\n")
        #expect(outcome == .delivered(mailboxes: ["INBOX"]))
        await harness.close()
    }

    /// RFC 5228 §9, the extended example (addresses adapted to the test domain).
    @Test func rfc5228ExtendedExample() async throws {
        let harness = try await DeliveryHarness(mailboxes: ["filter", "spam", "personal"])
        try await harness.setScript(#"""
            require "fileinto";
            if header :is "Sender" "owner-ietf-mta-filters@imc.org"
                    { fileinto "filter"; }  # move to "filter" mailbox
            elsif address :DOMAIN :is ["From", "To"] "example.com"
                    { keep; }               # keep in "In" mailbox
            elsif anyof (NOT address :all :contains
                           ["To", "Cc", "Bcc"] "alice@example.org",
                         header :matches "subject"
                           ["*make*money*fast*", "*university*dipl*mas*"])
                    { fileinto "spam"; }    # move to "spam" mailbox
            else
                    { fileinto "personal"; }
            """#)
        try await harness.deliver("Sender: owner-ietf-mta-filters@imc.org\nTo: alice@example.org\nSubject: a\n\nx\n")
        try await harness.deliver("From: carol@example.com\nTo: alice@example.org\nSubject: b\n\nx\n")
        try await harness.deliver("From: dave@example.net\nTo: alice@example.org\nSubject: make lots of money fast\n\nx\n")
        try await harness.deliver("From: dave@example.net\nTo: someone@example.net\nSubject: c\n\nx\n")
        try await harness.deliver("From: dave@example.net\nTo: alice@example.org\nSubject: lunch?\n\nx\n")
        #expect(try await harness.counts() == ["filter": 1, "INBOX": 1, "spam": 2, "personal": 1])
        await harness.close()
    }

    /// RFC 5232 §6 examples: flags set by the script are stored on the message, by `keep`,
    /// by `fileinto :flags` and on the implicit keep.
    @Test func imap4flagsAreStoredOnTheMessage() async throws {
        let harness = try await DeliveryHarness(mailboxes: ["Boss"])
        try await harness.setScript(#"""
            require ["imap4flags", "fileinto"];
            if header :contains "from" "boss@example.org" {
                addflag "\\Flagged";
                fileinto :flags ["\\Seen", "$Work"] "Boss";
            }
            if header :contains "subject" "money" {
                setflag "\\Deleted";
            }
            addflag "$Filtered";
            """#)
        try await harness.deliver("From: boss@example.org\nSubject: report\n\nx\n")
        try await harness.deliver("From: x@example.net\nSubject: money\n\nx\n")
        let boss = try #require(try await harness.messages(in: "Boss"))
        #expect(boss.count == 1)
        #expect(boss[0].flags == MessageFlags([.seen, .keyword("$Work")]))
        let inbox = try #require(try await harness.messages(in: "INBOX"))
        // The first message's implicit keep was cancelled by fileinto; the second keeps with
        // the flags in force at the end (RFC 5232 §5).
        #expect(inbox.count == 1)
        #expect(inbox[0].flags == MessageFlags([.deleted, .keyword("$Filtered")]))
        await harness.close()
    }

    /// RFC 5229 §3 example: a match variable names the mailbox; `:create` (RFC 5490) makes it.
    @Test func variablesAndCreate() async throws {
        let harness = try await DeliveryHarness()
        try await harness.setScript(#"""
            require ["variables", "fileinto", "mailbox"];
            if header :matches "List-ID" "*<*@*" {
                fileinto :create "lists/${2}"; stop;
            }
            """#)
        let outcome = try await harness.deliver("List-ID: Tern developers <tern-dev@lists.example.org>\nSubject: x\n\nx\n")
        #expect(outcome == .delivered(mailboxes: ["lists/tern-dev"]))
        #expect(try await harness.messages(in: "lists/tern-dev")?.count == 1)
        await harness.close()
    }

    /// RFC 5233 §4: `envelope :detail`, and `keep` files into the subaddress folder (the
    /// deliverer's default target) when it exists.
    @Test func subaddressDetailAndKeepIntoTheDetailFolder() async throws {
        let harness = try await DeliveryHarness(mailboxes: ["lists", "Orders"])
        try await harness.setScript(#"""
            require ["envelope", "subaddress", "fileinto"];
            if envelope :detail "to" "shop" { fileinto "Orders"; }
            """#)
        #expect(try await harness.deliver("Subject: a\n\nx\n", to: "alice+shop@example.org")
                == .delivered(mailboxes: ["Orders"]))
        #expect(try await harness.deliver("Subject: b\n\nx\n", to: "alice+lists@example.org")
                == .delivered(mailboxes: ["lists"]))
        #expect(try await harness.deliver("Subject: c\n\nx\n", to: "alice+nothing@example.org")
                == .delivered(mailboxes: ["INBOX"]))
        await harness.close()
    }

    @Test func environmentItemsDescribeTheDelivery() async throws {
        let harness = try await DeliveryHarness(mailboxes: ["ok"])
        try await harness.setScript(#"""
            require ["environment", "fileinto"];
            if allof (environment :is "location" "MDA", environment :is "phase" "during",
                      environment :is "domain" "example.org", environment :is "host" "mx.example.org",
                      environment :is "remote-ip" "192.0.2.7") { fileinto "ok"; }
            """#)
        #expect(try await harness.deliver("Subject: a\n\nx\n") == .delivered(mailboxes: ["ok"]))
        await harness.close()
    }

    @Test func fileintoAMissingMailboxGoesToInboxAndIsLogged() async throws {
        let harness = try await DeliveryHarness()
        try await harness.setScript(#"require "fileinto"; fileinto "Nowhere";"#)
        #expect(try await harness.deliver("Subject: a\n\nx\n") == .delivered(mailboxes: ["INBOX"]))
        #expect(try await harness.messages(in: "Nowhere") == nil)
        #expect(try await harness.log().contains { $0.contains("\"Nowhere\"") && $0.contains("INBOX") })
        await harness.close()
    }

    @Test func fileintoAnInvalidNameGoesToInbox() async throws {
        let harness = try await DeliveryHarness()
        try await harness.setScript(#"require ["fileinto", "mailbox"]; fileinto :create "a/../b";"#)
        #expect(try await harness.deliver("Subject: a\n\nx\n") == .delivered(mailboxes: ["INBOX"]))
        #expect(try await harness.log().contains { $0.contains("not a valid mailbox name") })
        await harness.close()
    }

    @Test func discardStoresNothing() async throws {
        let harness = try await DeliveryHarness()
        try await harness.setScript(#"if header :contains "subject" "spam" { discard; }"#)
        #expect(try await harness.deliver("Subject: spam offer\n\nx\n") == .delivered(mailboxes: []))
        #expect(try await harness.counts().isEmpty)
        await harness.close()
    }

    /// RFC 5429: reject and ereject refuse the message for this recipient (LMTP 550 5.7.1).
    @Test func rejectRefusesTheRecipient() async throws {
        let harness = try await DeliveryHarness()
        try await harness.setScript(#"require "reject"; reject "I do not want this";"#)
        #expect(try await harness.deliver("Subject: a\n\nx\n") == .rejected(reason: "I do not want this"))
        try await harness.setScript(#"require "ereject"; ereject "Go away";"#, name: "other")
        #expect(try await harness.deliver("Subject: a\n\nx\n") == .rejected(reason: "Go away"))
        #expect(try await harness.counts().isEmpty)
        await harness.close()
    }

    @Test func aScriptThatDoesNotCompileKeepsAndLogs() async throws {
        let harness = try await DeliveryHarness()
        try await harness.setScript("require \"fileinto\";\nfileinto \"x\"\nkeep;\n", name: "broken")
        #expect(try await harness.deliver("Subject: a\n\nx\n") == .delivered(mailboxes: ["INBOX"]))
        let log = try await harness.log()
        #expect(log.count == 1)
        #expect(log.first?.contains("script \"broken\" does not compile: line 3") == true)
        await harness.close()
    }

    @Test func aRuntimeErrorKeepsAndLogs() async throws {
        let harness = try await DeliveryHarness(mailboxes: ["a"])
        // include of a script that does not exist is a runtime error (RFC 6609 §3.2).
        try await harness.setScript(#"require ["include", "fileinto"]; fileinto "a"; include "missing";"#)
        #expect(try await harness.deliver("Subject: a\n\nx\n") == .delivered(mailboxes: ["INBOX"]))
        #expect(try await harness.log().contains { $0.contains("failed") && $0.contains("kept") })
        await harness.close()
    }

    /// RFC 6609: personal scripts come from the user's other scripts, global ones from the
    /// configured directory.
    @Test func includePersonalAndGlobal() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tern-global-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try Array(#"require "imap4flags"; addflag "$Global";"#.utf8).withUnsafeBytes {
            try Data($0).write(to: URL(fileURLWithPath: directory + "/flags.sieve"))
        }
        let harness = try await DeliveryHarness(mailboxes: ["Work"]) { $0.globalScriptDirectory = directory }
        try await harness.setScript(#"require "fileinto"; if header :contains "subject" "work" { fileinto "Work"; }"#,
                                    name: "rules")
        try await harness.setScript(#"""
            require ["include", "imap4flags"];
            include :global "flags";
            include :personal "rules";
            """#)
        try await harness.deliver("Subject: work item\n\nx\n")
        let work = try #require(try await harness.messages(in: "Work"))
        #expect(work.count == 1)
        #expect(work.first?.flags.contains(Flag.keyword("$Global")) == true)
        await harness.close()
    }

    /// A message larger than the whole-message bound: the script sees its beginning (a body
    /// test on it matches, one on the end does not) and `size` the real size.
    @Test func aLargeMessageIsSeenAsItsBeginningWithItsRealSize() async throws {
        let harness = try await DeliveryHarness(mailboxes: ["big", "tail"]) {
            $0.maximumWholeMessageSize = 64 << 10
            $0.bodyPrefixSize = 16 << 10
        }
        try await harness.setScript(#"""
            require ["body", "fileinto"];
            if body :contains "THE-END" { fileinto "tail"; }
            elsif allof (size :over 1M, body :contains "THE-START", header :is "subject" "large") { fileinto "big"; }
            """#)
        let line = String(repeating: "0123456789", count: 7) + "\n"
        let body = "THE-START\n" + String(repeating: line, count: 20_000) + "THE-END\n"
        #expect(try await harness.deliver("Subject: large\n\n" + body) == .delivered(mailboxes: ["big"]))
        await harness.close()
    }

    @Test func sqliteBackendFilesWithFlagsAndLogs() async throws {
        let harness = try await DeliveryHarness(backend: .sqlite, mailboxes: ["Boss"])
        try await harness.setScript(#"""
            require ["imap4flags", "fileinto"];
            if header :contains "from" "boss" { fileinto :flags "\\Flagged" "Boss"; } else { fileinto "Missing"; }
            """#)
        try await harness.deliver("From: boss@example.org\nSubject: a\n\nx\n")
        try await harness.deliver("From: other@example.org\nSubject: b\n\nx\n")
        #expect(try await harness.messages(in: "Boss")?.first?.flags == MessageFlags([.flagged]))
        #expect(try await harness.counts() == ["Boss": 1, "INBOX": 1])
        #expect(try await harness.log().count == 1)
        await harness.close()
    }
}
