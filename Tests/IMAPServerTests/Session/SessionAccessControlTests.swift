@testable import IMAPServer
import MailCore
import MailStore
import Testing

/// ACL (RFC 4314) and the other users' and shared namespaces (RFC 2342) in a session.
@Suite("Session: ACL and namespaces")
struct SessionAccessControlTests {
    static func loggedIn(_ harness: SessionHarness, _ user: String) async throws -> SessionClient {
        let client = try harness.connect()
        let reply = try await client.send("l LOGIN \(user) secret\r\n")
        guard reply.contains("l OK") else { throw HarnessError("login failed: \(reply)") }
        return client
    }

    @Test("ACL, RIGHTS=texk and LIST-MYRIGHTS are advertised; NAMESPACE lists three namespaces (RFC 4314 §5, RFC 2342 §5)")
    func capabilitiesAndNamespace() async throws {
        try await SessionHarness.with { harness async throws in
            let client = try harness.connect()
            let reply = try await client.send("a LOGIN alice secret\r\n")
            for name in ["ACL", "RIGHTS=texk", "LIST-MYRIGHTS"] {
                #expect(reply.contains(" \(name) ") || reply.contains(" \(name)]"), "\(name) in \(reply)")
            }
            #expect(try await client.send("b NAMESPACE\r\n")
                    == "* NAMESPACE ((\"\" \"/\")) ((\"Other Users/\" \"/\")) ((\"Shared/\" \"/\"))\r\nb OK NAMESPACE completed\r\n")
        }
    }

    @Test("SETACL, GETACL, MYRIGHTS, LISTRIGHTS, DELETEACL on one's own mailbox (RFC 4314 §3)")
    func ownMailbox() async throws {
        try await SessionHarness.with(users: ["alice", "bob"]) { harness async throws in
            let alice = try await Self.loggedIn(harness, "alice")
            #expect(try await alice.send("a MYRIGHTS INBOX\r\n") == "* MYRIGHTS \"INBOX\" lrswipkxteacd\r\na OK MYRIGHTS completed\r\n")
            #expect(try await alice.send("b SETACL INBOX bob lr\r\n") == "b OK SETACL completed\r\n")
            #expect(try await alice.send("c SETACL INBOX bob +sc\r\n") == "c OK SETACL completed\r\n")
            #expect(try await alice.send("d SETACL INBOX -anyone d\r\n") == "d OK SETACL completed\r\n")
            #expect(try await alice.send("e GETACL INBOX\r\n")
                    == "* ACL \"INBOX\" alice lrswipkxteacd bob lrskc -anyone xted\r\ne OK GETACL completed\r\n")
            #expect(try await alice.send("f SETACL INBOX bob -k\r\n") == "f OK SETACL completed\r\n")
            #expect(try await alice.send("g LISTRIGHTS INBOX bob\r\n")
                    == "* LISTRIGHTS \"INBOX\" bob \"\" l r s w i p k x t e a c d\r\ng OK LISTRIGHTS completed\r\n")
            #expect(try await alice.send("h LISTRIGHTS INBOX alice\r\n").hasPrefix("* LISTRIGHTS \"INBOX\" alice la r s w i p k x t e c d\r\n"))
            #expect(try await alice.send("i DELETEACL INBOX -anyone\r\n") == "i OK DELETEACL completed\r\n")
            #expect(try await alice.send("j GETACL INBOX\r\n") == "* ACL \"INBOX\" alice lrswipkxteacd bob lrs\r\nj OK GETACL completed\r\n")
            #expect(try await alice.send("k SETACL INBOX bob lrz\r\n").hasPrefix("k BAD"), "an unknown right is BAD (§3.1)")
            #expect(try await alice.send("l GETACL Nowhere\r\n").hasPrefix("l NO [NONEXISTENT]"))
            // CRLF inside an identifier sent as a literal: refused, nothing stored.
            #expect(try await alice.send("n SETACL INBOX {4+}\r\na\r\nb lr\r\n")
                    == "n BAD SETACL: the identifier is neither a valid user name, anyone nor authenticated\r\n")
            #expect(try await alice.send("o GETACL INBOX\r\n") == "* ACL \"INBOX\" alice lrswipkxteacd bob lrs\r\no OK GETACL completed\r\n")
            #expect(try await alice.send("m NOOP\r\n") == "m OK NOOP completed\r\n", "the session goes on")
        }
    }

    @Test("a shared mailbox appears under Other Users/, opens read-only without write rights, and invisible ones look missing")
    func otherUsers() async throws {
        try await SessionHarness.with(users: ["alice", "bob", "carol"]) { harness async throws in
            let alice = try await Self.loggedIn(harness, "alice")
            #expect(try await alice.send("a CREATE Team\r\n").contains("a OK"))
            #expect(try await alice.send("b SETACL Team bob lr\r\n") == "b OK SETACL completed\r\n")
            try await harness.deliver(SessionHarness.message(1), to: "alice", mailbox: "Team")
            let bob = try await Self.loggedIn(harness, "bob")
            let list = try await bob.send("a LIST \"\" \"*\" RETURN (MYRIGHTS)\r\n")
            #expect(list.contains("* LIST (\\HasNoChildren) \"/\" \"Other Users/alice/Team\"\r\n* MYRIGHTS \"Other Users/alice/Team\" lr\r\n"),
                    "\(list)")
            #expect(!list.contains("Other Users/alice/INBOX"), "alice's INBOX is not shared")
            let top = try await bob.send("a2 LIST \"\" \"%\"\r\n")
            #expect(top.contains("* LIST (\\Noselect \\HasChildren) \"/\" \"Other Users\"\r\n"), "\(top)")
            let users = try await bob.send("a3 LIST \"Other Users/\" \"%\"\r\n")
            #expect(users == "* LIST (\\Noselect \\HasChildren) \"/\" \"Other Users/alice\"\r\na3 OK LIST completed\r\n",
                    "\(users)")
            let select = try await bob.send("b SELECT \"Other Users/alice/Team\"\r\n")
            #expect(select.contains("* 1 EXISTS") && select.contains("b OK [READ-ONLY]"), "\(select)")
            #expect(try await bob.send("c FETCH 1 (FLAGS)\r\n").contains("c OK"))
            #expect(try await bob.send("d STATUS \"Other Users/alice/Team\" (MESSAGES)\r\n")
                    == "* STATUS \"Other Users/alice/Team\" (MESSAGES 1)\r\nd OK STATUS completed\r\n")
            let missing = try await bob.send("e SELECT \"Other Users/alice/Nowhere\"\r\n")
            let invisible = try await bob.send("f SELECT \"Other Users/alice/INBOX\"\r\n")
            #expect(missing.replacingOccurrences(of: "e NO", with: "f NO") == invisible,
                    "an invisible mailbox answers as a missing one: \(missing) / \(invisible)")
            #expect(try await bob.send("g SETACL \"Other Users/alice/Team\" bob lrswi\r\n") == "g NO [NOPERM] Permission denied\r\n")
            #expect(try await bob.send("h DELETE \"Other Users/alice/Team\"\r\n") == "h NO [NOPERM] Permission denied\r\n")
            let carol = try await Self.loggedIn(harness, "carol")
            #expect(try await carol.send("a MYRIGHTS \"Other Users/alice/Team\"\r\n").hasPrefix("a NO [NONEXISTENT]"))
            #expect(try await carol.send("b MYRIGHTS \"Other Users/nobody/Team\"\r\n").hasPrefix("b NO [NONEXISTENT]"))
        }
    }

    @Test("with `i` and `s`, APPEND and COPY into another's mailbox store only the allowed flags (RFC 4314 §4)")
    func insertIntoShared() async throws {
        try await SessionHarness.with(users: ["alice", "bob"]) { harness async throws in
            let alice = try await Self.loggedIn(harness, "alice")
            #expect(try await alice.send("a CREATE Drop\r\n").contains("a OK"))
            #expect(try await alice.send("b SETACL Drop bob lis\r\n").contains("b OK"))
            let bob = try await Self.loggedIn(harness, "bob")
            let message = SessionHarness.message(7)
            let append = try await bob.send("c APPEND \"Other Users/alice/Drop\" (\\Seen \\Flagged) {\(message.utf8.count)+}\r\n\(message)\r\n")
            #expect(append.contains("c OK [APPENDUID"), "\(append)")
            try await alice.send("d SELECT Drop\r\n")
            let fetched = try await alice.send("e FETCH 1 (FLAGS)\r\n")
            #expect(fetched.contains("* 1 FETCH (FLAGS (\\Seen \\Recent))"), "\\Flagged dropped without `w`: \(fetched)")
            #expect(try await bob.send("f SELECT \"Other Users/alice/Drop\"\r\n").hasPrefix("f NO [NOPERM]"), "no `r`: no SELECT")
        }
    }

    @Test("a public folder made by the administrator appears under Shared/ for whom it is granted")
    func publicFolder() async throws {
        try await SessionHarness.with(users: ["alice"]) { harness async throws in
            guard let owner = try await harness.storage.accessControl.publicOwner(creating: true) else {
                throw HarnessError("no public owner")
            }
            let path = MailboxPath(owner: owner, name: "support")
            _ = try await harness.storage.mailboxes.create(path, specialUse: nil, as: .administrator)
            try await harness.storage.accessControl.setAccess(
                AccessEntry(identifier: .authenticated, rights: [.lookup, .read, .keepSeen, .insert]), on: path, as: .administrator)
            let alice = try await Self.loggedIn(harness, "alice")
            #expect(try await alice.send("a LIST \"\" \"Shared/*\"\r\n")
                    == "* LIST (\\HasNoChildren) \"/\" \"Shared/support\"\r\na OK LIST completed\r\n")
            let select = try await alice.send("b SELECT Shared/support\r\n")
            #expect(select.contains("b OK [READ-WRITE]"), "\(select)")
            #expect(select.contains("* OK [PERMANENTFLAGS (\\Seen)]"), "only what `s` lets change: \(select)")
            #expect(try await alice.send("c GETACL Shared/support\r\n") == "c NO [NOPERM] Permission denied\r\n")
            let rev2 = try await Self.loggedIn(harness, "alice")
            try await rev2.send("r ENABLE IMAP4rev2\r\n")
            let opened = try await rev2.send("s EXAMINE Shared/support\r\n")
            #expect(opened.contains("* LIST (\\HasNoChildren) \"/\" \"Shared/support\"\r\n"),
                    "IMAP4rev2's LIST response at SELECT names the mailbox as the client does: \(opened)")
            #expect(try await alice.send("d CREATE Shared/mine\r\n") == "d NO [NOPERM] Permission denied\r\n")
            #expect(try await alice.send("e GETQUOTAROOT Shared/support\r\n")
                    == "* QUOTAROOT \"Shared/support\"\r\ne OK GETQUOTAROOT completed\r\n",
                    "a public folder's quota root is not the user's")
        }
    }
}
