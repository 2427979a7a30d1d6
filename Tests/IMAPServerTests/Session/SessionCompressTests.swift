@testable import IMAPServer
import MailCore
import Testing

/// COMPRESS (RFC 4978 §3) and UNAUTHENTICATE (RFC 8437 §3) in a session: which states allow
/// them, what they answer, and what they change.
@Suite("Session: COMPRESS and UNAUTHENTICATE")
struct SessionCompressTests {
    static func isDeflate(_ layers: [TransportLayer]) -> Bool {
        guard layers.count == 1, case .deflate = layers[0] else { return false }
        return true
    }

    @Test("COMPRESS is a command of the authenticated state, advertised after login (RFC 4978 §5)")
    func compressNeedsLogin() async throws {
        try await SessionHarness.with { harness async throws in
            let client = try harness.connect()
            #expect(!(try await client.send("a CAPABILITY\r\n").contains("COMPRESS=DEFLATE")))
            #expect(try await client.send("b COMPRESS DEFLATE\r\n") == "b BAD COMPRESS: Log in first\r\n")
            #expect(client.transport.switches.isEmpty)
            let login = try await client.send("c LOGIN alice secret\r\n")
            #expect(login.contains("COMPRESS=DEFLATE"), "the login's capabilities: \(login)")
            #expect(try await client.send("d CAPABILITY\r\n").contains(" COMPRESS=DEFLATE"))
        }
    }

    @Test("COMPRESS DEFLATE: the tagged OK, then the layer; a second one is refused (RFC 4978 §3)")
    func compressSwitchesOnce() async throws {
        try await SessionHarness.with { harness async throws in
            let client = try harness.connect()
            try await client.logInAndSelect("alice")
            #expect(try await client.send("a COMPRESS LZW\r\n") == "a BAD Unknown compression algorithm: LZW\r\n")
            #expect(client.transport.switches.isEmpty)
            // A command the client pipelined (which RFC 4978 §3 forbids) is not read: it came
            // before the layer.
            #expect(try await client.send("b compress deflate\r\nc NOOP\r\n") == "b OK DEFLATE active\r\n")
            #expect(Self.isDeflate(client.transport.switches))
            #expect(try await client.send("x NOOP\r\n") == "", "bytes before the switch are dropped")
            try await client.session.handle(.transportSwitched)
            #expect(client.session.transport.compressed)
            #expect(try await client.send("d COMPRESS DEFLATE\r\n")
                    == "d BAD [COMPRESSIONACTIVE] DEFLATE is already active\r\n")
            #expect(Self.isDeflate(client.transport.switches))
            let capabilities = try await client.send("e CAPABILITY\r\n")
            #expect(capabilities.contains(" COMPRESS=DEFLATE"))
            #expect(!capabilities.contains("UNAUTHENTICATE"))
            #expect(try await client.send("f NOOP\r\n") == "f OK NOOP completed\r\n")
        }
    }

    @Test("Corrupt compressed input: BYE, and the session ends")
    func transportFailureEndsTheSession() async throws {
        try await SessionHarness.with { harness async throws in
            let client = try harness.connect()
            try await client.send("a LOGIN alice secret\r\n")
            try await client.send("b COMPRESS DEFLATE\r\n")
            try await client.session.handle(.transportSwitched)
            try await client.session.handle(.transportFailed("Invalid compressed data (corruptData)"))
            #expect(client.transport.take() == "* BYE Invalid compressed data (corruptData)\r\n")
            #expect(client.session.isFinished)
        }
    }

    @Test("UNAUTHENTICATE: back to not authenticated, the selection and ENABLE gone (RFC 8437 §3, §4.1)")
    func unauthenticateResetsTheSession() async throws {
        try await SessionHarness.with { harness async throws in
            try await harness.deliver(SessionHarness.message(1), to: "alice")
            let client = try harness.connect()
            #expect(try await client.send("a UNAUTHENTICATE\r\n") == "a BAD UNAUTHENTICATE: Log in first\r\n")
            let login = try await client.send("b LOGIN alice secret\r\n")
            #expect(login.contains(" UNAUTHENTICATE"), "advertised after login: \(login)")
            #expect(try await client.send("c ENABLE CONDSTORE\r\n").contains("* ENABLED CONDSTORE"))
            try await client.send("d SELECT INBOX\r\n")
            #expect(try await client.send("e STORE 1 +FLAGS (\\Seen)\r\n").contains("MODSEQ"))
            // No EXPUNGE, no CLOSED: just the OK; a pipelined LOGIN follows (§3).
            let answer = try await client.send("f UNAUTHENTICATE\r\ng LOGIN alice secret\r\n")
            #expect(answer.hasPrefix("f OK Now in not authenticated state\r\ng OK [CAPABILITY"), "\(answer)")
            #expect(try await client.send("h ENABLE CONDSTORE\r\n").contains("* ENABLED CONDSTORE"),
                    "ENABLE starts over")
            #expect(client.transport.toldOfLogin)
            try await client.send("i UNAUTHENTICATE\r\n")
            #expect(!client.transport.toldOfLogin, "the connection's login deadline runs again")
            #expect(try await client.send("j FETCH 1 (FLAGS)\r\n") == "j BAD FETCH: Select a mailbox first\r\n")
            let capabilities = try await client.send("k CAPABILITY\r\n")
            #expect(capabilities.contains("AUTH=PLAIN") && !capabilities.contains("UNAUTHENTICATE"))
            try await client.send("l LOGIN alice secret\r\n")
            try await client.send("m SELECT INBOX\r\n")
            #expect(try await client.send("n STORE 1 -FLAGS (\\Seen)\r\n") == "* 1 FETCH (FLAGS ())\r\nn OK STORE completed\r\n",
                    "CONDSTORE is no longer in use")
        }
    }

    @Test("UNAUTHENTICATE gives the connection's place in the user's count back")
    func unauthenticateUnbindsTheUser() async throws {
        var configuration = ServerConfiguration()
        configuration.maxConnectionsPerUser = 1
        try await SessionHarness.with(users: ["alice", "bob"], configuration: configuration) { harness async throws in
            let first = try harness.connect()
            let second = try harness.connect()
            try await first.send("a LOGIN alice secret\r\n")
            #expect(try await second.send("a LOGIN alice secret\r\n").contains("a NO [LIMIT]"))
            #expect(try await first.send("b UNAUTHENTICATE\r\n") == "b OK Now in not authenticated state\r\n")
            #expect(try await second.send("b LOGIN alice secret\r\n").contains("b OK"))
            #expect(try await first.send("c LOGIN bob secret\r\n").contains("c OK"))
        }
    }

    @Test("UNAUTHENTICATE is refused while COMPRESS is active (RFC 8437 §4.1 ends compression)")
    func unauthenticateRefusedWhileCompressed() async throws {
        try await SessionHarness.with { harness async throws in
            let client = try harness.connect()
            try await client.send("a LOGIN alice secret\r\n")
            try await client.send("b COMPRESS DEFLATE\r\n")
            try await client.session.handle(.transportSwitched)
            #expect(try await client.send("c UNAUTHENTICATE\r\n")
                    == "c BAD UNAUTHENTICATE is not available while COMPRESS is active\r\n")
            #expect(try await client.send("d SELECT INBOX\r\n").contains("d OK"))
        }
    }
}
