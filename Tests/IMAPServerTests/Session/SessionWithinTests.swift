@testable import IMAPServer
import Testing

/// WITHIN (RFC 5032) in a session: advertised, and OLDER/YOUNGER against the INTERNALDATEs of
/// the selected mailbox at the time the command runs.
@Suite("Session: WITHIN")
struct SessionWithinTests {
    @Test("OLDER and YOUNGER split the mailbox by INTERNALDATE (RFC 5032 §3)")
    func olderAndYounger() async throws {
        try await SessionHarness.with { harness async throws in
            let client = try harness.connect()
            #expect(try await client.send("a LOGIN alice secret\r\n").contains(" WITHIN"))
            let message = SessionHarness.message(1)
            // An old message (an INTERNALDATE in 2020) and a new one (now).
            #expect(try await client.send("b APPEND INBOX \"01-Jan-2020 00:00:00 +0000\" {\(message.utf8.count)+}\r\n\(message)\r\n")
                .contains("b OK"))
            #expect(try await client.send("c APPEND INBOX {\(message.utf8.count)+}\r\n\(message)\r\n").contains("c OK"))
            try await client.send("d SELECT INBOX\r\n")
            #expect(try await client.send("e SEARCH OLDER 86400\r\n") == "* SEARCH 1\r\ne OK SEARCH completed\r\n")
            #expect(try await client.send("f SEARCH YOUNGER 3600\r\n") == "* SEARCH 2\r\nf OK SEARCH completed\r\n")
            let all = try await client.send("g UID SEARCH YOUNGER 4294967295\r\n")
            #expect(all == "* SEARCH 1 2\r\ng OK UID SEARCH completed\r\n", "\(all)")
            #expect(try await client.send("h SEARCH OLDER 0\r\n").hasPrefix("h BAD"))
        }
    }
}
