import IMAPSyntax
import MailCore
import Testing

/// Fixtures for the commands with short arguments, and for the basic tokens (RFC 9051 §9).
enum CommandFixtures {
    /// RFC 9051 §6.1, RFC 2971 ID.
    static let anyState: [CommandFixture] = [
        .init("a1 CAPABILITY", .capability),
        .init("a1 capability", .capability),
        .init("a1 NoOp", .noop),
        .init("a1 LOGOUT", .logout),
        .init("a1 ID NIL", .id(nil)),
        .init("a1 ID nil", .id(nil)),
        .init("a1 ID ()", .id([])),
        .init(#"a1 ID ("name" "sodr" "version" "19.34" "vendor" NIL)"#,
              .id([IDField(name: "name", value: "sodr"), IDField(name: "version", value: "19.34"),
                   IDField(name: "vendor", value: nil)])),
        .init("a1 ID (\"os\" {5}\r\nLinux)", .id([IDField(name: "os", value: "Linux")])),
        .init("a1 ID ({4+}\r\nname \"K-9 Mail\")", .id([IDField(name: "name", value: "K-9 Mail")])),
    ]

    /// RFC 9051 §6.2, RFC 4959 SASL-IR.
    static let notAuthenticated: [CommandFixture] = [
        .init("a1 STARTTLS", .starttls),
        .init("a1 AUTHENTICATE PLAIN", .authenticate(mechanism: "PLAIN", initialResponse: nil)),
        .init("a1 authenticate scram-sha-256",
              .authenticate(mechanism: "SCRAM-SHA-256", initialResponse: nil)),
        .init("a1 AUTHENTICATE PLAIN =", .authenticate(mechanism: "PLAIN", initialResponse: .empty)),
        .init("a1 AUTHENTICATE PLAIN AHVzZXIAcGFzcw==",
              .authenticate(mechanism: "PLAIN", initialResponse: .base64("AHVzZXIAcGFzcw=="))),
        .init("a1 AUTHENTICATE XOAUTH2 dXNlcj1mb28BAQ==",
              .authenticate(mechanism: "XOAUTH2", initialResponse: .base64("dXNlcj1mb28BAQ=="))),
        .init("a1 LOGIN fred secret", .login(username: "fred", password: "secret")),
        .init(#"a1 LOGIN "fred smith" "p\"w\\d""#, .login(username: "fred smith", password: #"p"w\d"#)),
        .init("a1 LOGIN {4}\r\nfred {6+}\r\nsecret", .login(username: "fred", password: "secret")),
        .init("a1 LOGIN \"jörg\" \"pässwörd\"", .login(username: "jörg", password: "pässwörd")),
        .init("a1 LOGIN user] p@ss!#$&'", .login(username: "user]", password: "p@ss!#$&'")),
        .init("a1 LOGIN \"\" {0}\r\n", .login(username: "", password: "")),
        .init("a1 LOGIN \"tab\there\" {4}\r\na\r\nb", .login(username: "tab\there", password: "a\r\nb")),
    ]

    /// RFC 9051 §6.3, with CONDSTORE/QRESYNC (RFC 7162), SPECIAL-USE (RFC 6154), ENABLE
    /// (RFC 5161), STATUS extensions.
    static let authenticated: [CommandFixture] = [
        .init("a1 ENABLE CONDSTORE", .enable(["CONDSTORE"])),
        .init("a1 enable qresync utf8=accept", .enable(["QRESYNC", "UTF8=ACCEPT"])),
        .init("a1 SELECT INBOX", .select(mailbox("INBOX"), SelectParameters())),
        .init("a1 select inbox", .select(mailbox("inbox"), SelectParameters())),
        .init("a1 SELECT \"Sent Items\"", .select(mailbox("Sent Items"), SelectParameters())),
        .init("a1 SELECT {5}\r\nDraft", .select(mailbox("Draft"), SelectParameters())),
        .init("a1 SELECT &AMQ-pfel]", .select(mailbox("&AMQ-pfel]"), SelectParameters())),
        .init("a1 SELECT \"Entwürfe\"", .select(mailbox("Entwürfe"), SelectParameters())),
        .init(bytes: bytes("a1 SELECT \"") + [0xE4, 0xFF] + bytes("\""),
              .select(MailboxName([0xE4, 0xFF]), SelectParameters())),
        .init(bytes: bytes("a1 SELECT {2}\r\n") + [0xE4, 0xFF],
              .select(MailboxName([0xE4, 0xFF]), SelectParameters())),
        .init("a1 SELECT INBOX (CONDSTORE)", .select(mailbox("INBOX"), SelectParameters(condstore: true))),
        .init("a1 SELECT INBOX (QRESYNC (67890007 20050715194045000 41,43:211,214:541))",
              .select(mailbox("INBOX"), SelectParameters(qresync: QResyncParameters(
                  uidValidity: UIDValidity(67_890_007), modSeq: ModSeq(20_050_715_194_045_000),
                  knownUIDs: set(number(41), span(43, 211), span(214, 541)))))),
        .init("a1 SELECT INBOX (QRESYNC (67890007 90060115194045000 41:211,214:541 (1:20 41:60)))",
              .select(mailbox("INBOX"), SelectParameters(qresync: QResyncParameters(
                  uidValidity: UIDValidity(67_890_007), modSeq: ModSeq(90_060_115_194_045_000),
                  knownUIDs: set(span(41, 211), span(214, 541)),
                  sequenceMatch: (set(span(1, 20)), set(span(41, 60))))))),
        .init("a1 EXAMINE INBOX (QRESYNC (1 2 (3 4)))",
              .examine(mailbox("INBOX"), SelectParameters(qresync: QResyncParameters(
                  uidValidity: UIDValidity(1), modSeq: ModSeq(2), sequenceMatch: (set(number(3)), set(number(4))))))),
        .init("a1 SELECT INBOX (condstore QRESYNC (5 6))",
              .select(mailbox("INBOX"), SelectParameters(condstore: true, qresync: QResyncParameters(
                  uidValidity: UIDValidity(5), modSeq: ModSeq(6))))),
        .init("a1 EXAMINE blurdybloop", .examine(mailbox("blurdybloop"), SelectParameters())),
        .init("a1 CREATE owatagusiam/", .create(mailbox("owatagusiam/"), specialUse: [])),
        .init("a1 CREATE \"Drafts\" (USE (\\Drafts))", .create(mailbox("Drafts"), specialUse: [.specialUse(.drafts)])),
        .init("a1 CREATE x (use (\\sent \\Archive \\Foo))",
              .create(mailbox("x"), specialUse: [.specialUse(.sent), .specialUse(.archive), .other("\\Foo")])),
        .init("a1 CREATE x (USE ())", .create(mailbox("x"), specialUse: [])),
        .init("a1 DELETE blurdybloop", .delete(mailbox("blurdybloop"))),
        .init("a1 RENAME blurdybloop sarasoop", .rename(from: mailbox("blurdybloop"), to: mailbox("sarasoop"))),
        .init("a1 RENAME \"a b\" {3}\r\nc d", .rename(from: mailbox("a b"), to: mailbox("c d"))),
        .init("a1 SUBSCRIBE #news.comp.mail.mime", .subscribe(mailbox("#news.comp.mail.mime"))),
        .init("a1 UNSUBSCRIBE \"x\"", .unsubscribe(mailbox("x"))),
        .init("a1 NAMESPACE", .namespace),
        .init("a1 STATUS blurdybloop (UIDNEXT MESSAGES)", .status(mailbox("blurdybloop"), [.uidNext, .messages])),
        .init("a1 STATUS x (MESSAGES RECENT UIDNEXT UIDVALIDITY UNSEEN DELETED SIZE HIGHESTMODSEQ APPENDLIMIT MAILBOXID)",
              .status(mailbox("x"), [.messages, .recent, .uidNext, .uidValidity, .unseen, .deleted, .size,
                                     .highestModSeq, .appendLimit, .mailboxID])),
        .init("a1 status INBOX (unseen)", .status(mailbox("INBOX"), [.unseen])),
        .init("a1 IDLE", .idle),
        // RFC 4978 §5; the algorithm is any atom, so that an unknown one can get BAD.
        .init("a1 COMPRESS DEFLATE", .compress(algorithm: "DEFLATE")),
        .init("a1 compress deflate", .compress(algorithm: "DEFLATE")),
        .init("a1 COMPRESS X-LZ4", .compress(algorithm: "X-LZ4")),
        // RFC 8437 §2.
        .init("a1 UNAUTHENTICATE", .unauthenticate),
        .init("a1 unauthenticate", .unauthenticate),
    ]

    /// RFC 9051 §6.4 (besides FETCH and SEARCH), RFC 4315 UID EXPUNGE, RFC 6851 MOVE,
    /// RFC 7162 UNCHANGEDSINCE.
    static let selected: [CommandFixture] = [
        .init("a1 CHECK", .check),
        .init("a1 CLOSE", .close),
        .init("a1 UNSELECT", .unselect),
        .init("a1 EXPUNGE", .expunge),
        .init("a1 UID EXPUNGE 3000:3002", .uidExpunge(set(span(3000, 3002)))),
        .init("a1 uid expunge $", .uidExpunge(.lastResult)),
        .init("a1 COPY 2:4 MEETING", .copy(set(span(2, 4)), mailbox("MEETING"), byUID: false)),
        .init("a1 UID COPY 1:* \"Archive\"", .copy(set(toLast(1)), mailbox("Archive"), byUID: true)),
        .init("a1 COPY $ Trash", .copy(.lastResult, mailbox("Trash"), byUID: false)),
        .init("a1 MOVE 1,3 Trash", .move(set(number(1), number(3)), mailbox("Trash"), byUID: false)),
        .init("a1 UID MOVE 42 {4}\r\nJunk", .move(set(number(42)), mailbox("Junk"), byUID: true)),
        .init("a1 STORE 2:4 +FLAGS (\\Deleted)", store(set(span(2, 4)), .add, [.deleted])),
        .init("a1 STORE 1 FLAGS \\Seen \\flagged", store(set(number(1)), .replace, [.seen, .flagged])),
        .init("a1 STORE 1 -FLAGS.SILENT ($Junk)", store(set(number(1)), .remove, silent: true, [.keyword("$Junk")])),
        .init("a1 STORE 1 FLAGS ()", store(set(number(1)), .replace, [])),
        .init("a1 store 1 +flags.silent (\\Answered \\Draft \\Recent \\X-Custom Junk)",
              store(set(number(1)), .add, silent: true,
                    [.answered, .draft, .recent, .extension("\\X-Custom"), .keyword("Junk")])),
        .init("a1 UID STORE 1:* +FLAGS.SILENT (\\Seen)",
              store(set(toLast(1)), .add, silent: true, [.seen], byUID: true)),
        .init("a1 STORE 1 (UNCHANGEDSINCE 12345) +FLAGS (\\Seen)",
              store(set(number(1)), .add, [.seen], unchangedSince: ModSeq(12345))),
        .init("a1 UID STORE $ (UNCHANGEDSINCE 0) FLAGS foo",
              store(.lastResult, .replace, [.keyword("foo")], unchangedSince: ModSeq(0), byUID: true)),
    ]

    /// Tags (`tag = 1*<any ASTRING-CHAR except "+">`) and sequence-set shapes.
    static let tokens: [CommandFixture] = [
        .init("x]y NOOP", .noop, tag: "x]y"),
        .init("A.001 NOOP", .noop, tag: "A.001"),
        .init("!#$&'-./:;<=>?@[^_`|}~ NOOP", .noop, tag: "!#$&'-./:;<=>?@[^_`|}~"),
        .init("1 NOOP", .noop, tag: "1"),
        .init("a1 COPY 2,4:7,9,12:* x", .copy(set(number(2), span(4, 7), number(9), toLast(12)), mailbox("x"), byUID: false)),
        .init("a1 COPY *:4,5:7 x", .copy(set(SequenceRange(.last, .number(4)), span(5, 7)), mailbox("x"), byUID: false)),
        .init("a1 COPY 4:2 x", .copy(set(span(4, 2)), mailbox("x"), byUID: false)),
        .init("a1 COPY * x", .copy(set(SequenceRange(single: .last)), mailbox("x"), byUID: false)),
        .init("a1 COPY 4294967295 x", .copy(set(number(4_294_967_295)), mailbox("x"), byUID: false)),
    ]

    static let all = anyState + notAuthenticated + authenticated + selected + tokens
        + quota  // ParserQuotaTests.swift
}

@Suite("Parser: commands and tokens")
struct ParserCommandTests {
    @Test("any-state commands (RFC 9051 §6.1, RFC 2971)", arguments: CommandFixtures.anyState)
    func anyState(_ fixture: CommandFixture) { expectParses(fixture) }

    @Test("not-authenticated commands (RFC 9051 §6.2, RFC 4959)", arguments: CommandFixtures.notAuthenticated)
    func notAuthenticated(_ fixture: CommandFixture) { expectParses(fixture) }

    @Test("authenticated commands (RFC 9051 §6.3, RFC 7162, RFC 6154)", arguments: CommandFixtures.authenticated)
    func authenticated(_ fixture: CommandFixture) { expectParses(fixture) }

    @Test("selected commands (RFC 9051 §6.4, RFC 4315, RFC 6851)", arguments: CommandFixtures.selected)
    func selected(_ fixture: CommandFixture) { expectParses(fixture) }

    @Test("tags and sequence sets (RFC 9051 §9)", arguments: CommandFixtures.tokens)
    func tokens(_ fixture: CommandFixture) { expectParses(fixture) }

    @Test("parseTag(ofLine:) finds a tag only when SP follows")
    func tagOfLine() {
        #expect(GrammarParser.parseTag(ofLine: bytes("a1 NOOP")) == "a1")
        #expect(GrammarParser.parseTag(ofLine: bytes("a] garbage (")) == "a]")
        #expect(GrammarParser.parseTag(ofLine: bytes("a1 ")) == "a1")
        #expect(GrammarParser.parseTag(ofLine: bytes("a1")) == nil)
        #expect(GrammarParser.parseTag(ofLine: bytes("")) == nil)
        #expect(GrammarParser.parseTag(ofLine: bytes(" NOOP")) == nil)
        #expect(GrammarParser.parseTag(ofLine: bytes("+ NOOP")) == nil)
        #expect(GrammarParser.parseTag(ofLine: bytes("a+ NOOP")) == nil)
        #expect(GrammarParser.parseTag(ofLine: bytes("a*b NOOP")) == nil)
        #expect(GrammarParser.parseTag(ofLine: [0x61, 0xC3, 0xA4, 0x20]) == nil)
    }

    @Test("the fixtures cover every command of RFC 3501 §9, RFC 9051 §9 and the extensions")
    func everyCommandCovered() {
        let all = CommandFixtures.all + FetchFixtures.all + SearchFixtures.all + ListFixtures.all
        let covered = Set(all.map(\.expected.name))
        let names = ["CAPABILITY", "NOOP", "LOGOUT", "ID", "STARTTLS", "AUTHENTICATE", "LOGIN", "ENABLE",
                     "SELECT", "EXAMINE", "CREATE", "DELETE", "RENAME", "SUBSCRIBE", "UNSUBSCRIBE", "LIST",
                     "LSUB", "NAMESPACE", "STATUS", "IDLE", "CHECK", "CLOSE", "UNSELECT", "EXPUNGE",
                     "UID EXPUNGE", "SEARCH", "UID SEARCH", "FETCH", "UID FETCH", "STORE", "UID STORE",
                     "COPY", "UID COPY", "MOVE", "UID MOVE", "COMPRESS", "UNAUTHENTICATE",
                     "GETQUOTA", "GETQUOTAROOT", "SETQUOTA"]
        #expect(covered == Set(names))
    }

    @Test("a QRESYNC sequence match is compared by value")
    func qresyncEquality() throws {
        let parsed = try GrammarParser.parseCommand(bytes("t SELECT x (QRESYNC (1 2 1:5 (1:3 7:9)))"))
        guard case .select(_, let parameters) = parsed.command, let qresync = parameters.qresync else {
            Issue.record("not a SELECT with QRESYNC: \(parsed.command)")
            return
        }
        #expect(qresync.knownUIDs == set(span(1, 5)))
        #expect(qresync.sequenceMatch?.sequences == set(span(1, 3)))
        #expect(qresync.sequenceMatch?.uids == set(span(7, 9)))
    }
}
