@testable import IMAPServer
import MailCore
import MailStore
import Testing

/// THREADID (RFC 8474 §5.2, §6) and THREAD REFS through the session.
@Suite("Session: THREADID and THREAD REFS")
struct SessionThreadIDTests {
    static func message(_ id: String, references: String? = nil, day: Int) -> String {
        var text = "From: a@x\r\nSubject: s\(id)\r\nMessage-ID: <\(id)>\r\nDate: \(day) Jan 2024 10:00:00 +0000\r\n"
        if let references { text += "References: \(references)\r\n" }
        return text + "\r\nBody\r\n"
    }

    @Test("FETCH THREADID: replies share their parent's; stable across sessions and mailboxes; SEARCH THREADID finds them")
    func threadIDs() async throws {
        try await SessionHarness.with { harness async throws in
            let client = try harness.connect()
            try await client.send("l LOGIN alice secret\r\nm CREATE Sent\r\n")
            _ = try await harness.deliver(Self.message("1@x", day: 1), to: "alice")
            _ = try await harness.deliver(Self.message("2@x", day: 2), to: "alice")
            _ = try await harness.deliver(Self.message("3@x", references: "<1@x>", day: 3), to: "alice")
            _ = try await harness.deliver(Self.message("4@x", references: "<1@x> <3@x>", day: 4), to: "alice", mailbox: "Sent")
            try await client.send("s SELECT INBOX\r\n")
            expectText(try await client.send("a FETCH 1:* (THREADID)\r\n"), "* 1 FETCH (THREADID (T1))\r\n* 2 FETCH (THREADID (T2))\r\n* 3 FETCH (THREADID (T1))\r\n"
                    + "a OK FETCH completed\r\n")
            expectText(try await client.send("b UID SEARCH THREADID T1\r\n"), "* SEARCH 1 3\r\nb OK UID SEARCH completed\r\n")
            expectText(try await client.send("c SEARCH NOT THREADID T1\r\n"), "* SEARCH 2\r\nc OK SEARCH completed\r\n")
            expectText(try await client.send("d SEARCH THREADID T9\r\n"), "* SEARCH\r\nd OK SEARCH completed\r\n")
            let other = try harness.connect()
            try await other.logInAndSelect("alice", "Sent")
            #expect(try await other.send("e FETCH 1 (THREADID EMAILID)\r\n").hasPrefix("* 1 FETCH (THREADID (T1) EMAILID ("))
            expectText(try await client.send("f THREAD REFS UTF-8 ALL\r\n"), "* THREAD (2)(1 3)\r\nf OK THREAD completed\r\n")
        }
    }
}
