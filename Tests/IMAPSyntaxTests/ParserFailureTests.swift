import IMAPSyntax
import MailCore
import Testing

/// Malformed commands and the exact error each gives (RFC 9051 §9; the server answers
/// `tag BAD`, RFC 9051 §7.1.3). The tag is "a" unless said otherwise.
enum FailureFixtures {
    static func f(_ line: String, _ kind: ParseError.Kind, tag: IMAPSyntax.Tag? = "a") -> FailureFixture {
        FailureFixture(line, kind, tag: tag)
    }

    static let tags: [FailureFixture] = [
        f("", .invalidTag, tag: nil),
        f("NOOP", .invalidTag, tag: nil),
        f(" NOOP", .invalidTag, tag: nil),
        f("+a NOOP", .invalidTag, tag: nil),
        f("a+b NOOP", .invalidTag, tag: nil),
        f("a*b NOOP", .invalidTag, tag: nil),
        f("a%b NOOP", .invalidTag, tag: nil),
        f("a(b NOOP", .invalidTag, tag: nil),
        f("a\"b NOOP", .invalidTag, tag: nil),
        f("a\\b NOOP", .invalidTag, tag: nil),
        f("a{1} NOOP", .invalidTag, tag: nil),
        f("a\tNOOP", .invalidTag, tag: nil),
        f("tåg NOOP", .invalidTag, tag: nil),
        FailureFixture(bytes: [0x61, 0x00, 0x20, 0x4E], .invalidCharacter(0), tag: nil),
    ]

    static let commands: [FailureFixture] = [
        f("a ", .unknownCommand("")),
        f("a  NOOP", .unknownCommand("")),
        f("a (NOOP)", .unknownCommand("")),
        f("a FOO", .unknownCommand("FOO")),
        f("a xlist \"\" %", .unknownCommand("XLIST")),
        f("a UID FOO 1", .unknownCommand("UID FOO")),
        f("a UID ", .unknownCommand("UID")),
        f("a UID", .unexpectedEnd),
        f("a NOOP ", .trailingCharacters),
        f("a NOOP extra", .trailingCharacters),
        f("a EXPUNGE 1", .trailingCharacters),
        f("a SEARCH SEEN)", .trailingCharacters),
        f("a CAPABILITY\tx", .invalidCharacter(0x09)),
        f("a NOOP\r", .invalidCharacter(0x0D)),
        f("a LOGOUT\u{0}", .invalidCharacter(0)),
        f("a LOGIN \"a\u{0}b\" c", .invalidCharacter(0)),
        f("a LOGIN {3}\r\na\u{0}b c", .invalidCharacter(0)),
        f("a LOGIN fred", .unexpectedEnd),
        f("a LOGIN fred ", .unexpectedEnd),
        f("a LOGIN fred  secret", .expected(rule: "astring")),
        f("a LOGIN (fred) x", .expected(rule: "astring")),
        f("a RENAME a", .unexpectedEnd),
        f("a COPY 1", .unexpectedEnd),
        f("a MOVE 1 ", .unexpectedEnd),
        f("a FETCH1 FLAGS", .unknownCommand("FETCH1")),
        f("a SELECT", .unexpectedEnd),
        f("a COMPRESS", .unexpectedEnd),
        f("a COMPRESS DEFLATE extra", .trailingCharacters),
        f("a COMPRESS \"DEFLATE\"", .expected(rule: "algorithm")),
        f("a UNAUTHENTICATE now", .trailingCharacters),
        f("a SELECT INBOX (FOO)", .expected(rule: "select-param")),
        f("a SELECT INBOX ()", .expected(rule: "select-param")),
        f("a SELECT INBOX (CONDSTORE", .unexpectedEnd),
        f("a SELECT INBOX (QRESYNC (0 5))", .invalidNumber),
        f("a SELECT INBOX (QRESYNC (1 0))", .invalidNumber),
        f("a SELECT INBOX (QRESYNC (1 5 1:*))", .invalidSequenceSet),
        f("a SELECT INBOX (QRESYNC (1 5 1:9 (1:3)))", .expected(rule: "SP")),
        f("a STATUS INBOX (MESSAGES FOO)", .unknownStatusAttribute("FOO")),
        f("a STATUS INBOX ()", .expected(rule: "status-att")),
        f("a STATUS INBOX", .unexpectedEnd),
        f("a STATUS INBOX MESSAGES", .expected(rule: "status-att list")),
        f("a LIST (RECURSIVEMATCH) \"\" %", .expected(rule: "list-select-base-opt")),
        f("a LIST (REMOTE RECURSIVEMATCH) \"\" %", .expected(rule: "list-select-base-opt")),
        f("a LIST \"\" ()", .expected(rule: "list-mailbox")),
        f("a LIST \"\" % RETURN (STATUS (FOO))", .unknownStatusAttribute("FOO")),
        f("a LIST \"\" % FOO", .expected(rule: "list-return-opts")),
        f("a LIST \"\"", .unexpectedEnd),
        f("a CREATE x (FOO)", .expected(rule: "create-param")),
        f("a CREATE x (USE (Drafts))", .expected(rule: "use-attr")),
        f("a AUTHENTICATE", .unexpectedEnd),
        f("a AUTHENTICATE PLAIN ab=c", .expected(rule: "base64")),
        f("a AUTHENTICATE PLAIN abc", .expected(rule: "base64")),
        f("a AUTHENTICATE PLAIN ", .unexpectedEnd),
        f("a ENABLE", .unexpectedEnd),
        f("a ENABLE X ", .unexpectedEnd),
        f("a ID", .unexpectedEnd),
        f("a ID foo", .expected(rule: "id_params_list")),
        f("a ID (\"a\")", .expected(rule: "SP")),
        f("a ID (name \"x\")", .expected(rule: "string")),
        f("a STORE 1 (UNCHANGEDSINCE 1 UNCHANGEDSINCE 2) FLAGS x", .expected(rule: "store-modifier")),
        f("a APPEND INBOX", .unexpectedEnd),
        f("a APPEND INBOX (\\Seen) ", .unexpectedEnd),
        f("a APPEND INBOX {3}\r\nabc", .expected(rule: "literal")),
    ]

    static let sequenceSets: [FailureFixture] = [
        f("a FETCH 0 FLAGS", .invalidSequenceSet),
        f("a FETCH 1: FLAGS", .invalidSequenceSet),
        f("a FETCH *: FLAGS", .invalidSequenceSet),
        f("a FETCH 4294967296 FLAGS", .invalidSequenceSet),
        f("a FETCH 1:2:3 FLAGS", .invalidSequenceSet),
        f("a FETCH 1,,2 FLAGS", .invalidSequenceSet),
        f("a FETCH 1, FLAGS", .invalidSequenceSet),
        f("a FETCH 01 FLAGS", .invalidSequenceSet),
        f("a FETCH -1 FLAGS", .invalidSequenceSet),
        f("a FETCH 1x FLAGS", .invalidSequenceSet),
        f("a FETCH $,1 FLAGS", .invalidSequenceSet),
        f("a FETCH 1,$ FLAGS", .invalidSequenceSet),
        f("a FETCH  1 FLAGS", .invalidSequenceSet),
        f("a UID EXPUNGE 1:", .invalidSequenceSet),
        f("a COPY x INBOX", .invalidSequenceSet),
        f("a SEARCH 1:0", .invalidSequenceSet),
        f("a FETCH", .unexpectedEnd),
        f("a FETCH ", .unexpectedEnd),
        f("a FETCH 1", .unexpectedEnd),
    ]

    static let strings: [FailureFixture] = [
        f("a LOGIN \"fred secret", .unterminatedQuotedString),
        f("a LOGIN \"fred\\", .unterminatedQuotedString),
        f("a LOGIN \"fr\\ed\" x", .expected(rule: "quoted-specials")),
        f("a LOGIN \"fred\\n\" x", .expected(rule: "quoted-specials")),
        f("a SELECT \"a\rb\"", .invalidCharacter(0x0D)),
        f("a SELECT \"a\nb\"", .invalidCharacter(0x0A)),
        f("a LOGIN {5}\r\nabc", .unexpectedEnd),
        f("a LOGIN {3}abc x", .expected(rule: "CRLF")),
        f("a LOGIN {3}\nabc x", .invalidCharacter(0x0A)),
        f("a LOGIN {3\r\nabc x", .invalidCharacter(0x0D)),
        f("a LOGIN {x}\r\nabc x", .expected(rule: "number64")),
        f("a LOGIN {99999999999999999999}\r\n x", .invalidNumber),
        f("a LOGIN ~{3}\r\nabc x", .expected(rule: "SP")),
        f("a SELECT café", .invalidCharacter(0xC3)),
        f("a SELECT INBOX\u{7F}", .invalidCharacter(0x7F)),
    ]

    static let flags: [FailureFixture] = [
        f("a STORE 1 +FLAGS (\\)", .invalidFlag("\\")),
        f("a STORE 1 +FLAGS (\\*)", .invalidFlag("\\*")),
        f("a STORE 1 FLAGS (a]b)", .invalidFlag("a]b")),
        f("a STORE 1 FLAGS (%x)", .invalidFlag("%x")),
        f("a STORE 1 FLAGS \\Seen\\Draft", .invalidFlag("\\Seen\\Draft")),
        f("a STORE 1 FLAGS (\"x\")", .invalidFlag("\"x\"")),
        f("a STORE 1 FLAGS (\\Seen", .unexpectedEnd),
        f("a STORE 1 FLAGS", .unexpectedEnd),
        f("a STORE 1 FLAGS ", .unexpectedEnd),
        f("a STORE 1 XFLAGS (\\Seen)", .expected(rule: "store-att-flags")),
        f("a STORE 1 FLAGS.NOISY (\\Seen)", .expected(rule: "store-att-flags")),
        f("a STORE 1 FLAGS (\\Seen  \\Draft)", .expected(rule: "flag")),
        f("a STORE 1 FLAGS (\\Seen)x", .trailingCharacters),
        f("a SEARCH KEYWORD \\Seen", .invalidFlag("\\Seen")),
        f("a SEARCH UNKEYWORD a]", .invalidFlag("a]")),
    ]

    static let dates: [FailureFixture] = [
        f("a SEARCH SINCE 31-Feb-2020", .invalidDate),
        f("a SEARCH BEFORE 29-Feb-2019", .invalidDate),
        f("a SEARCH SINCE 31-Apr-2020", .invalidDate),
        f("a SEARCH SINCE 1-Foo-2020", .invalidDate),
        f("a SEARCH SINCE 1-Jan-20", .invalidDate),
        f("a SEARCH SINCE 1-Jan-20201", .invalidDate),
        f("a SEARCH SINCE 123-Jan-2020", .invalidDate),
        f("a SEARCH SINCE 0-Jan-2020", .invalidDate),
        f("a SEARCH SINCE \"1-Jan-2020", .invalidDate),
        f("a SEARCH SINCE 1 Jan 2020", .invalidDate),
        f("a SEARCH SINCE", .unexpectedEnd),
        f("a APPEND INBOX \"32-Jan-2020 00:00:00 +0000\" ", .invalidDate),
        f("a APPEND INBOX \"01-Jan-2020 24:00:00 +0000\" ", .invalidDate),
        f("a APPEND INBOX \"01-Jan-2020 10:60:00 +0000\" ", .invalidDate),
        f("a APPEND INBOX \"01-Jan-2020 10:00:61 +0000\" ", .invalidDate),
        f("a APPEND INBOX \"01-Jan-2020 10:00:00 +0060\" ", .invalidDate),
        f("a APPEND INBOX \"01-Jan-2020 10:00:00 0000\" ", .invalidDate),
        f("a APPEND INBOX \"1-Jan-2020 10:00:00 +0000\" ", .invalidDate),
        f("a APPEND INBOX \"01-Jan-2020 10:00 +0000\" ", .invalidDate),
    ]

    static let fetch: [FailureFixture] = [
        f("a FETCH 1 FOO", .unknownFetchAttribute("FOO")),
        f("a FETCH 1 (FLAGS bar)", .unknownFetchAttribute("BAR")),
        f("a FETCH 1 BODY.PEEK.X[]", .unknownFetchAttribute("BODY.PEEK.X")),
        f("a FETCH 1 ()", .expected(rule: "fetch-att")),
        f("a FETCH 1 (FLAGS", .unexpectedEnd),
        f("a FETCH 1 (FLAGS  UID)", .expected(rule: "fetch-att")),
        f("a FETCH 1 BODY[MIME]", .expected(rule: "section-spec")),
        f("a FETCH 1 BODY[FOO]", .expected(rule: "section-spec")),
        f("a FETCH 1 BODY[1.FOO]", .expected(rule: "section-text")),
        f("a FETCH 1 BODY[1.]", .expected(rule: "section-text")),
        f("a FETCH 1 BODY[0]", .invalidNumber),
        f("a FETCH 1 BODY[]<0.0>", .invalidNumber),
        f("a FETCH 1 BODY[]<5>", .expected(rule: "partial")),
        f("a FETCH 1 BODY[TEXT", .unexpectedEnd),
        f("a FETCH 1 BODY.PEEK", .unexpectedEnd),
        f("a FETCH 1 BINARY", .unexpectedEnd),
        f("a FETCH 1 BINARY[HEADER]", .expected(rule: "nz-number")),
        f("a FETCH 1 BINARY.SIZE[1]<0.5>", .trailingCharacters),
        f("a FETCH 1 BODY[HEADER.FIELDS ()]", .expected(rule: "astring")),
        f("a FETCH 1 BODY[HEADER.FIELDS]", .expected(rule: "SP")),
        f("a FETCH 1 PREVIEW (LAZY FUZZY)", .expected(rule: "preview-mod")),
        f("a FETCH 1 FLAGS (VANISHED)", .expected(rule: "fetch-modifier")),
        f("a UID FETCH 1 FLAGS (VANISHED)", .expected(rule: "CHANGEDSINCE")),
        f("a FETCH 1 FLAGS (CHANGEDSINCE 0)", .invalidNumber),
        f("a FETCH 1 FLAGS (CHANGEDSINCE 1 CHANGEDSINCE 2)", .expected(rule: "fetch-modifier")),
        f("a FETCH 1 FLAGS ()", .expected(rule: "fetch-modifier")),
    ]

    static let search: [FailureFixture] = [
        f("a SEARCH FOO", .unknownSearchKey("FOO")),
        f("a SEARCH seen bar", .unknownSearchKey("BAR")),
        f("a SEARCH", .unexpectedEnd),
        f("a SEARCH ", .unexpectedEnd),
        f("a SEARCH (SEEN", .unexpectedEnd),
        f("a SEARCH ()", .expected(rule: "search-key")),
        f("a SEARCH OR SEEN", .unexpectedEnd),
        f("a SEARCH NOT", .unexpectedEnd),
        f("a SEARCH SEEN  FLAGGED", .expected(rule: "search-key")),
        f("a SEARCH \"SEEN\"", .expected(rule: "search-key")),
        f("a SEARCH LARGER x", .expected(rule: "number64")),
        f("a SEARCH SMALLER 9223372036854775808", .invalidNumber),
        f("a SEARCH OLDER 0", .invalidNumber),
        f("a SEARCH EMAILID bad!id", .expected(rule: "objectid")),
        f("a SEARCH THREADID " + String(repeating: "x", count: 256), .expected(rule: "objectid")),
        f("a SEARCH MODSEQ \"/flags/\\\\seen\" foo 5", .expected(rule: "entry-type-req")),
        f("a SEARCH MODSEQ \"/keywords/x\" all 5", .expected(rule: "entry-flag-name")),
        f("a SEARCH MODSEQ x", .expected(rule: "mod-sequence-valzer")),
        f("a SEARCH CHARSET", .unexpectedEnd),
        f("a SEARCH CHARSET UTF-8", .unexpectedEnd),
        f("a SEARCH RETURN (MIN", .unexpectedEnd),
        f("a SEARCH RETURN MIN ALL", .expected(rule: "search-return-opts")),
        f("a SEARCH HEADER Subject", .unexpectedEnd),
        f("a SEARCH UID", .unexpectedEnd),
    ]

    static let all = tags + commands + sequenceSets + strings + flags + dates + fetch + search
        + quota  // ParserQuotaTests.swift
}

@Suite("Parser: malformed commands")
struct ParserFailureTests {
    @Test("bad tags", arguments: FailureFixtures.tags)
    func tags(_ fixture: FailureFixture) { expectFailure(fixture) }

    @Test("bad commands and arguments", arguments: FailureFixtures.commands)
    func commands(_ fixture: FailureFixture) { expectFailure(fixture) }

    @Test("bad sequence sets", arguments: FailureFixtures.sequenceSets)
    func sequenceSets(_ fixture: FailureFixture) { expectFailure(fixture) }

    @Test("bad strings and literals", arguments: FailureFixtures.strings)
    func strings(_ fixture: FailureFixture) { expectFailure(fixture) }

    @Test("bad flags", arguments: FailureFixtures.flags)
    func flags(_ fixture: FailureFixture) { expectFailure(fixture) }

    @Test("bad dates", arguments: FailureFixtures.dates)
    func dates(_ fixture: FailureFixture) { expectFailure(fixture) }

    @Test("bad FETCH", arguments: FailureFixtures.fetch)
    func fetch(_ fixture: FailureFixture) { expectFailure(fixture) }

    @Test("bad SEARCH", arguments: FailureFixtures.search)
    func search(_ fixture: FailureFixture) { expectFailure(fixture) }

    @Test("NUL is refused wherever it is, literals included (RFC 9051 §9 note 3)")
    func nulAnywhere() {
        let line = bytes("t1 LOGIN {16}\r\nsixteen bytes... \"pass word\"")
        for position in 3..<line.count {
            var withNUL = line
            withNUL[position] = 0
            let error = parseFailure(withNUL)
            #expect(error?.kind == .invalidCharacter(0), "NUL at \(position)")
            #expect(error?.tag == "t1")
        }
    }

    @Test("there are at least 60 failure fixtures")
    func count() { #expect(FailureFixtures.all.count >= 60) }

    @Test("error descriptions are readable")
    func descriptions() {
        #expect(ParseError(.unknownCommand("FOO")).description == "Unknown command FOO")
        #expect(ParseError(.unknownCommand("")).description == "Missing command")
        #expect(ParseError(.invalidCharacter(0)).description == "NUL byte not allowed")
    }

    private func expectFailure(_ fixture: FailureFixture, sourceLocation: SourceLocation = #_sourceLocation) {
        guard let error = parseFailure(fixture.input, sourceLocation: sourceLocation) else { return }
        #expect(error.kind == fixture.kind, sourceLocation: sourceLocation)
        #expect(error.tag == fixture.tag, sourceLocation: sourceLocation)
    }
}
