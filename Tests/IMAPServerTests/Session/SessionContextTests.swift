@testable import IMAPServer
import MailCore
import MailStore
import Testing

/// CONTEXT=SEARCH and CONTEXT=SORT (RFC 5267 §4) and PARTIAL (RFC 9394) driven through two
/// sessions over the in-memory store.
@Suite("Session: search contexts and PARTIAL")
struct SessionContextTests {
    static func message(_ subject: String, day: Int) -> String {
        "From: a@x\r\nSubject: \(subject)\r\nDate: \(day) Jan 2024 10:00:00 +0000\r\n\r\nBody\r\n"
    }

    /// Five messages: subjects e, c, a, d, b (days 1 to 5); 2 and 4 flagged.
    static func fill(_ harness: SessionHarness) async throws {
        for (index, subject) in ["e", "c", "a", "d", "b"].enumerated() {
            let flags: [Flag] = index == 1 || index == 3 ? [.flagged] : []
            _ = try await harness.deliver(message(subject, day: index + 1), to: "alice", flags: flags)
        }
    }

    @Test("UPDATE: ADDTO after the FETCH or EXISTS that causes it, REMOVEFROM before EXPUNGE (RFC 5267 §4.3.3, §4.3.4)")
    func searchUpdates() async throws {
        try await SessionHarness.with { harness async throws in
            try await Self.fill(harness)
            let (reader, writer) = try await harness.readerAndWriter("alice")
            expectText(try await reader.send("A1 SEARCH RETURN (UPDATE COUNT) FLAGGED\r\n"), "* ESEARCH (TAG \"A1\") COUNT 2\r\nA1 OK SEARCH completed\r\n")
            try await writer.send("w1 STORE 1,2 +FLAGS.SILENT (\\Seen)\r\n")  // 2 stays flagged: no update for it
            try await writer.send("w2 STORE 3 +FLAGS.SILENT (\\Flagged)\r\n")
            expectText(try await reader.send("n1 NOOP\r\n"), "* 1 FETCH (FLAGS (\\Seen \\Recent))\r\n* 2 FETCH (FLAGS (\\Flagged \\Seen \\Recent))\r\n"
                    + "* 3 FETCH (FLAGS (\\Flagged \\Recent))\r\n* ESEARCH (TAG \"A1\") ADDTO (0 3)\r\nn1 OK NOOP completed\r\n")
            _ = try await harness.deliver(Self.message("f", day: 6), to: "alice", flags: [.flagged])
            expectText(try await reader.send("n2 NOOP\r\n"), "* 6 EXISTS\r\n* 6 RECENT\r\n* ESEARCH (TAG \"A1\") ADDTO (0 6)\r\nn2 OK NOOP completed\r\n")
            try await writer.send("w3 STORE 2 +FLAGS.SILENT (\\Deleted)\r\nw4 EXPUNGE\r\n")
            expectText(try await reader.send("n3 NOOP\r\n"), "* ESEARCH (TAG \"A1\") REMOVEFROM (0 2)\r\n* 2 EXPUNGE\r\nn3 OK NOOP completed\r\n")
            // The session's own STORE changes the result too.
            expectText(try await reader.send("n4 STORE 3 -FLAGS.SILENT (\\Flagged)\r\n"), "* ESEARCH (TAG \"A1\") REMOVEFROM (0 3)\r\nn4 OK STORE completed\r\n")
            expectText(try await reader.send("c1 CANCELUPDATE \"A1\"\r\n"), "c1 OK No further updates\r\n")
            try await writer.send("w5 STORE 1 +FLAGS.SILENT (\\Flagged)\r\n")
            expectText(try await reader.send("n5 NOOP\r\n"), "* 1 FETCH (FLAGS (\\Flagged \\Seen \\Recent))\r\nn5 OK NOOP completed\r\n")
        }
    }

    @Test("UID SORT UPDATE places new results at their sort position (RFC 5267 §4.3.3)")
    func sortUpdates() async throws {
        try await SessionHarness.with { harness async throws in
            try await Self.fill(harness)
            let reader = try harness.connect()
            try await reader.logInAndSelect("alice")
            expectText(try await reader.send("S1 UID SORT RETURN (UPDATE ALL) (SUBJECT) UTF-8 UNFLAGGED\r\n"), "* ESEARCH (TAG \"S1\") UID ALL 3,5,1\r\nS1 OK UID SORT completed\r\n")
            _ = try await harness.deliver(Self.message("b2", day: 7), to: "alice")
            _ = try await harness.deliver(Self.message("z", day: 8), to: "alice")
            // a(3) b(5) b2(6) e(1) z(7): b2 goes third, z last.
            expectText(try await reader.send("n1 NOOP\r\n"), "* 7 EXISTS\r\n* 7 RECENT\r\n* ESEARCH (TAG \"S1\") UID ADDTO (3 6 5 7)\r\nn1 OK NOOP completed\r\n")
            expectText(try await reader.send("n2 UID STORE 5 +FLAGS.SILENT (\\Flagged)\r\n"), "* ESEARCH (TAG \"S1\") UID REMOVEFROM (2 5)\r\nn2 OK UID STORE completed\r\n")
        }
    }

    @Test("Tag reuse is BAD, the context limit answers NO [NOUPDATE], CANCELUPDATE of an unknown tag is NO")
    func limits() async throws {
        var configuration = ServerConfiguration()
        configuration.reading.updateContexts = 1
        try await SessionHarness.with(configuration: configuration) { harness async throws in
            try await Self.fill(harness)
            let client = try harness.connect()
            try await client.logInAndSelect("alice")
            expectText(try await client.send("A SEARCH RETURN (UPDATE) FLAGGED\r\n"), "* ESEARCH (TAG \"A\")\r\nA OK SEARCH completed\r\n")
            #expect(try await client.send("A SORT RETURN (UPDATE) (DATE) UTF-8 ALL\r\n").hasPrefix("A BAD Tag reuse"))
            expectText(try await client.send("B SORT RETURN (UPDATE COUNT) (DATE) UTF-8 ALL\r\n"), "* ESEARCH (TAG \"B\") COUNT 5\r\n* NO [NOUPDATE \"B\"] Too many update contexts\r\nB OK SORT completed\r\n")
            #expect(try await client.send("C CANCELUPDATE \"B\"\r\n").hasPrefix("C NO Unknown tag"))
            #expect(try await client.send("D CANCELUPDATE\r\n").hasPrefix("D BAD "))
            expectText(try await client.send("E CANCELUPDATE \"A\"\r\n"), "E OK No further updates\r\n")
            // A new selection drops every context.
            #expect(try await client.send("F SEARCH RETURN (UPDATE) ALL\r\n").contains("F OK"))
            try await client.send("G SELECT INBOX\r\n")
            #expect(try await client.send("H CANCELUPDATE \"F\"\r\n").hasPrefix("H NO Unknown tag"))
        }
    }

    @Test("PARTIAL in SEARCH and SORT, from either end; with ALL it is BAD; SAVE keeps the page (RFC 9394 §3.1, §3.2)")
    func partialSearch() async throws {
        try await SessionHarness.with { harness async throws in
            try await Self.fill(harness)
            let client = try harness.connect()
            try await client.logInAndSelect("alice")
            expectText(try await client.send("a SEARCH RETURN (PARTIAL 2:3) ALL\r\n"), "* ESEARCH (TAG \"a\") PARTIAL (2:3 2:3)\r\na OK SEARCH completed\r\n")
            expectText(try await client.send("b UID SEARCH RETURN (PARTIAL -1:-2 COUNT) ALL\r\n"), "* ESEARCH (TAG \"b\") UID PARTIAL (-1:-2 4:5) COUNT 5\r\nb OK UID SEARCH completed\r\n")
            expectText(try await client.send("c SEARCH RETURN (PARTIAL 4:9) ALL\r\n"), "* ESEARCH (TAG \"c\") PARTIAL (4:9 4:5)\r\nc OK SEARCH completed\r\n")
            expectText(try await client.send("d SEARCH RETURN (PARTIAL 6:9) ALL\r\n"), "* ESEARCH (TAG \"d\") PARTIAL (6:9 NIL)\r\nd OK SEARCH completed\r\n")
            expectText(try await client.send("e SORT RETURN (PARTIAL 1:2) (SUBJECT) UTF-8 ALL\r\n"), "* ESEARCH (TAG \"e\") PARTIAL (1:2 3,5)\r\ne OK SORT completed\r\n")
            #expect(try await client.send("f SEARCH RETURN (PARTIAL 1:2 ALL) ALL\r\n").hasPrefix("f BAD "))
            #expect(try await client.send("g SEARCH RETURN (PARTIAL 0:2) ALL\r\n").hasPrefix("g BAD "))
            expectText(try await client.send("h SEARCH RETURN (SAVE PARTIAL -1:-1 MIN) ALL\r\n"), "* ESEARCH (TAG \"h\") MIN 1 PARTIAL (-1:-1 5)\r\nh OK SEARCH completed\r\n")
            expectText(try await client.send("i SEARCH $\r\n"), "* SEARCH 1 5\r\ni OK SEARCH completed\r\n")
        }
    }

    @Test("UID FETCH (PARTIAL ...) returns only the range of the named messages; FETCH refuses it (RFC 9394 §3.3)")
    func partialFetch() async throws {
        try await SessionHarness.with { harness async throws in
            try await Self.fill(harness)
            let client = try harness.connect()
            try await client.logInAndSelect("alice")
            expectText(try await client.send("a UID FETCH 2:* (FLAGS) (PARTIAL -1:-2)\r\n"), "* 4 FETCH (UID 4 FLAGS (\\Flagged \\Recent))\r\n* 5 FETCH (UID 5 FLAGS (\\Recent))\r\na OK UID FETCH completed\r\n")
            expectText(try await client.send("b UID FETCH 1:* (FLAGS) (PARTIAL 2:2)\r\n"), "* 2 FETCH (UID 2 FLAGS (\\Flagged \\Recent))\r\nb OK UID FETCH completed\r\n")
            #expect(try await client.send("c FETCH 1:* (FLAGS) (PARTIAL 1:2)\r\n").hasPrefix("c BAD "))
        }
    }
}

/// Compares a session's answer with the expected text, showing both when they differ.
func expectText(_ actual: String, _ expected: String, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(actual == expected, "got \(actual.debugDescription)", sourceLocation: sourceLocation)
}

@Suite("Session: INPROGRESS")
struct SessionProgressTests {
    @Test("COPY and MOVE that take long report INPROGRESS (\"tag\" NIL NIL) while the store works (RFC 9585 §4)")
    func transfers() async throws {
        var configuration = ServerConfiguration()
        configuration.reading.progressInterval = 0.02
        try await SessionHarness.with(configuration: configuration) { harness async throws in
            try await SessionContextTests.fill(harness)
            let client = try harness.connect()
            try await client.logInAndSelect("alice")
            try await client.send("m CREATE Archive\r\n")
            harness.faults.delayTransfers(by: .milliseconds(200))
            for (tag, command) in [("c", "COPY 1:2 Archive"), ("v", "MOVE 3 Archive")] {
                let answer = try await client.send("\(tag) \(command)\r\n")
                let lines = answer.split(separator: "\r\n").map(String.init)
                let reports = lines.filter { $0.hasPrefix("* OK [INPROGRESS") }
                #expect(!reports.isEmpty && reports.allSatisfy { $0 == "* OK [INPROGRESS (\"\(tag)\" NIL NIL)] Still working" },
                        "got \(answer.debugDescription)")
                #expect(lines.last?.hasPrefix("\(tag) OK") == true, "got \(answer.debugDescription)")
            }
            // A COPY quicker than the interval reports nothing.
            harness.faults.delayTransfers(by: .zero)
            #expect(try await client.send("q COPY 1 Archive\r\n").contains("INPROGRESS") == false)
        }
    }
}
