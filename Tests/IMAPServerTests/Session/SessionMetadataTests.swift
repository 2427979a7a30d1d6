@testable import IMAPServer
import MailCore
import MailStore
import Testing

/// METADATA and METADATA-SERVER (RFC 5464) in a session over the in-memory store.
@Suite("Session: METADATA")
struct SessionMetadataTests {
    @Test("advertised; set and get private and shared entries; NIL for entries without value (RFC 5464 §4.2, §4.3)")
    func setAndGet() async throws {
        try await SessionHarness.with { harness async throws in
            let client = try harness.connect()
            let login = try await client.send("a LOGIN alice secret\r\n")
            #expect(login.contains(" METADATA ") && login.contains(" METADATA-SERVER"))
            #expect(try await client.send("b SETMETADATA INBOX (/private/comment \"My comment\" /shared/comment {5+}\r\nab\r\nc)\r\n")
                    == "b OK SETMETADATA completed\r\n")
            #expect(try await client.send("c GETMETADATA INBOX (/shared/comment /Private/Comment /private/none)\r\n")
                    == "* METADATA \"INBOX\" (/private/comment \"My comment\" /private/none NIL /shared/comment {5}\r\nab\r\nc)\r\n"
                    + "c OK GETMETADATA completed\r\n")
            #expect(try await client.send("d SETMETADATA INBOX (/private/comment NIL)\r\n") == "d OK SETMETADATA completed\r\n")
            #expect(try await client.send("e GETMETADATA INBOX /private/comment\r\n")
                    == "* METADATA \"INBOX\" (/private/comment NIL)\r\ne OK GETMETADATA completed\r\n")
            #expect(try await client.send("f GETMETADATA nosuch /private/comment\r\n").hasPrefix("f NO [NONEXISTENT]"))
            #expect(try await client.send("g GETMETADATA INBOX /private/a*\r\n").hasPrefix("g BAD"))
            #expect(try await client.send("h NOOP\r\n") == "h OK NOOP completed\r\n", "the session goes on")
        }
    }

    @Test("DEPTH and MAXSIZE with LONGENTRIES (RFC 5464 §4.2.1, §4.2.2)")
    func depthAndMaxSize() async throws {
        try await SessionHarness.with { harness async throws in
            let client = try harness.connect()
            try await client.send("a LOGIN alice secret\r\n")
            let long = String(repeating: "x", count: 2199)
            #expect(try await client.send("b SETMETADATA INBOX (/private/f \"top\" /private/f/small \"SMALLER 5000\" /private/f/big {2199+}\r\n\(long) /private/f/small/deep \"d\")\r\n")
                    == "b OK SETMETADATA completed\r\n")
            #expect(try await client.send("c GETMETADATA INBOX (DEPTH 1 MAXSIZE 1024) (/private/f)\r\n")
                    == "* METADATA \"INBOX\" (/private/f \"top\" /private/f/small \"SMALLER 5000\")\r\n"
                    + "c OK [METADATA LONGENTRIES 2199] GETMETADATA completed\r\n")
            let deep = try await client.send("d GETMETADATA (DEPTH infinity) INBOX /private/f/small\r\n")
            #expect(deep == "* METADATA \"INBOX\" (/private/f/small \"SMALLER 5000\" /private/f/small/deep \"d\")\r\n"
                    + "d OK GETMETADATA completed\r\n")
        }
    }

    @Test("limits from the configuration: MAXSIZE, TOOMANY, and nothing changes (RFC 5464 §4.3)")
    func limits() async throws {
        var configuration = ServerConfiguration()
        configuration.metadata = MetadataLimits(maxValueSize: 1024, maxEntries: 10, maxTotalSize: 4096)
        try await SessionHarness.with(configuration: configuration) { harness async throws in
            let client = try harness.connect()
            try await client.send("a LOGIN alice secret\r\n")
            let big = String(repeating: "y", count: 1025)
            #expect(try await client.send("b SETMETADATA INBOX (/private/a \"1\" /private/b {1025+}\r\n\(big))\r\n")
                    == "b NO [METADATA MAXSIZE 1024] Metadata value larger than 1024 octets\r\n")
            let ten = (1...10).map { "/shared/n\($0) \"v\"" }.joined(separator: " ")
            #expect(try await client.send("c SETMETADATA INBOX (\(ten))\r\n") == "c OK SETMETADATA completed\r\n")
            #expect(try await client.send("d SETMETADATA INBOX (/shared/n1 NIL /private/eleven \"v\" /private/twelve \"v\")\r\n")
                    .hasPrefix("d NO [METADATA TOOMANY]"))
            #expect(try await client.send("e GETMETADATA INBOX (/shared/n1 /private/a)\r\n")
                    == "* METADATA \"INBOX\" (/private/a NIL /shared/n1 \"v\")\r\ne OK GETMETADATA completed\r\n")
        }
    }

    @Test("server entries (METADATA-SERVER): private per user, shared read-only for users")
    func serverEntries() async throws {
        try await SessionHarness.with(users: ["alice", "bob"]) { harness async throws in
            try await harness.storage.metadata.setMetadata(
                [MetadataChange(name: MetadataEntryName("/shared/admin")!, value: Array("mailto:postmaster@example.com".utf8))],
                on: .server, limits: MetadataLimits(), as: .administrator)
            let alice = try harness.connect()
            try await alice.send("a LOGIN alice secret\r\n")
            #expect(try await alice.send("b SETMETADATA \"\" (/private/vendor/deltachat/token \"abc\")\r\n")
                    == "b OK SETMETADATA completed\r\n")
            #expect(try await alice.send("c SETMETADATA \"\" (/shared/comment \"x\")\r\n").hasPrefix("c NO [NOPERM]"))
            #expect(try await alice.send("d GETMETADATA \"\" (/shared/admin /private/vendor/deltachat/token)\r\n")
                    == "* METADATA \"\" (/private/vendor/deltachat/token \"abc\" /shared/admin \"mailto:postmaster@example.com\")\r\n"
                    + "d OK GETMETADATA completed\r\n")
            let bob = try harness.connect()
            try await bob.send("a LOGIN bob secret\r\n")
            #expect(try await bob.send("b GETMETADATA \"\" (DEPTH infinity) /private\r\n")
                    == "b OK GETMETADATA completed\r\n", "nothing found with DEPTH: no METADATA response")
        }
    }

    @Test("not before login")
    func notAuthenticated() async throws {
        try await SessionHarness.with { harness async throws in
            let client = try harness.connect()
            #expect(try await client.send("a GETMETADATA \"\" /shared/comment\r\n").hasPrefix("a BAD"))
        }
    }
}
