import MailDelivery
import SieveDelivery
import Testing

/// Redirect and vacation, received by a real SMTP listener standing for the relay.
@Suite struct RelayActionTests {
    private static let personal = """
        From: Bob <bob@example.net>
        To: alice@example.org
        Subject: Meeting
        Message-ID: <m1@example.net>

        Are you in on Monday?
        """

    @Test func redirectSendsTheMessageWithALoopMarkAndTheOriginalSender() async throws {
        let harness = try await DeliveryHarness(relay: true)
        try await harness.setScript(#"redirect "carol@example.net";"#)
        #expect(try await harness.deliver(Self.personal + "\n.starts with a dot\n") == .delivered(mailboxes: []))
        let sent = try #require(await harness.sink?.waitForTransactions(1).first)
        #expect(sent.from == "bob@example.net")
        #expect(sent.to == ["carol@example.net"])
        #expect(sent.text.hasPrefix("X-Tern-Loop: <alice@example.org>\r\n"))
        #expect(!sent.text.contains("Return-Path:"))
        #expect(sent.text.contains("Received: from mta.example.org"))
        #expect(sent.text.hasSuffix("Are you in on Monday?\r\n.starts with a dot\r\n"))
        await harness.close()
    }

    @Test func redirectCopyAlsoKeeps() async throws {
        let harness = try await DeliveryHarness(relay: true)
        try await harness.setScript(#"require "copy"; redirect :copy "carol@example.net";"#)
        #expect(try await harness.deliver(Self.personal) == .delivered(mailboxes: ["INBOX"]))
        #expect(await harness.sink?.waitForTransactions(1).count == 1)
        await harness.close()
    }

    @Test func aMessageThatAlreadyPassedThisUserIsNotRedirectedAgain() async throws {
        let harness = try await DeliveryHarness(relay: true)
        try await harness.setScript(#"redirect "carol@example.net";"#)
        let looped = "X-Tern-Loop: <alice@example.org>\n" + Self.personal
        #expect(try await harness.deliver(looped) == .delivered(mailboxes: ["INBOX"]))
        #expect(try await harness.log().contains { $0.contains("loop") })
        #expect(harness.sink?.transactions.isEmpty == true)
        await harness.close()
    }

    @Test func tooManyRedirectHopsStop() async throws {
        let harness = try await DeliveryHarness(relay: true) { $0.maximumRedirectHops = 2 }
        try await harness.setScript(#"redirect "carol@example.net";"#)
        let oneHop = "X-Tern-Loop: <dave@example.org>\n" + Self.personal
        #expect(try await harness.deliver(oneHop) == .delivered(mailboxes: []))
        let twoHops = "X-Tern-Loop: <erin@example.org>\n" + oneHop
        #expect(try await harness.deliver(twoHops) == .delivered(mailboxes: ["INBOX"]))
        #expect(await harness.sink?.waitForTransactions(1).count == 1)
        await harness.close()
    }

    @Test func redirectsPerMessageAreLimitedAtTheEdge() async throws {
        let harness = try await DeliveryHarness(relay: true) { $0.limits.maximumRedirects = 2 }
        try await harness.setScript(#"redirect "a@example.net"; redirect "b@example.net";"#)
        #expect(try await harness.deliver(Self.personal) == .delivered(mailboxes: []))
        #expect(await harness.sink?.waitForTransactions(2).count == 2)
        try await harness.setScript(#"redirect "a@example.net"; redirect "b@example.net"; redirect "c@example.net";"#)
        #expect(try await harness.deliver(Self.personal) == .delivered(mailboxes: ["INBOX"]))
        #expect(harness.sink?.transactions.count == 2)  // none of the three went out
        #expect(try await harness.log().contains { $0.contains("failed") })
        await harness.close()
    }

    @Test func aRelayThatRefusesKeepsTheMessage() async throws {
        let sink = try await SMTPSink.start(.refuseRecipients("550 5.1.1 unknown"))
        let harness = try await DeliveryHarness {
            $0.relay = SMTPRelay(host: "127.0.0.1", port: sink.port)
        }
        try await harness.setScript(#"redirect "nobody@example.net";"#)
        #expect(try await harness.deliver(Self.personal) == .delivered(mailboxes: ["INBOX"]))
        #expect(try await harness.log().contains { $0.contains("550 5.1.1") && $0.contains("kept") })
        await sink.stop()
        await harness.close()
    }

    /// A relay that cannot be reached before anything was sent: try again later (451), so the
    /// redirect happens on the retry and nothing is stored twice.
    @Test func anUnreachableRelayIsATemporaryFailure() async throws {
        let sink = try await SMTPSink.start()
        let port = sink.port
        await sink.stop()
        let harness = try await DeliveryHarness { $0.relay = SMTPRelay(host: "127.0.0.1", port: port) }
        try await harness.setScript(#"redirect "carol@example.net";"#)
        #expect(try await harness.deliver(Self.personal) == .temporaryFailure(reason: "redirect failed, try again later"))
        #expect(try await harness.counts().isEmpty)
        await harness.close()
    }

    @Test func noRelayConfiguredKeeps() async throws {
        let harness = try await DeliveryHarness()
        try await harness.setScript(#"redirect "carol@example.net";"#)
        #expect(try await harness.deliver(Self.personal) == .delivered(mailboxes: ["INBOX"]))
        #expect(try await harness.log().contains { $0.contains("no SMTP relay") })
        await harness.close()
    }

    /// RFC 5230 §4.1/§4.2/§5: one response per sender and period, from `<>`, with the
    /// response fields; the message itself is kept.
    @Test func vacationIsSentOncePerPeriod() async throws {
        let harness = try await DeliveryHarness(relay: true)
        try await harness.setScript(#"""
            require "vacation";
            vacation :days 7 :subject "Out of office" "I am away until Monday.";
            """#)
        #expect(try await harness.deliver(Self.personal) == .delivered(mailboxes: ["INBOX"]))
        let first = try #require(await harness.sink?.waitForTransactions(1).first)
        #expect(first.from == "")
        #expect(first.to == ["bob@example.net"])
        for field in ["From: <alice@example.org>", "To: <bob@example.net>", "Subject: Out of office",
                      "In-Reply-To: <m1@example.net>", "References: <m1@example.net>",
                      "Auto-Submitted: auto-replied", "Date: "] {
            #expect(first.text.contains("\r\n" + field) || first.text.hasPrefix(field), "missing \(field)")
        }
        #expect(first.text.hasSuffix("\r\n\r\nI am away until Monday.\r\n"))
        // Within the period: no second response.
        harness.advance(seconds: 6 * 86_400)
        try await harness.deliver(Self.personal)
        // After it: a new one.
        harness.advance(seconds: 2 * 86_400)
        try await harness.deliver(Self.personal)
        #expect(await harness.sink?.waitForTransactions(2).count == 2)
        #expect(try await harness.messages(in: "INBOX")?.count == 3)
        await harness.close()
    }

    /// RFC 5230 §4.5, §4.6: no response to lists, to automatic messages, to the null sender,
    /// or to a message that does not name the user.
    @Test func vacationNeverAnswersListsAutomaticMailOrBounces() async throws {
        let harness = try await DeliveryHarness(relay: true)
        try await harness.setScript(#"require "vacation"; vacation "Away.";"#)
        try await harness.deliver("List-Id: <dev.lists.example.net>\n" + Self.personal)
        try await harness.deliver("Auto-Submitted: auto-generated\n" + Self.personal)
        try await harness.deliver("Precedence: bulk\n" + Self.personal)
        try await harness.deliver(Self.personal, from: "")
        try await harness.deliver(Self.personal, from: "mailer-daemon@example.net")
        try await harness.deliver(Self.personal.replacing("To: alice@example.org", with: "To: team@example.net"))
        try await harness.deliver(Self.personal, from: "last@example.net")  // the one that is answered
        let sent = await harness.sink?.waitForTransactions(1) ?? []
        #expect(sent.map(\.to) == [["last@example.net"]])
        #expect(try await harness.messages(in: "INBOX")?.count == 7)
        await harness.close()
    }

    /// RFC 5230 §4.3, §5: a non-ASCII subject is RFC 2047 encoded, a non-ASCII reason sent as
    /// UTF-8 quoted-printable.
    @Test func vacationInUnicodeIsEncoded() async throws {
        let harness = try await DeliveryHarness(relay: true)
        try await harness.setScript(#"require "vacation"; vacation :subject "Abwesend – Grüße" "Ich bin weg. Grüße";"#)
        try await harness.deliver(Self.personal)
        let sent = try #require(await harness.sink?.waitForTransactions(1).first)
        #expect(sent.text.contains("Subject: =?UTF-8?B?"))
        #expect(sent.text.contains("Content-Type: text/plain; charset=utf-8"))
        #expect(sent.text.contains("Ich bin weg. Gr=C3=BC=C3=9Fe"))
        #expect(sent.text.utf8.allSatisfy { $0 < 0x80 })
        await harness.close()
    }

    @Test func vacationOnSQLiteUsesTheLedger() async throws {
        let harness = try await DeliveryHarness(backend: .sqlite, relay: true)
        try await harness.setScript(#"require "vacation"; vacation :handle "away" "Away.";"#)
        try await harness.deliver(Self.personal)
        try await harness.deliver(Self.personal)
        #expect(await harness.sink?.waitForTransactions(1).count == 1)
        let claimed = try await harness.storage.ledger.isClaimed("vacation:away:bob@example.net", for: harness.alice.id,
                                                                now: harness.now)
        #expect(claimed)
        await harness.close()
    }
}
