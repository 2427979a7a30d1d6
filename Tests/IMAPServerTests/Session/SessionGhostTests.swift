@testable import IMAPServer
import MailCore
import MailStore
import Testing

/// A session that still lists a message another session expunged fetches it from its ghost,
/// and FETCH, STORE and SEARCH answer OK, until the session is told of the expunge
/// (RFC 2180 §4.1.1, §4.2, §4.3; RFC 3501 §7.4.1).
@Suite("Session: messages expunged by another session, not yet told")
struct SessionGhostTests {
    /// Three messages; `writer` expunges message 2 while `reader` has the mailbox selected.
    static func expungeSecond(_ harness: SessionHarness) async throws -> (reader: SessionClient, writer: SessionClient) {
        for index in 1...3 { try await harness.deliver(SessionHarness.message(index), to: "alice") }
        let (reader, writer) = try await harness.readerAndWriter("alice")
        #expect(try await writer.send("w STORE 2 +FLAGS.SILENT (\\Deleted)\r\nx EXPUNGE\r\n")
                == "w OK STORE completed\r\n* 2 EXPUNGE\r\nx OK EXPUNGE completed\r\n")
        return (reader, writer)
    }

    static func literal(_ text: String) -> String { "{\(text.utf8.count)}\r\n\(text)" }

    @Test("FETCH answers every message still listed, the expunged one from its ghost, with OK (RFC 2180 §4.1.1)")
    func fetchAnswersTheGhost() async throws {
        try await SessionHarness.with { harness async throws in
            let (reader, _) = try await Self.expungeSecond(harness)
            let fetch = try await reader.send("a FETCH 1:3 (FLAGS BODY[])\r\n")
            #expect(fetch == """
                * 1 FETCH (FLAGS (\\Seen \\Recent) BODY[] \(Self.literal(SessionHarness.message(1))))\r
                * 2 FETCH (FLAGS (\\Deleted \\Recent) BODY[] \(Self.literal(SessionHarness.message(2))))\r
                * 3 FETCH (FLAGS (\\Seen \\Recent) BODY[] \(Self.literal(SessionHarness.message(3))))\r
                a OK FETCH completed\r

                """, "the ghost keeps its flags as they were at the expunge: \(fetch)")
            #expect(try await reader.send("b FETCH 1:3 (FLAGS)\r\n") == """
                * 1 FETCH (FLAGS (\\Seen \\Recent))\r
                * 2 FETCH (FLAGS (\\Deleted \\Recent))\r
                * 3 FETCH (FLAGS (\\Seen \\Recent))\r
                b OK FETCH completed\r

                """)
            let items = try await reader.send(
                "c FETCH 2 (UID RFC822.SIZE ENVELOPE BODYSTRUCTURE BINARY.PEEK[1] BODY.PEEK[HEADER.FIELDS (SUBJECT)])\r\n")
            #expect(items.hasPrefix("* 2 FETCH (UID 2 RFC822.SIZE \(SessionHarness.message(2).utf8.count) ENVELOPE ("),
                    "\(items)")
            #expect(items.contains("\"message 2\"") && items.contains(" BODYSTRUCTURE ("), "\(items)")
            #expect(items.contains("BINARY[1] {8}\r\nBody 2\r\n"), "\(items)")
            #expect(items.contains("BODY[HEADER.FIELDS (SUBJECT)] \(Self.literal("Subject: message 2\r\n\r\n"))"), "\(items)")
            #expect(items.hasSuffix(")\r\nc OK FETCH completed\r\n"), "\(items)")
            #expect(!items.contains("EXPUNGE"), "never during FETCH (RFC 3501 §7.4.1)")

            #expect(try await reader.send("d NOOP\r\n") == "* 2 EXPUNGE\r\nd OK NOOP completed\r\n")
            #expect(try await reader.send("e FETCH 1:* (UID)\r\n")
                    == "* 1 FETCH (UID 1)\r\n* 2 FETCH (UID 3)\r\ne OK FETCH completed\r\n", "the ghost left the view")
            #expect(try await reader.send("f FETCH 3 (UID)\r\n") == "f BAD Invalid message sequence number\r\n")
        }
    }

    @Test("STORE answers OK and leaves the ghost alone, unreported (RFC 2180 §4.2; as Dovecot)")
    func storeLeavesTheGhostAlone() async throws {
        try await SessionHarness.with { harness async throws in
            let (reader, writer) = try await Self.expungeSecond(harness)
            #expect(try await reader.send("a STORE 1:3 +FLAGS (\\Flagged)\r\n") == """
                * 1 FETCH (FLAGS (\\Flagged \\Recent))\r
                * 3 FETCH (FLAGS (\\Flagged \\Recent))\r
                a OK STORE completed\r

                """)
            #expect(try await reader.send("b STORE 2 +FLAGS (\\Seen)\r\n") == "b OK STORE completed\r\n")
            #expect(try await reader.send("c STORE 2:3 -FLAGS.SILENT (\\Flagged)\r\n") == "c OK STORE completed\r\n")
            #expect(try await reader.send("d FETCH 2:3 (FLAGS)\r\n")
                    == "* 2 FETCH (FLAGS (\\Deleted \\Recent))\r\n* 3 FETCH (FLAGS (\\Recent))\r\nd OK FETCH completed\r\n",
                    "the ghost is as it was")
            #expect(try await writer.send("e NOOP\r\n")
                    == "* 1 FETCH (FLAGS (\\Flagged))\r\n* 2 FETCH (FLAGS ())\r\ne OK NOOP completed\r\n",
                    "only the live messages' changes reach the others")
            #expect(try await reader.send("f NOOP\r\n") == "* 2 EXPUNGE\r\nf OK NOOP completed\r\n")
        }
    }

    @Test("SEARCH matches the ghost as it was, as FETCH shows it (RFC 2180 §4.3 lets a server choose)")
    func searchSeesTheGhost() async throws {
        try await SessionHarness.with { harness async throws in
            let (reader, _) = try await Self.expungeSecond(harness)
            #expect(try await reader.send("a SEARCH ALL\r\n") == "* SEARCH 1 2 3\r\na OK SEARCH completed\r\n")
            #expect(try await reader.send("b SEARCH DELETED\r\n") == "* SEARCH 2\r\nb OK SEARCH completed\r\n")
            #expect(try await reader.send("c SEARCH SUBJECT \"message 2\"\r\n") == "* SEARCH 2\r\nc OK SEARCH completed\r\n")
            #expect(try await reader.send("d SEARCH BODY \"Body 2\"\r\n") == "* SEARCH 2\r\nd OK SEARCH completed\r\n")
            #expect(try await reader.send("e NOOP\r\n") == "* 2 EXPUNGE\r\ne OK NOOP completed\r\n")
            #expect(try await reader.send("f SEARCH BODY \"Body 2\"\r\n") == "* SEARCH\r\nf OK SEARCH completed\r\n")
        }
    }

    @Test("COPY by number still refuses a set naming an expunged message, with the EXPUNGE (RFC 2180 §4.4.1)")
    func copyRefusesTheGhost() async throws {
        try await SessionHarness.with { harness async throws in
            let (reader, writer) = try await Self.expungeSecond(harness)
            #expect(try await writer.send("a CREATE Dest\r\n").hasPrefix("a OK"))
            #expect(try await reader.send("b COPY 1:3 Dest\r\n")
                    == "* 2 EXPUNGE\r\nb NO [EXPUNGEISSUED] Some messages were expunged by another session\r\n")
        }
    }

    @Test("MOVE by number moves the messages still there and tells of all the expunges (RFC 6851 §3)")
    func moveSkipsTheGhost() async throws {
        try await SessionHarness.with { harness async throws in
            let (reader, writer) = try await Self.expungeSecond(harness)
            #expect(try await writer.send("a CREATE Dest\r\n").hasPrefix("a OK"))
            let move = try await reader.send("b MOVE 1:3 Dest\r\n")
            #expect(move.hasPrefix("* OK [COPYUID ") && move.contains(" 1,3 1:2] Moved\r\n"), "\(move)")
            #expect(move.hasSuffix("* 3 EXPUNGE\r\n* 1 EXPUNGE\r\n* 1 EXPUNGE\r\nb OK MOVE completed\r\n"),
                    "the moved messages, then the other session's expunge: \(move)")
        }
    }

    @Test("A message whose ghost is purged already is left out of FETCH with NO [EXPUNGEISSUED] (RFC 2180 §4.1.2)")
    func purgedGhost() async throws {
        try await SessionHarness.with { harness async throws in
            let (reader, _) = try await Self.expungeSecond(harness)
            try await harness.storage.housekeeping.purgeGhosts(expungedBefore: .max)
            #expect(try await reader.send("a FETCH 1:3 (UID)\r\n") == """
                * 1 FETCH (UID 1)\r
                * 3 FETCH (UID 3)\r
                a NO [EXPUNGEISSUED] Some messages were expunged by another session and are gone\r

                """)
            let body = try await reader.send("b FETCH 2:3 (BODY.PEEK[])\r\n")
            #expect(body.hasPrefix("* 3 FETCH (BODY[] {"), "\(body)")
            #expect(body.hasSuffix("b NO [EXPUNGEISSUED] Some messages were expunged by another session and are gone\r\n"))
            #expect(try await reader.send("c STORE 1:3 +FLAGS.SILENT (\\Seen)\r\n") == "c OK STORE completed\r\n")
            #expect(try await reader.send("d SEARCH ALL\r\n") == "* SEARCH 1 2 3\r\nd OK SEARCH completed\r\n")
            #expect(try await reader.send("e NOOP\r\n") == "* 2 EXPUNGE\r\ne OK NOOP completed\r\n")
        }
    }
}
