@testable import IMAPServer
import Testing

/// SAVELIMIT (RFC 9738): COPY and MULTIAPPEND of more messages than the limit store nothing and
/// answer `NO [MESSAGELIMIT n uid]`; MOVE, FETCH and the rest are not limited.
@Suite("Session: SAVELIMIT")
struct SessionSaveLimitTests {
    @Test("SAVELIMIT=2 advertised; COPY of three refused with the lowest UID processed; MULTIAPPEND of three refused (§3.1)")
    func saveLimit() async throws {
        var configuration = ServerConfiguration()
        configuration.saveLimit = 2
        try await SessionHarness.with(configuration: configuration) { harness async throws in
            for index in 1...3 { try await harness.deliver(SessionHarness.message(index), to: "alice") }
            let client = try harness.connect()
            #expect(try await client.send("a LOGIN alice secret\r\n").contains(" SAVELIMIT=2"))
            try await client.send("b CREATE Other\r\nc SELECT INBOX\r\n")
            #expect(try await client.send("d COPY 1:3 Other\r\n")
                    == "d NO [MESSAGELIMIT 2 2] Too many messages to copy, try a smaller subset\r\n")
            #expect(try await client.send("e UID COPY 2:3 Other\r\n").hasPrefix("e OK [COPYUID "))
            let message = SessionHarness.message(9)
            let literal = "{\(message.utf8.count)+}\r\n\(message)"
            #expect(try await client.send("f APPEND Other \(literal) \(literal) \(literal)\r\n")
                    == "f NO [MESSAGELIMIT 2] Too many messages to append, try a smaller subset\r\n")
            #expect(try await client.send("g STATUS Other (MESSAGES)\r\n").hasPrefix("* STATUS \"Other\" (MESSAGES 2)"))
            #expect(try await client.send("h APPEND Other \(literal) \(literal)\r\n").contains("h OK [APPENDUID"))
            #expect(try await client.send("i MOVE 1:3 Other\r\n").contains("i OK MOVE completed"))
        }
    }
}
