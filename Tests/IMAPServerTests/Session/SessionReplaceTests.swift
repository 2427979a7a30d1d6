@testable import IMAPServer
import Testing

/// REPLACE and UID REPLACE (RFC 8508) in a session: the APPENDUID in an untagged OK before the
/// EXPUNGE (§4.3), the selected state only (§3.5), errors that change nothing (§3.4).
@Suite("Session: REPLACE")
struct SessionReplaceTests {
    static let draft = "From: fritz@example.org\r\nSubject: happy new year\r\n\r\nJust saw the fireworks.\r\n"

    @Test("REPLACE 1 Drafts: OK [APPENDUID], EXPUNGE, EXISTS, tagged OK (RFC 8508 §3.2 example)")
    func replaceInSelectedMailbox() async throws {
        try await SessionHarness.with { harness async throws in
            let client = try harness.connect()
            #expect(try await client.send("a LOGIN alice secret\r\n").contains(" REPLACE"))
            try await client.send("b CREATE Drafts\r\n")
            for index in 1...2 {
                let message = SessionHarness.message(index)
                #expect(try await client.send("c APPEND Drafts {\(message.utf8.count)+}\r\n\(message)\r\n").contains("c OK"))
            }
            let selected = try await client.send("d SELECT Drafts\r\n")
            let validity = try #require(selected.firstMatch(of: /UIDVALIDITY (\d+)/)?.1)
            let size = Self.draft.utf8.count
            #expect(try await client.send("e REPLACE 1 Drafts (\\Seen \\Draft) {\(size)}\r\n") == "+ Ready for literal data\r\n")
            let answer = try await client.send("\(Self.draft)\r\n")
            #expect(answer == "* OK [APPENDUID \(validity) 3] Replacement Message ready\r\n* 1 EXPUNGE\r\n"
                    + "* 2 EXISTS\r\n* 2 RECENT\r\ne OK REPLACE completed\r\n", "\(answer)")
            let fetched = try await client.send("f UID FETCH 1:* (FLAGS)\r\n")
            #expect(fetched == "* 1 FETCH (UID 2 FLAGS (\\Recent))\r\n* 2 FETCH (UID 3 FLAGS (\\Seen \\Draft \\Recent))\r\n"
                    + "f OK UID FETCH completed\r\n", "\(fetched)")
        }
    }

    @Test("UID REPLACE into another mailbox; refusals that leave everything as it was")
    func uidReplaceAndRefusals() async throws {
        try await SessionHarness.with { harness async throws in
            let client = try harness.connect()
            let size = Self.draft.utf8.count
            #expect(try await client.send("a LOGIN alice secret\r\nb CREATE Sent\r\n").contains("b OK"))
            #expect(try await client.send("c REPLACE 1 INBOX {\(size)+}\r\n\(Self.draft)\r\n")
                    == "c BAD REPLACE: Select a mailbox first\r\n")
            try await harness.deliver(SessionHarness.message(1), to: "alice")
            try await client.send("d SELECT INBOX\r\n")
            #expect(try await client.send("e REPLACE 2 Sent {\(size)+}\r\n\(Self.draft)\r\n")
                    == "e BAD Invalid message sequence number\r\n")
            #expect(try await client.send("f UID REPLACE 99 Sent {\(size)+}\r\n\(Self.draft)\r\n")
                    .hasPrefix("f NO "))
            #expect(try await client.send("g UID REPLACE 1 Nowhere {\(size)+}\r\n\(Self.draft)\r\n")
                    .hasPrefix("g NO [TRYCREATE]"))
            #expect(try await client.send("h UID REPLACE 1 Sent {1+}\r\nx {1+}\r\ny\r\n").hasPrefix("h BAD"))
            #expect(try await client.send("i FETCH 1 UID\r\n") == "* 1 FETCH (UID 1)\r\ni OK FETCH completed\r\n")
            let answer = try await client.send("j UID REPLACE 1 Sent {\(size)+}\r\n\(Self.draft)\r\n")
            #expect(answer.hasPrefix("* OK [APPENDUID "), "\(answer)")
            #expect(answer.hasSuffix("* 1 EXPUNGE\r\nj OK UID REPLACE completed\r\n"), "\(answer)")
            try await client.send("k EXAMINE Sent\r\n")
            #expect(try await client.send("l REPLACE 1 Sent {\(size)+}\r\n\(Self.draft)\r\n").hasPrefix("l NO [READ-ONLY]"))
        }
    }
}
