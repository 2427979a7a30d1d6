@testable import IMAPServer
import MailCore
import Testing

/// What real clients found (issue 10), checked in-process; each case cites its RFC.
@Suite("Session: fidelity to what clients expect")
struct SessionFidelityTests {
    @Test("CONDSTORE: a moved HIGHESTMODSEQ is announced after APPEND and NOOP (RFC 7162 §3.1.2.1)")
    func highestModSeqAnnounced() async throws {
        try await SessionHarness.with { harness async throws in
            let client = try harness.connect()
            try await client.send("l LOGIN alice secret\r\ne ENABLE CONDSTORE\r\n")
            let select = try await client.send("s SELECT INBOX\r\n")
            #expect(select.contains("[HIGHESTMODSEQ 1]"), "\(select)")
            let append = try await client.send("a APPEND INBOX {26+}\r\nSubject: x\r\n\r\nHello here\r\n\r\n")
            #expect(append.contains("* 1 EXISTS\r\n"), "\(append)")
            #expect(append.contains("* OK [HIGHESTMODSEQ 2] "), "the APPEND's own change: \(append)")
            try await harness.deliver(SessionHarness.message(2), to: "alice")
            let noop = try await client.send("n NOOP\r\n")
            #expect(noop.contains("* 2 EXISTS\r\n") && noop.contains("* OK [HIGHESTMODSEQ 3] "), "\(noop)")
            #expect(try await client.send("m NOOP\r\n") == "m OK NOOP completed\r\n", "nothing moved: nothing said")
        }
    }

    @Test("Without CONDSTORE no HIGHESTMODSEQ is volunteered (RFC 7162 §3.1)")
    func noHighestModSeqWithoutCondstore() async throws {
        try await SessionHarness.with { harness async throws in
            let client = try harness.connect()
            try await client.logInAndSelect("alice")
            try await harness.deliver(SessionHarness.message(1), to: "alice")
            #expect(try await client.send("n NOOP\r\n") == "* 1 EXISTS\r\n* 1 RECENT\r\nn OK NOOP completed\r\n")
        }
    }

    @Test("A STORE that brings a new keyword sends FLAGS and PERMANENTFLAGS before its FETCH (RFC 3501 §7.2.6)")
    func newKeywordAnnouncedFirst() async throws {
        try await SessionHarness.with { harness async throws in
            try await harness.deliver(SessionHarness.message(1), to: "alice")
            let client = try harness.connect()
            try await client.logInAndSelect("alice")
            let store = try await client.send("a STORE 1 +FLAGS ($hello)\r\n")
            let flags = "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $hello)\r\n"
            let permanent = "* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $hello \\*)] Flags permitted\r\n"
            #expect(store == flags + permanent + "* 1 FETCH (FLAGS ($hello \\Recent))\r\na OK STORE completed\r\n",
                    "\(store)")
            #expect(try await client.send("b STORE 1 +FLAGS ($HELLO)\r\n")
                    == "* 1 FETCH (FLAGS ($hello \\Recent))\r\nb OK STORE completed\r\n",
                    "a known keyword, in another case: no FLAGS again")
        }
    }

    @Test("MOVE into the selected mailbox: new UIDs, COPYUID, EXPUNGE, EXISTS (RFC 6851 §3)")
    func moveIntoSelectedMailbox() async throws {
        try await SessionHarness.with { harness async throws in
            try await harness.deliver(SessionHarness.message(1), to: "alice", flags: [.flagged])
            let client = try harness.connect()
            let select = try await client.logInAndSelect("alice")
            let uidValidity = try #require(select.firstMatch(of: /UIDVALIDITY (\d+)/)?.1)
            let move = try await client.send("m MOVE 1 INBOX\r\n")
            // The moved message is new to every session: recent in this one (RFC 3501 §2.3.2).
            #expect(move == "* OK [COPYUID \(uidValidity) 1 2] Moved\r\n* 1 EXPUNGE\r\n* 1 EXISTS\r\n* 1 RECENT\r\nm OK MOVE completed\r\n",
                    "\(move)")
            #expect(try await client.send("f UID FETCH 1:* (FLAGS)\r\n")
                    == "* 1 FETCH (UID 2 FLAGS (\\Flagged \\Recent))\r\nf OK UID FETCH completed\r\n")
        }
    }
}
