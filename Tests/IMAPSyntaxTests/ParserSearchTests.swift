import IMAPSyntax
import MailCore
import Testing

/// SEARCH fixtures: every search key, CHARSET, RETURN options, nesting (RFC 9051 §6.4.4,
/// RFC 3501 §6.4.4, RFC 4731, RFC 5182, RFC 7162, RFC 8474, RFC 5032, RFC 8514).
enum SearchFixtures {
    static func key(_ text: String, _ expected: SearchKey) -> CommandFixture {
        CommandFixture("a1 SEARCH " + text, search(expected))
    }

    static let keys: [CommandFixture] = [
        key("ALL", .all), key("answered", .answered), key("DELETED", .deleted), key("DRAFT", .draft),
        key("FLAGGED", .flagged), key("NEW", .new), key("OLD", .old), key("RECENT", .recent),
        key("SEEN", .seen), key("UNANSWERED", .unanswered), key("UNDELETED", .undeleted),
        key("UNDRAFT", .undraft), key("UNFLAGGED", .unflagged), key("UNSEEN", .unseen),
        key("KEYWORD $Forwarded", .keyword("$Forwarded")), key("UNKEYWORD Junk", .unkeyword("Junk")),
        key("BCC boss", .bcc(bytes("boss"))), key("BODY \"some text\"", .body(bytes("some text"))),
        key("CC {3}\r\nbob", .cc(bytes("bob"))), key("FROM \"Smith\"", .from(bytes("Smith"))),
        key("SUBJECT ]x", .subject(bytes("]x"))), key("TEXT \"\"", .text([])),
        key("TO \"jörg\"", .to(bytes("jörg"))),
        key("HEADER Message-ID \"<x@y>\"", .header("Message-ID", bytes("<x@y>"))),
        key("HEADER \"X-Spam Flag\" \"\"", .header("X-Spam Flag", [])),
        key("BEFORE 1-Feb-1994", .before(date(1, 2, 1994))), key("ON \"29-feb-2020\"", .on(date(29, 2, 2020))),
        key("SINCE 01-Dec-1999", .since(date(1, 12, 1999))), key("SENTBEFORE 31-Jan-2000", .sentBefore(date(31, 1, 2000))),
        key("SENTON 9-Sep-2009", .sentOn(date(9, 9, 2009))), key("SENTSINCE 30-Nov-2001", .sentSince(date(30, 11, 2001))),
        key("SAVEDBEFORE 1-Mar-2021", .saveDateBefore(date(1, 3, 2021))), key("SAVEDON 2-Apr-2021", .saveDateOn(date(2, 4, 2021))),
        key("SAVEDSINCE 3-MAY-2021", .saveDateSince(date(3, 5, 2021))), key("SAVEDATESUPPORTED", .saveDateSupported),
        key("OLDER 3600", .older(3600)), key("YOUNGER 60", .younger(60)),
        key("LARGER 1024", .larger(1024)), key("SMALLER 9223372036854775807", .smaller(9_223_372_036_854_775_807)),
        key("UID 1:100", .uid(set(span(1, 100)))), key("UID $", .uid(.lastResult)),
        key("2:4", .sequenceNumbers(set(span(2, 4)))), key("$", .sequenceNumbers(.lastResult)),
        key("1,3:*", .sequenceNumbers(set(number(1), toLast(3)))),
        key("NOT SEEN", .not(.seen)), key("OR SEEN FLAGGED", .or(.seen, .flagged)),
        key("(SEEN)", .and([.seen])), key("(SEEN FLAGGED)", .and([.seen, .flagged])),
        key("MODSEQ 620162338", .modSeq(ModSeq(620_162_338), entry: nil)),
        key("MODSEQ \"/flags/\\\\draft\" all 620162338",
            .modSeq(ModSeq(620_162_338), entry: ModSeqEntry(name: "/flags/\\draft", type: "all"))),
        key("MODSEQ \"/flags/$Junk\" PRIV 0", .modSeq(ModSeq(0), entry: ModSeqEntry(name: "/flags/$Junk", type: "priv"))),
        key("EMAILID M6d99ac3275bb4e", .emailID("M6d99ac3275bb4e")),
        key("THREADID T64b478a75b7ea9", .threadID("T64b478a75b7ea9")),
    ]

    static let programs: [CommandFixture] = [
        .init("a1 SEARCH FLAGGED SINCE 1-Feb-1994 NOT FROM \"Smith\"",
              search(.and([.flagged, .since(date(1, 2, 1994)), .not(.from(bytes("Smith")))]))),
        .init("a1 SEARCH OR (SEEN) NOT DELETED", search(.or(.and([.seen]), .not(.deleted)))),
        .init("a1 SEARCH OR OR SEEN DRAFT (NOT (OR 1 2:3) UID 5)",
              search(.or(.or(.seen, .draft), .and([.not(.and([.or(.sequenceNumbers(set(number(1))),
                                                                   .sequenceNumbers(set(span(2, 3))))])),
                                                   .uid(set(number(5)))])))),
        .init("a1 SEARCH CHARSET UTF-8 TEXT {6}\r\nжук", search(.text(bytes("жук")), charset: "UTF-8")),
        .init(bytes: bytes("a1 SEARCH CHARSET \"ISO-8859-1\" SUBJECT \"") + [0xE9, 0x74, 0xE9] + bytes("\""),
              search(.subject([0xE9, 0x74, 0xE9]), charset: "ISO-8859-1")),
        .init("a1 SEARCH charset us-ascii ALL", search(.all, charset: "us-ascii")),
        .init("a1 SEARCH RETURN (MIN MAX) FLAGGED", search(.flagged, returning: [.min, .max])),
        .init("a1 SEARCH RETURN () UNSEEN", search(.unseen, returning: [])),
        .init("a1 SEARCH RETURN (ALL COUNT SAVE) 1:*", search(.sequenceNumbers(set(toLast(1))), returning: [.all, .count, .save])),
        .init("a1 SEARCH RETURN (X-FOO 1:5 MIN) ALL", search(.all, returning: [.other("X-FOO"), .min])),
        .init("a1 SEARCH RETURN (X-PAGE (1:100)) ALL", search(.all, returning: [.other("X-PAGE")])),
        .init("a1 UID SEARCH RETURN (save) CHARSET UTF-8 UID $ SMALLER 4096",
              search(.and([.uid(.lastResult), .smaller(4096)]), charset: "UTF-8", returning: [.save], byUID: true)),
        .init("a1 SEARCH CHARSET UTF-8 (OR $ 1,3000:3021) TEXT {8}\r\nmy text!",
              search(.and([.and([.or(.sequenceNumbers(.lastResult), .sequenceNumbers(set(number(1), span(3000, 3021))))]),
                           .text(bytes("my text!"))]), charset: "UTF-8")),
        .init("a1 UID SEARCH 1:* NOT DELETED", search(.and([.sequenceNumbers(set(toLast(1))), .not(.deleted)]), byUID: true)),
    ]

    static let all = keys + programs
}

@Suite("Parser: SEARCH")
struct ParserSearchTests {
    @Test("every search key", arguments: SearchFixtures.keys)
    func keys(_ fixture: CommandFixture) { expectParses(fixture) }

    @Test("programs: CHARSET, RETURN, implicit AND, nesting", arguments: SearchFixtures.programs)
    func programs(_ fixture: CommandFixture) { expectParses(fixture) }

    @Test("nesting up to the limit parses, one more level does not", arguments: [1, 2, 8, 32])
    func nestingLimit(depth: Int) throws {
        let limits = ParserLimits(maxNestingDepth: depth)
        var key = SearchKey.seen
        for _ in 0..<depth { key = .not(key) }
        let nots = String(repeating: "NOT ", count: depth)
        let parsed = try GrammarParser.parseCommand(bytes("t SEARCH \(nots)SEEN"), limits: limits)
        #expect(parsed.command == search(key))
        let tooDeep = parseFailure(bytes("t SEARCH NOT \(nots)SEEN"), limits: limits)
        #expect(tooDeep?.kind == .nestingTooDeep)
        #expect(tooDeep?.tag == "t")

        let open = String(repeating: "(", count: depth), close = String(repeating: ")", count: depth)
        var group = SearchKey.seen
        for _ in 0..<depth { group = .and([group]) }
        #expect(try GrammarParser.parseCommand(bytes("t SEARCH \(open)SEEN\(close)"), limits: limits).command == search(group))
        #expect(parseFailure(bytes("t SEARCH (\(open)SEEN\(close))"), limits: limits)?.kind == .nestingTooDeep)
        #expect(parseFailure(bytes("t SEARCH OR SEEN \(open)SEEN\(close)"), limits: limits)?.kind == .nestingTooDeep)
    }

    @Test("a hundred thousand open parentheses or NOTs fail without exhausting the stack")
    func hugeNesting() {
        let parens = bytes("t SEARCH ") + [UInt8](repeating: 0x28, count: 100_000)
        #expect(parseFailure(parens)?.kind == .nestingTooDeep)
        let nots = bytes("t SEARCH " + String(repeating: "NOT ", count: 100_000) + "SEEN")
        #expect(parseFailure(nots)?.kind == .nestingTooDeep)
        let ors = bytes("t SEARCH " + String(repeating: "OR SEEN ", count: 100_000) + "SEEN")
        #expect(parseFailure(ors)?.kind == .nestingTooDeep)
    }
}
