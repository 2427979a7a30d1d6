@testable import IMAPServer
import MailCore
import MailStore
import Testing

/// The one completion path: every command, APPEND, IDLE and AUTHENTICATE end with a tagged
/// response, whatever fails, and the session goes on (RFC 9051 §7.1, RFC 5530 SERVERBUG).
@Suite("Session: completion and error mapping")
struct SessionCompletionTests {
    /// Runs `body` with a harness and the fault injector in front of its store.
    static func withFaults(_ body: (SessionHarness, FaultyStore) async throws -> Void) async throws {
        try await SessionHarness.with { harness in try await body(harness, harness.faults) }
    }

    @Test("The state gate answers BAD with the reason; the session goes on (RFC 9051 §6)")
    func stateGate() async throws {
        try await SessionHarness.with { harness async throws in
            let client = try harness.connect()
            #expect(try await client.send("a SELECT INBOX\r\n") == "a BAD SELECT: Log in first\r\n")
            #expect(try await client.send("b FETCH 1 FLAGS\r\n") == "b BAD FETCH: Select a mailbox first\r\n")
            #expect(try await client.send("c LOGIN alice secret\r\n").contains("c OK [CAPABILITY"))
            #expect(try await client.send("d LOGIN alice secret\r\n") == "d BAD LOGIN: Already authenticated\r\n")
            #expect(try await client.send("e EXPUNGE\r\n") == "e BAD EXPUNGE: Select a mailbox first\r\n")
            #expect(try await client.send("f NOOP\r\n") == "f OK NOOP completed\r\n")
        }
    }

    @Test("An unexpected store error in a command answers NO [SERVERBUG]; the session goes on")
    func unexpectedErrorInCommand() async throws {
        try await Self.withFaults { harness, faulty async throws in
            try await harness.deliver(SessionHarness.message(1), to: "alice")
            let client = try harness.connect()
            try await client.logInAndSelect("alice")
            faulty.fail(.records)
            let answer = try await client.send("a FETCH 1 (ENVELOPE)\r\n")
            #expect(answer == "a NO [SERVERBUG] Internal error, the administrator has been told\r\n")
            faulty.heal()
            #expect(try await client.send("b FETCH 1 (UID)\r\n") == "* 1 FETCH (UID 1)\r\nb OK FETCH completed\r\n")
        }
    }

    @Test("An unexpected error while catching up after a command answers NO [SERVERBUG]")
    func unexpectedErrorAfterCommand() async throws {
        try await Self.withFaults { harness, faulty async throws in
            let client = try harness.connect()
            try await client.logInAndSelect("alice")
            try await harness.deliver(SessionHarness.message(1), to: "alice")
            faulty.fail(.changes)
            #expect(try await client.send("a NOOP\r\n")
                    == "a NO [SERVERBUG] Internal error, the administrator has been told\r\n")
            faulty.heal()
            let next = try await client.send("b NOOP\r\n")
            #expect(next.contains("* 1 EXISTS\r\n"), "the change is reported once the store works: \(next)")
            #expect(next.hasSuffix("b OK NOOP completed\r\n"))
        }
    }

    @Test("APPEND: a failing mailbox lookup refuses the literal before any byte is read (RFC 3501 §6.3.11)")
    func appendLookupFails() async throws {
        try await Self.withFaults { harness, faulty async throws in
            let client = try harness.connect()
            try await client.send("l LOGIN alice secret\r\n")
            faulty.fail(.mailboxLookup)
            // Synchronizing: no `+`, so the client never sends the bytes.
            #expect(try await client.send("a APPEND INBOX {5}\r\n")
                    == "a NO [SERVERBUG] Internal error, the administrator has been told\r\n")
            // Non-synchronizing (RFC 7888): the bytes come anyway and are skipped.
            #expect(try await client.send("b APPEND INBOX {5+}\r\nhello\r\n")
                    == "b NO [SERVERBUG] Internal error, the administrator has been told\r\n")
            faulty.heal()
            #expect(try await client.send("c NOOP\r\n") == "c OK NOOP completed\r\n")
            let appended = try await client.send("d APPEND INBOX {26+}\r\nSubject: x\r\n\r\nHello here\r\n\r\n")
            #expect(appended.hasPrefix("d OK [APPENDUID "), "\(appended)")
        }
    }

    @Test("APPEND: a failing store answers NO [SERVERBUG] after the literal; the session goes on")
    func appendStoreFails() async throws {
        try await Self.withFaults { harness, faulty async throws in
            let client = try harness.connect()
            try await client.send("l LOGIN alice secret\r\n")
            faulty.fail(.append)
            #expect(try await client.send("a APPEND INBOX {26}\r\n") == "+ Ready for literal data\r\n")
            #expect(try await client.send("Subject: x\r\n\r\nHello here\r\n\r\n")
                    == "a NO [SERVERBUG] Internal error, the administrator has been told\r\n")
            faulty.heal()
            let status = try await client.send("b STATUS INBOX (MESSAGES)\r\n")
            #expect(status == "* STATUS \"INBOX\" (MESSAGES 0)\r\nb OK STATUS completed\r\n", "\(status)")
        }
    }

    @Test("IDLE: a failure while pushing a change is the answer to DONE (RFC 2177 §3)")
    func idleFailure() async throws {
        try await Self.withFaults { harness, faulty async throws in
            let client = try harness.connect()
            try await client.logInAndSelect("alice")
            #expect(try await client.send("a IDLE\r\n") == "+ idling\r\n")
            try await harness.deliver(SessionHarness.message(1), to: "alice")
            #expect(try await client.handleSignals() == "* 1 EXISTS\r\n* 1 RECENT\r\n", "pushed at once")
            faulty.fail(.changes)
            try await harness.deliver(SessionHarness.message(2), to: "alice")
            #expect(try await client.handleSignals() == "", "the failure is kept for DONE")
            faulty.heal()
            let done = try await client.send("DONE\r\n")
            #expect(done.hasSuffix("a NO [SERVERBUG] Internal error, the administrator has been told\r\n"), "\(done)")
            #expect(try await client.send("b NOOP\r\n").hasSuffix("b OK NOOP completed\r\n"))
        }
    }

    @Test("An over-long line during IDLE or AUTHENTICATE ends that command with a tagged BAD")
    func overlongContinuationLine() async throws {
        var configuration = ServerConfiguration()
        configuration.framing.maxLineLength = 100
        try await SessionHarness.with(configuration: configuration) { harness async throws in
            let client = try harness.connect()
            #expect(try await client.send("a AUTHENTICATE PLAIN\r\n") == "+ \r\n")
            #expect(try await client.send(String(repeating: "A", count: 200) + "\r\n") == "a BAD Line too long\r\n")
            try await client.logInAndSelect("alice")
            #expect(try await client.send("b IDLE\r\n") == "+ idling\r\n")
            #expect(try await client.send(String(repeating: "D", count: 200) + "\r\n") == "b BAD Line too long\r\n")
            #expect(try await client.send("c NOOP\r\n") == "c OK NOOP completed\r\n")
        }
    }

    @Test("AUTHENTICATE completes through the same path, with the capabilities of the new state")
    func authenticatePlain() async throws {
        try await SessionHarness.with { harness async throws in
            let client = try harness.connect()
            #expect(try await client.send("a AUTHENTICATE PLAIN\r\n") == "+ \r\n")
            let credentials = Array("\0alice\0secret".utf8)
            let answer = try await client.send(base64(credentials) + "\r\n")
            #expect(answer.hasPrefix("a OK [CAPABILITY IMAP4rev1"), "\(answer)")
            #expect(!answer.contains("AUTH=PLAIN"), "no AUTH= once logged in")
            #expect(try await client.send("b SELECT INBOX\r\n").hasSuffix("b OK [READ-WRITE] SELECT completed\r\n"))
        }
    }

    @Test("LOGOUT: BYE, the tagged OK, then the session is over")
    func logout() async throws {
        try await SessionHarness.with { harness async throws in
            let client = try harness.connect()
            #expect(try await client.send("a LOGOUT\r\nb NOOP\r\n") == "* BYE Tern logging out\r\na OK LOGOUT completed\r\n")
            #expect(client.session.isFinished)
        }
    }
}

private func base64(_ bytes: [UInt8]) -> String {
    let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    var out: [UInt8] = []
    var index = 0
    while index < bytes.count {
        let chunk = Array(bytes[index..<min(index + 3, bytes.count)])
        let value = chunk.enumerated().reduce(0) { $0 | Int($1.element) << (16 - 8 * $1.offset) }
        for position in 0..<4 {
            out.append(position <= chunk.count ? alphabet[(value >> (18 - 6 * position)) & 63] : UInt8(ascii: "="))
        }
        index += 3
    }
    return String(decoding: out, as: UTF8.self)
}
