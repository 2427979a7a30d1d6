@testable import IMAPServer
import MailCore
import MailStore
import Testing

/// QUOTA (RFC 9208) in a session: what is advertised, GETQUOTA/GETQUOTAROOT/SETQUOTA, STATUS
/// DELETED-STORAGE, and `NO [OVERQUOTA]` from every command that adds (§4.3.1).
@Suite("Session: QUOTA")
struct SessionQuotaTests {
    static func setLimits(_ harness: SessionHarness, _ limits: QuotaLimits, of user: String = "alice") async throws {
        guard let account = try await harness.storage.accounts.user(named: user) else { throw HarnessError("no \(user)") }
        try await harness.storage.quotas.setQuotaLimits(limits, of: account.id)
    }

    static func append(_ tag: String, _ mailbox: String, _ message: String) -> String {
        "\(tag) APPEND \(mailbox) {\(message.utf8.count)+}\r\n\(message)\r\n"
    }

    /// A message of exactly `size` octets.
    static func message(size: Int, _ index: Int = 0) -> String {
        let head = "Subject: \(index)\r\n\r\n"
        return head + String(repeating: "y", count: size - head.utf8.count)
    }

    @Test("QUOTA and QUOTA=RES-* are advertised, QUOTASET is not (RFC 9208 §3.1.1, §4.1.3)")
    func capabilities() async throws {
        try await SessionHarness.with { harness async throws in
            let client = try harness.connect()
            let reply = try await client.send("a LOGIN alice secret\r\n")
            for name in ["QUOTA", "QUOTA=RES-STORAGE", "QUOTA=RES-MESSAGE", "QUOTA=RES-MAILBOX"] {
                #expect(reply.contains(" \(name) ") || reply.contains(" \(name)]"), "\(name) in \(reply)")
            }
            #expect(!reply.contains("QUOTASET"))
        }
    }

    @Test("GETQUOTAROOT names the user's root; GETQUOTA lists only what is limited, STORAGE in KiB (§4.1.1–2, §5.1)")
    func getQuota() async throws {
        try await SessionHarness.with { harness async throws in
            let client = try harness.connect()
            try await client.send("a LOGIN alice secret\r\n")
            #expect(try await client.send("b GETQUOTAROOT INBOX\r\n")
                    == "* QUOTAROOT \"INBOX\" \"User quota\"\r\n* QUOTA \"User quota\" ()\r\nb OK GETQUOTAROOT completed\r\n")
            try await harness.deliver(Self.message(size: 1500), to: "alice")
            try await Self.setLimits(harness, QuotaLimits(storage: 10 * 1024 + 1000, messages: 10))
            #expect(try await client.send("c GETQUOTA \"User quota\"\r\n")
                    == "* QUOTA \"User quota\" (STORAGE 2 10 MESSAGE 1 10)\r\nc OK GETQUOTA completed\r\n")
            // §4.1.2: the mailbox need not exist.
            #expect(try await client.send("d GETQUOTAROOT Nowhere/Yet\r\n")
                    .hasPrefix("* QUOTAROOT \"Nowhere/Yet\" \"User quota\"\r\n* QUOTA \"User quota\" (STORAGE 2 10 MESSAGE 1 10)\r\n"))
            #expect(try await client.send("e GETQUOTA \"#user/bob\"\r\n") == "e NO [NONEXISTENT] No such quota root\r\n")
            #expect(try await client.send("f SETQUOTA \"User quota\" (STORAGE 99999)\r\n")
                    == "f NO [NOPERM] Quota limits are set by the administrator (tern quota set)\r\n")
            #expect(try await client.send("g SETQUOTA (STORAGE 1)\r\n").hasPrefix("g BAD"))
            #expect(try await client.send("h NOOP\r\n") == "h OK NOOP completed\r\n", "the session goes on")
        }
    }

    @Test("the QUOTA commands need a login")
    func needLogin() async throws {
        try await SessionHarness.with { harness async throws in
            let client = try harness.connect()
            #expect(try await client.send("a GETQUOTAROOT INBOX\r\n").hasPrefix("a BAD"))
            #expect(try await client.send("b GETQUOTA \"User quota\"\r\n").hasPrefix("b BAD"))
        }
    }

    @Test("APPEND, MULTIAPPEND, COPY, MOVE to another owner and CREATE past a limit: NO [OVERQUOTA] (§4.3.1)")
    func overQuota() async throws {
        try await SessionHarness.with(users: ["alice", "bob"]) { harness async throws in
            let client = try harness.connect()
            try await client.send("a LOGIN alice secret\r\n")
            try await Self.setLimits(harness, QuotaLimits(storage: 3000, messages: 3, mailboxes: 2))
            #expect(try await client.send(Self.append("b", "INBOX", Self.message(size: 2000, 1))).contains("b OK [APPENDUID"))
            let over = try await client.send(Self.append("c", "INBOX", Self.message(size: 1001, 2)))
            #expect(over == "c NO [OVERQUOTA] Quota exceeded (STORAGE limit reached)\r\n", "\(over)")
            #expect(try await client.send(Self.append("d", "INBOX", Self.message(size: 1000, 3))).contains("d OK [APPENDUID"),
                    "up to the exact limit")
            try await Self.setLimits(harness, QuotaLimits(storage: 100_000, messages: 3, mailboxes: 2))
            let first = Self.message(size: 100, 4), second = Self.message(size: 100, 5)
            let multi = try await client.send(
                "e APPEND INBOX {\(first.utf8.count)+}\r\n\(first) {\(second.utf8.count)+}\r\n\(second)\r\n")
            #expect(multi.hasPrefix("e NO [OVERQUOTA]"), "MULTIAPPEND: all or nothing: \(multi)")
            #expect(try await client.send("f STATUS INBOX (MESSAGES)\r\n").contains("(MESSAGES 2)"))
            try await client.send("g SELECT INBOX\r\n")
            #expect(try await client.send("h COPY 1:2 INBOX\r\n").hasPrefix("h NO [OVERQUOTA]"))
            #expect(try await client.send("i CREATE Projects\r\n").hasPrefix("i OK"))
            #expect(try await client.send("j CREATE More\r\n") == "j NO [OVERQUOTA] Quota exceeded (MAILBOX limit reached)\r\n")
            #expect(try await client.send("k MOVE 1 Projects\r\n").contains("k OK"), "MOVE within one user")
            #expect(try await client.send("l NOOP\r\n").hasSuffix("l OK NOOP completed\r\n"))
        }
    }

    @Test("STATUS DELETED and DELETED-STORAGE: what EXPUNGE would free, in KiB rounded up (§4.1.4)")
    func statusDeletedStorage() async throws {
        try await SessionHarness.with { harness async throws in
            try await harness.deliver(Self.message(size: 3000, 1), to: "alice", flags: [.deleted])
            try await harness.deliver(Self.message(size: 500, 2), to: "alice", flags: [.deleted])
            try await harness.deliver(Self.message(size: 9000, 3), to: "alice")
            let client = try harness.connect()
            try await client.send("a LOGIN alice secret\r\n")
            #expect(try await client.send("b STATUS INBOX (MESSAGES DELETED DELETED-STORAGE)\r\n")
                    == "* STATUS \"INBOX\" (MESSAGES 3 DELETED 2 DELETED-STORAGE 4)\r\nb OK STATUS completed\r\n")
        }
    }
}
