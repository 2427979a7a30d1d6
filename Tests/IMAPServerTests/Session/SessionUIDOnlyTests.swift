@testable import IMAPServer
import Testing

/// UIDONLY (RFC 9586) in a session: after ENABLE UIDONLY, sequence numbers are refused with
/// `BAD [UIDREQUIRED]`, FETCH responses become UIDFETCH and expunges VANISHED.
@Suite("Session: UIDONLY")
struct SessionUIDOnlyTests {
    @Test("ENABLE UIDONLY; numbered commands refused (§3, §3.2, §3.5); UIDFETCH (§3.3); VANISHED (§3.4, §3.6)")
    func uidOnly() async throws {
        try await SessionHarness.with { harness async throws in
            for index in 1...3 { try await harness.deliver(SessionHarness.message(index), to: "alice") }
            let client = try harness.connect()
            #expect(try await client.send("a LOGIN alice secret\r\n").contains(" UIDONLY"))
            #expect(try await client.send("b ENABLE UIDONLY\r\n") == "* ENABLED UIDONLY\r\nb OK ENABLE completed\r\n")
            let selected = try await client.send("c SELECT INBOX\r\n")
            #expect(!selected.contains("[UNSEEN "), "no sequence number in any response: \(selected)")
            let refusal = "BAD [UIDREQUIRED] Message numbers are not allowed once UIDONLY is enabled\r\n"
            for command in ["FETCH 1 FLAGS", "STORE 1 +FLAGS (\\Seen)", "SEARCH ALL", "COPY 1 INBOX", "MOVE 1 INBOX",
                            "SORT (DATE) UTF-8 ALL", "THREAD REFERENCES UTF-8 ALL", "UID SEARCH 1:2",
                            "UID SEARCH NOT (OR 1 SEEN)", "FETCH * UID"] {
                #expect(try await client.send("d \(command)\r\n") == "d \(refusal)", "\(command)")
            }
            #expect(try await client.send("e UID FETCH 1:2 (FLAGS)\r\n")
                    == "* 1 UIDFETCH (FLAGS (\\Recent))\r\n* 2 UIDFETCH (FLAGS (\\Recent))\r\ne OK UID FETCH completed\r\n")
            #expect(try await client.send("f UID STORE 2 +FLAGS (\\Deleted)\r\n")
                    == "* 2 UIDFETCH (FLAGS (\\Deleted \\Recent))\r\nf OK UID STORE completed\r\n")
            #expect(try await client.send("g UID SEARCH UID 2:* DELETED\r\n") == "* SEARCH 2\r\ng OK UID SEARCH completed\r\n")
            #expect(try await client.send("h EXPUNGE\r\n") == "* VANISHED 2\r\nh OK EXPUNGE completed\r\n")
            #expect(try await client.send("i UID REPLACE 3 INBOX {3+}\r\nabc\r\n").contains("* VANISHED 3\r\n"))
            #expect(try await client.send("j REPLACE 1 INBOX {3+}\r\nabc\r\n") == "j \(refusal)")
        }
    }

    @Test("Changes by another session come as UIDFETCH and VANISHED (RFC 9586 §3.6)")
    func otherSessions() async throws {
        try await SessionHarness.with { harness async throws in
            for index in 1...2 { try await harness.deliver(SessionHarness.message(index), to: "alice") }
            let client = try harness.connect()
            _ = try await client.send("a LOGIN alice secret\r\nb ENABLE UIDONLY\r\nc SELECT INBOX\r\n")
            let other = try harness.connect()
            _ = try await other.logInAndSelect("alice")
            #expect(try await other.send("d STORE 1 +FLAGS (\\Flagged)\r\n").contains("d OK"))
            #expect(try await other.send("e STORE 2 +FLAGS (\\Deleted)\r\nf EXPUNGE\r\n").contains("f OK"))
            let told = try await client.send("g NOOP\r\n")
            #expect(told == "* VANISHED 2\r\n* 1 UIDFETCH (FLAGS (\\Flagged \\Recent))\r\ng OK NOOP completed\r\n", "\(told)")
        }
    }
}
