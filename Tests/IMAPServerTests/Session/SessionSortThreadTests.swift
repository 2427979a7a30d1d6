@testable import IMAPServer
import MailCore
import MailStore
import Testing

/// SORT and THREAD driven through the session over the in-memory store (RFC 5256, RFC 5267
/// §3, RFC 2180 §4).
@Suite("Session: SORT and THREAD")
struct SessionSortThreadTests {
    static func message(_ subject: String, day: Int, from: String, id: String, references: String? = nil) -> String {
        var text = "From: \(from)\r\nSubject: \(subject)\r\nDate: \(day) Jan 2024 10:00:00 +0000\r\nMessage-ID: <\(id)>\r\n"
        if let references { text += "References: \(references)\r\n" }
        return text + "\r\nBody\r\n"
    }

    static func fill(_ harness: SessionHarness) async throws {
        try await harness.deliver(message("Re: plans", day: 3, from: "cy@x", id: "2@x", references: "<1@x>"), to: "alice")
        try await harness.deliver(message("plans", day: 2, from: "ann@x", id: "1@x"), to: "alice")
        try await harness.deliver(message("zebra", day: 1, from: "bo@x", id: "3@x"), to: "alice")
    }

    @Test("SORT and UID SORT answer in order; EXPUNGE withheld during SORT, not UID SORT (RFC 5256 §3)")
    func sortAndExpunges() async throws {
        try await SessionHarness.with { harness async throws in
            try await Self.fill(harness)
            let (reader, writer) = try await harness.readerAndWriter("alice")
            #expect(try await reader.send("a SORT (DATE) UTF-8 ALL\r\n") == "* SORT 3 2 1\r\na OK SORT completed\r\n")
            #expect(try await reader.send("b SORT (FROM) UTF-8 ALL\r\n") == "* SORT 2 3 1\r\nb OK SORT completed\r\n")
            try await writer.send("w STORE 3 +FLAGS.SILENT (\\Deleted)\r\nx EXPUNGE\r\n")
            // The expunged message is still in the reader's view: sorted as it was (a ghost).
            #expect(try await reader.send("c SORT (SUBJECT) UTF-8 ALL\r\n") == "* SORT 1 2 3\r\nc OK SORT completed\r\n")
            #expect(try await reader.send("d UID SORT (SUBJECT) UTF-8 ALL\r\n")
                    == "* 3 EXPUNGE\r\n* SORT 1 2\r\nd OK UID SORT completed\r\n")
        }
    }

    @Test("ESORT: ESEARCH with MIN, MAX, ALL in sort order, COUNT; SAVE keeps the result for $ (RFC 5267 §3, RFC 5182)")
    func esort() async throws {
        try await SessionHarness.with { harness async throws in
            try await Self.fill(harness)
            let client = try harness.connect()
            try await client.logInAndSelect("alice")
            #expect(try await client.send("a SORT RETURN (MIN MAX ALL COUNT) (REVERSE SUBJECT) UTF-8 ALL\r\n")
                    == "* ESEARCH (TAG \"a\") MIN 3 MAX 2 ALL 3,1:2 COUNT 3\r\na OK SORT completed\r\n")
            #expect(try await client.send("b UID SORT RETURN (SAVE) (DATE) UTF-8 FROM ann\r\n") == "b OK UID SORT completed\r\n")
            #expect(try await client.send("c SEARCH $\r\n") == "* SEARCH 2\r\nc OK SEARCH completed\r\n")
            #expect(try await client.send("d SORT RETURN (PARTIAL 1:2) (DATE) UTF-8 ALL\r\n")
                    == "* ESEARCH (TAG \"d\") PARTIAL (1:2 3,2)\r\nd OK SORT completed\r\n")
        }
    }

    @Test("THREAD REFERENCES and ORDEREDSUBJECT; unknown algorithm BAD; unknown charset NO [BADCHARSET]")
    func thread() async throws {
        try await SessionHarness.with { harness async throws in
            try await Self.fill(harness)
            let client = try harness.connect()
            try await client.logInAndSelect("alice")
            #expect(try await client.send("a THREAD REFERENCES UTF-8 ALL\r\n")
                    == "* THREAD (3)(2 1)\r\na OK THREAD completed\r\n")
            #expect(try await client.send("b UID THREAD ORDEREDSUBJECT UTF-8 ALL\r\n")
                    == "* THREAD (3)(2 1)\r\nb OK UID THREAD completed\r\n")
            #expect(try await client.send("c THREAD XYZ UTF-8 ALL\r\n") == "c BAD Unknown threading algorithm XYZ\r\n")
            let badCharset = try await client.send("d THREAD REFERENCES KOI9 ALL\r\n")
            #expect(badCharset.hasPrefix("d NO [BADCHARSET"), "\(badCharset)")
            #expect(try await client.send("e SORT (SIZE) UTF-8 ALL\r\n").hasSuffix("e OK SORT completed\r\n"))
        }
    }

    @Test("SORT and THREAD need a selected mailbox")
    func needsSelection() async throws {
        try await SessionHarness.with { harness async throws in
            let client = try harness.connect()
            _ = try await client.send("l LOGIN alice secret\r\n")
            let answer = try await client.send("a SORT (DATE) UTF-8 ALL\r\n")
            #expect(answer.hasPrefix("a BAD"), "\(answer)")
        }
    }
}
