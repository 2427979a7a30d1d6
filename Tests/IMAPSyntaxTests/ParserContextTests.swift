import IMAPSyntax
import MailCore
import Testing

/// CONTEXT, UPDATE and PARTIAL return options, the PARTIAL FETCH modifier and CANCELUPDATE
/// (RFC 5267 §5, RFC 9394 §4), and the responses that carry their results.
enum ContextFixtures {
    static let valid: [CommandFixture] = [
        CommandFixture("a1 SEARCH RETURN (UPDATE COUNT) DELETED", search(.deleted, returning: [.update, .count])),
        CommandFixture("a1 UID SEARCH RETURN (context partial 1:500) ALL",
                       search(.all, returning: [.context, .partial(PartialRange(first: 1, last: 500))], byUID: true)),
        CommandFixture("a1 SEARCH RETURN (PARTIAL -1:-100) ALL",
                       search(.all, returning: [.partial(PartialRange(first: 1, last: 100, fromEnd: true))])),
        CommandFixture("a1 SEARCH RETURN (PARTIAL 500:400 MIN) ALL",
                       search(.all, returning: [.partial(PartialRange(first: 500, last: 400)), .min])),
        CommandFixture("a1 UID FETCH 1:* (FLAGS) (PARTIAL -1:-3)",
                       fetch(set(toLast(1)), [.flags], modifiers: [.partial(PartialRange(first: 1, last: 3, fromEnd: true))],
                             byUID: true)),
        CommandFixture("a1 UID FETCH 1:* (FLAGS) (CHANGEDSINCE 9 PARTIAL 1:5)",
                       fetch(set(toLast(1)), [.flags], modifiers: [.changedSince(ModSeq(9)),
                                                                   .partial(PartialRange(first: 1, last: 5))], byUID: true)),
        CommandFixture("a1 CANCELUPDATE \"B01\"", .cancelUpdate(["B01"])),
        CommandFixture("a1 cancelupdate \"B01\" \"x\"", .cancelUpdate(["B01", "x"])),
    ]

    static let invalid: [String] = [
        "a1 SEARCH RETURN (PARTIAL 0:5) ALL",        // nz-number
        "a1 SEARCH RETURN (PARTIAL -1:5) ALL",       // both ends negative or neither
        "a1 SEARCH RETURN (PARTIAL 1:*) ALL",        // no "*" (RFC 5267 §5)
        "a1 SEARCH RETURN (PARTIAL) ALL",
        "a1 FETCH 1:* (FLAGS) (PARTIAL 1:5)",        // UID FETCH only (RFC 9394 §3.3)
        "a1 UID FETCH 1:* (FLAGS) (PARTIAL 1:5 PARTIAL 1:2)",
        "a1 CANCELUPDATE",
        "a1 CANCELUPDATE B01",                       // quoted only
    ]
}

@Suite("Parser and encoder: search contexts and PARTIAL")
struct ParserContextTests {
    @Test("valid commands", arguments: ContextFixtures.valid)
    func valid(_ fixture: CommandFixture) { expectParses(fixture) }

    @Test("invalid commands fail", arguments: ContextFixtures.invalid)
    func invalid(_ line: String) { #expect(parseFailure(Array(line.utf8)) != nil) }

    @Test("PartialRange picks positions from either end, clamped to the results")
    func ranges() {
        #expect(PartialRange(first: 1, last: 3).indices(in: 10) == 0..<3)
        #expect(PartialRange(first: 3, last: 1).indices(in: 10) == 0..<3)
        #expect(PartialRange(first: 8, last: 20).indices(in: 10) == 7..<10)
        #expect(PartialRange(first: 11, last: 20).indices(in: 10).isEmpty)
        #expect(PartialRange(first: 1, last: 3, fromEnd: true).indices(in: 10) == 7..<10)
        #expect(PartialRange(first: 9, last: 20, fromEnd: true).indices(in: 10) == 0..<2)
        #expect(PartialRange(first: 11, last: 20, fromEnd: true).indices(in: 10).isEmpty)
        #expect(PartialRange(first: 1, last: 1, fromEnd: true).indices(in: 0).isEmpty)
    }

    @Test("ESEARCH with PARTIAL, ADDTO and REMOVEFROM; NOUPDATE and INPROGRESS codes (RFC 5267 §5, RFC 9394 §4, RFC 9585 §5)")
    func encoding() {
        #expect(wire(.untagged(.esearch(tag: "A02", uid: true, [.partial(PartialRange(first: 23500, last: 24000), [1, 2, 3, 7])])))
                == "* ESEARCH (TAG \"A02\") UID PARTIAL (23500:24000 1:3,7)\r\n")
        #expect(wire(.untagged(.esearch(tag: "A04", uid: true, [.partial(PartialRange(first: 1, last: 100, fromEnd: true), [])])))
                == "* ESEARCH (TAG \"A04\") UID PARTIAL (-1:-100 NIL)\r\n")
        #expect(wire(.untagged(.esearch(tag: "C01", uid: true, [.addTo([ContextUpdate(position: 1, numbers: [2731, 2732, 2733])])])))
                == "* ESEARCH (TAG \"C01\") UID ADDTO (1 2731:2733)\r\n")
        #expect(wire(.untagged(.esearch(tag: "B", uid: false, [.removeFrom([ContextUpdate(position: 0, numbers: [5]),
                                                                           ContextUpdate(position: 3, numbers: [9, 4, 5])])])))
                == "* ESEARCH (TAG \"B\") REMOVEFROM (0 5 3 9,4:5)\r\n")
        #expect(wireCode(.noUpdate("B02"), "Too many contexts") == "* OK [NOUPDATE \"B02\"] Too many contexts\r\n")
        #expect(wireCode(.inProgress(tag: "A1", done: 10, total: 100)) == "* OK [INPROGRESS (\"A1\" 10 100)] Done\r\n")
        #expect(wireCode(.inProgress(tag: "A1", done: nil, total: nil)) == "* OK [INPROGRESS (\"A1\" NIL NIL)] Done\r\n")
        #expect(wireCode(.inProgress(tag: "A1", done: 3, total: nil)) == "* OK [INPROGRESS (\"A1\" 3 NIL)] Done\r\n")
    }
}
