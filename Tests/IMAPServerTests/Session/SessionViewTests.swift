@testable import IMAPServer
import MailCore
import MailStore
import Testing

/// Many sessions on one mailbox (RFC 2180 §4, RFC 3501 §7.4.1): each keeps its own view, and
/// learns of the others' changes only where the protocol allows.
@Suite("Session: views of one mailbox shared by several sessions")
struct SessionViewTests {
    @Test("Another session's EXPUNGE is withheld during FETCH, STORE and SEARCH, told by NOOP (RFC 2180 §4.1)")
    func expungeWithheld() async throws {
        try await SessionHarness.with { harness async throws in
            for index in 1...3 { try await harness.deliver(SessionHarness.message(index), to: "alice") }
            let (reader, writer) = try await harness.readerAndWriter("alice")
            #expect(try await writer.send("w STORE 2 +FLAGS.SILENT (\\Deleted)\r\nx EXPUNGE\r\n")
                    == "w OK STORE completed\r\n* 2 EXPUNGE\r\nx OK EXPUNGE completed\r\n")
            let fetch = try await reader.send("a FETCH 1:3 (UID)\r\n")
            #expect(!fetch.contains("* 2 EXPUNGE"), "\(fetch)")
            #expect(fetch.contains("* 1 FETCH (UID 1)") && fetch.contains("* 3 FETCH (UID 3)"))
            let store = try await reader.send("b STORE 1 +FLAGS.SILENT (\\Seen)\r\n")
            #expect(store == "b OK STORE completed\r\n")
            let search = try await reader.send("c SEARCH ALL\r\n")
            #expect(search == "* SEARCH 1 2 3\r\nc OK SEARCH completed\r\n", "the view still has 3 messages")
            #expect(try await reader.send("d NOOP\r\n") == "* 2 EXPUNGE\r\nd OK NOOP completed\r\n")
            #expect(try await reader.send("e SEARCH ALL\r\n") == "* SEARCH 1 2\r\ne OK SEARCH completed\r\n")
        }
    }

    @Test("UID FETCH may carry another session's EXPUNGE (RFC 3501 §7.4.1)")
    func uidCommandsAllowExpunge() async throws {
        try await SessionHarness.with { harness async throws in
            for index in 1...2 { try await harness.deliver(SessionHarness.message(index), to: "alice") }
            let (reader, writer) = try await harness.readerAndWriter("alice")
            try await writer.send("w STORE 1 +FLAGS.SILENT (\\Deleted)\r\nx EXPUNGE\r\n")
            let fetch = try await reader.send("a UID FETCH 2 (FLAGS)\r\n")
            // A UID command first catches up (issue 11 item 6), expunges included.
            #expect(fetch == "* 1 EXPUNGE\r\n* 1 FETCH (UID 2 FLAGS (\\Recent))\r\na OK UID FETCH completed\r\n",
                    "\(fetch)")
        }
    }

    @Test("Flag changes of another session arrive as FETCH; the session's own are not told twice")
    func flagChanges() async throws {
        try await SessionHarness.with { harness async throws in
            try await harness.deliver(SessionHarness.message(1), to: "alice")
            let first = try harness.connect()
            let second = try harness.connect()
            try await first.logInAndSelect("alice")
            try await second.logInAndSelect("alice")
            #expect(try await first.send("a STORE 1 +FLAGS (\\Flagged)\r\n")
                    == "* 1 FETCH (FLAGS (\\Flagged \\Recent))\r\na OK STORE completed\r\n")
            #expect(try await first.send("b NOOP\r\n") == "b OK NOOP completed\r\n", "own change not repeated")
            #expect(try await second.send("c NOOP\r\n") == "* 1 FETCH (FLAGS (\\Flagged))\r\nc OK NOOP completed\r\n")
        }
    }

    @Test("RECENT never exceeds EXISTS: a message appended during a catch-up waits for the next (RFC 3501 §7.3.2)")
    func recentNeverAboveExists() async throws {
        try await SessionHarness.with { harness async throws in
            let client = try harness.connect()
            try await client.logInAndSelect("alice")
            try await harness.deliver(SessionHarness.message(1), to: "alice")
            // A second message lands after the catch-up read the changes and before it claims
            // the recent ones.
            harness.faults.afterNextChanges { try await harness.deliver(SessionHarness.message(2), to: "alice") }
            #expect(try await client.send("a NOOP\r\n") == "* 1 EXISTS\r\n* 1 RECENT\r\na OK NOOP completed\r\n")
            #expect(try await client.send("b NOOP\r\n") == "* 2 EXISTS\r\n* 2 RECENT\r\nb OK NOOP completed\r\n")
            #expect(try await client.send("c FETCH 1:2 (FLAGS)\r\n")
                    == "* 1 FETCH (FLAGS (\\Recent))\r\n* 2 FETCH (FLAGS (\\Recent))\r\nc OK FETCH completed\r\n")
        }
    }

    @Test("New messages are \\Recent in exactly one session (RFC 3501 §2.3.2)")
    func recentInOneSession() async throws {
        try await SessionHarness.with { harness async throws in
            let first = try harness.connect()
            let second = try harness.connect()
            try await first.logInAndSelect("alice")
            try await second.logInAndSelect("alice")
            try await harness.deliver(SessionHarness.message(1), to: "alice")
            #expect(try await first.send("a NOOP\r\n") == "* 1 EXISTS\r\n* 1 RECENT\r\na OK NOOP completed\r\n")
            #expect(try await second.send("b NOOP\r\n") == "* 1 EXISTS\r\n* 0 RECENT\r\nb OK NOOP completed\r\n")
        }
    }
}

/// Large answers are read from the store a page at a time (issue: bounded memory).
@Suite("Session: FETCH and SEARCH read in pages")
struct SessionPagingTests {
    @Test("FETCH and SEARCH across page boundaries answer every message, in order")
    func pagesAnswerEverything() async throws {
        var configuration = ServerConfiguration()
        configuration.reading.pageSize = 2
        configuration.reading.searchBatchSize = 1
        try await SessionHarness.with(configuration: configuration) { harness async throws in
            for index in 1...5 {
                try await harness.deliver(SessionHarness.message(index), to: "alice", flags: index % 2 == 0 ? [.seen] : [])
            }
            let client = try harness.connect()
            try await client.logInAndSelect("alice")
            let states = try await client.send("a FETCH 1:* (UID FLAGS)\r\n")
            #expect(states.components(separatedBy: "FETCH (UID").count - 1 == 5, "\(states)")
            let envelopes = try await client.send("b FETCH 1:* (ENVELOPE)\r\n")
            for index in 1...5 { #expect(envelopes.contains("\"message \(index)\""), "\(envelopes)") }
            #expect(try await client.send("c SEARCH SEEN\r\n") == "* SEARCH 2 4\r\nc OK SEARCH completed\r\n")
            #expect(try await client.send("d SEARCH BODY \"Body 5\"\r\n") == "* SEARCH 5\r\nd OK SEARCH completed\r\n")
        }
    }
}

/// Issue 11 item 6: a UID learned on another connection can be acted on at once.
@Suite("Session: UID commands see messages appended by others")
struct SessionUIDCommandTests {
    @Test("UID STORE, UID FETCH, UID MOVE and UID EXPUNGE act on a message announced just before (RFC 3501 §7.3.1)")
    func uidCommandsAnnounceFirst() async throws {
        try await SessionHarness.with { harness async throws in
            let client = try harness.connect()
            try await client.logInAndSelect("alice")
            let uid = try await harness.deliver(SessionHarness.message(1), to: "alice")
            let store = try await client.send("a UID STORE \(uid.rawValue) +FLAGS (\\Deleted)\r\n")
            #expect(store.hasPrefix("* 1 EXISTS\r\n"), "announced first: \(store)")
            #expect(store.contains("* 1 FETCH (FLAGS (\\Deleted \\Recent) UID 1)"), "\(store)")
            #expect(try await client.send("b UID FETCH 1 (FLAGS)\r\n")
                    == "* 1 FETCH (UID 1 FLAGS (\\Deleted \\Recent))\r\nb OK UID FETCH completed\r\n")
            #expect(try await client.send("c UID EXPUNGE 1\r\n") == "* 1 EXPUNGE\r\nc OK UID EXPUNGE completed\r\n")
            #expect(try await client.send("d CREATE Trash\r\n").hasPrefix("d OK"))
            let second = try await harness.deliver(SessionHarness.message(2), to: "alice")
            let move = try await client.send("e UID MOVE \(second.rawValue) Trash\r\n")
            #expect(move.hasPrefix("* 1 EXISTS\r\n"), "\(move)")
            #expect(move.contains("[COPYUID ") && move.contains("* 1 EXPUNGE\r\n"), "\(move)")
            #expect(move.hasSuffix("e OK UID MOVE completed\r\n"), "\(move)")
        }
    }
}
