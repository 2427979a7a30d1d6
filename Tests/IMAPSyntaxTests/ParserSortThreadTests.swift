import IMAPSyntax
import MailCore
import Testing

/// SORT and THREAD fixtures (RFC 5256 §5, RFC 5267 §3 ESORT, RFC 5957 §5 SORT=DISPLAY).
enum SortThreadFixtures {
    static func sort(_ criteria: [SortCommand.Criterion], _ charset: String, _ key: SearchKey,
                     returnOptions: [SearchReturnOption]? = nil, byUID: Bool = false) -> Command {
        .sort(SortCommand(returnOptions: returnOptions, criteria: criteria, charset: charset, key: key, byUID: byUID))
    }

    static let valid: [CommandFixture] = [
        // RFC 5256 §3's examples.
        CommandFixture("A282 SORT (SUBJECT) UTF-8 SINCE 1-Feb-1994",
                       sort([.init(.subject)], "UTF-8", .since(date(1, 2, 1994))), tag: "A282"),
        CommandFixture("A283 SORT (SUBJECT REVERSE DATE) UTF-8 ALL",
                       sort([.init(.subject), .init(.date, reverse: true)], "UTF-8", .all), tag: "A283"),
        CommandFixture("A284 SORT (SUBJECT) US-ASCII TEXT \"not in mailbox\"",
                       sort([.init(.subject)], "US-ASCII", .text(bytes("not in mailbox"))), tag: "A284"),
        // Every key, any case; several search keys become AND; a quoted charset.
        CommandFixture("a1 sort (arrival cc date from size subject to displayfrom displayto) \"utf-8\" SEEN 1:3",
                       sort(SortCommand.Key.allCases.map { .init($0) }, "utf-8",
                            .and([.seen, .sequenceNumbers(set(span(1, 3)))]))),
        CommandFixture("a1 UID SORT (REVERSE ARRIVAL) UTF-8 UID 5:*",
                       sort([.init(.arrival, reverse: true)], "UTF-8", .uid(set(toLast(5))), byUID: true)),
        // RFC 5267 §3.3's example and other return options.
        CommandFixture("E01 UID SORT RETURN () (REVERSE DATE) UTF-8 UNDELETED UNKEYWORD $Junk",
                       sort([.init(.date, reverse: true)], "UTF-8", .and([.undeleted, .unkeyword("$Junk")]),
                            returnOptions: [], byUID: true), tag: "E01"),
        CommandFixture("a1 SORT RETURN (MIN MAX COUNT ALL SAVE) (SIZE) UTF-8 ALL",
                       sort([.init(.size)], "UTF-8", .all, returnOptions: [.min, .max, .count, .all, .save])),
        // RFC 5256 §3's THREAD examples.
        CommandFixture("A283 THREAD ORDEREDSUBJECT UTF-8 SINCE 5-MAR-2000",
                       .thread(ThreadCommand(algorithm: "ORDEREDSUBJECT", charset: "UTF-8", key: .since(date(5, 3, 2000)))),
                       tag: "A283"),
        CommandFixture("A284 THREAD ORDEREDSUBJECT US-ASCII TEXT \"gewp\"",
                       .thread(ThreadCommand(algorithm: "ORDEREDSUBJECT", charset: "US-ASCII", key: .text(bytes("gewp")))),
                       tag: "A284"),
        CommandFixture("a1 UID THREAD references utf-8 ALL",
                       .thread(ThreadCommand(algorithm: "REFERENCES", charset: "utf-8", key: .all, byUID: true))),
        // An algorithm the server may not know still parses (`thread-alg-ext = atom`).
        CommandFixture("a1 THREAD REFS UTF-8 ALL",
                       .thread(ThreadCommand(algorithm: "REFS", charset: "UTF-8", key: .all))),
    ]

    static let invalid: [(String, ParseError.Kind)] = [
        ("a SORT (COLOUR) UTF-8 ALL", .expected(rule: "sort-key")),
        ("a SORT () UTF-8 ALL", .expected(rule: "sort-key")),
        ("a SORT (REVERSE) UTF-8 ALL", .expected(rule: "SP")),
        ("a SORT (REVERSE REVERSE DATE) UTF-8 ALL", .expected(rule: "sort-key")),
        ("a SORT DATE UTF-8 ALL", .expected(rule: "sort-criteria")),
        ("a SORT (DATE) UTF-8", .unexpectedEnd),
        ("a SORT (DATE)", .unexpectedEnd),
        ("a SORT (DATE) UTF-8 NOSUCHKEY", .unknownSearchKey("NOSUCHKEY")),
        ("a THREAD REFERENCES", .unexpectedEnd),
        ("a THREAD (REFERENCES) UTF-8 ALL", .expected(rule: "atom")),
    ]
}

@Suite("Parser: SORT and THREAD")
struct ParserSortThreadTests {
    @Test("valid commands", arguments: SortThreadFixtures.valid)
    func valid(_ fixture: CommandFixture) { expectParses(fixture) }

    @Test("invalid commands fail with a reason", arguments: SortThreadFixtures.invalid.indices)
    func invalid(_ index: Int) {
        let (line, kind) = SortThreadFixtures.invalid[index]
        #expect(parseFailure(bytes(line))?.kind == kind, "\(line)")
    }

    @Test("the command names")
    func names() {
        #expect(SortThreadFixtures.valid[0].expected.name == "SORT")
        #expect(SortThreadFixtures.valid[4].expected.name == "UID SORT")
        #expect(SortThreadFixtures.valid[7].expected.name == "THREAD")
        #expect(SortThreadFixtures.valid[9].expected.name == "UID THREAD")
    }
}

@Suite("Encoder: SORT and THREAD responses (RFC 5256 §4)")
struct EncoderSortThreadTests {
    @Test("SORT: numbers in sort order, MODSEQ when asked (RFC 7162 §3.1.5)")
    func sort() {
        #expect(wire(.untagged(.sort([2, 3, 6], modSeq: nil))) == "* SORT 2 3 6\r\n")
        #expect(wire(.untagged(.sort([], modSeq: nil))) == "* SORT\r\n")
        #expect(wire(.untagged(.sort([5, 1], modSeq: ModSeq(917)))) == "* SORT 5 1 (MODSEQ 917)\r\n")
    }

    @Test("THREAD: RFC 5256 §4's examples")
    func thread() {
        func n(_ number: UInt32?, _ children: ThreadNode...) -> ThreadNode { ThreadNode(number: number, children: children) }
        // * THREAD (2)(3 6 (4 23)(44 7 96))
        let example = [n(2), n(3, n(6, n(4, n(23)), n(44, n(7, n(96)))))]
        #expect(wire(.untagged(.thread(example))) == "* THREAD (2)(3 6 (4 23)(44 7 96))\r\n")
        // * THREAD ((3)(5)): siblings under a parent that is not among the results.
        #expect(wire(.untagged(.thread([n(nil, n(3), n(5))]))) == "* THREAD ((3)(5))\r\n")
        #expect(wire(.untagged(.thread([]))) == "* THREAD\r\n")
        // A first message with several children, as ORDEREDSUBJECT makes them.
        #expect(wire(.untagged(.thread([n(174, n(175), n(176)), n(194, n(195))])))
                == "* THREAD (174 (175)(176))(194 195)\r\n")
    }
}
