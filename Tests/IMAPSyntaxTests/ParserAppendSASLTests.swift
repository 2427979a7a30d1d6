import IMAPSyntax
import MailCore
import Testing

/// APPEND before its literals (RFC 3501 §6.3.11, RFC 3502 MULTIAPPEND), SASL responses
/// (RFC 9051 §6.2.2, RFC 4959) and base64 (RFC 4648).
@Suite("Parser: APPEND prefixes, SASL, base64")
struct ParserAppendSASLTests {
    static let internalDate = ZonedDateTime(date: date(17, 7, 1996), hour: 2, minute: 44, second: 25, zoneMinutes: -420)

    struct PrefixCase: Sendable, CustomTestStringConvertible {
        let input: [UInt8]
        let expected: AppendPrefix
        init(_ line: String, _ expected: AppendPrefix) {
            self.input = Array(line.utf8)
            self.expected = expected
        }
        var testDescription: String { printable(input) }
    }

    static let prefixes: [PrefixCase] = [
        .init("a LOGIN ", .notAppend),
        .init("a LOGIN {4}\r\nfred ", .notAppend),
        .init("a APPENDX ", .notAppend),
        .init("a UID APPEND ", .notAppend),
        .init("+ APPEND ", .notAppend),
        .init("APPEND ", .notAppend),
        .init("a APPEND ", .mailboxLiteral),
        .init("a append ", .mailboxLiteral),
        .init("a APPEND INBOX ", .message(tag: "a", mailbox: mailbox("INBOX"), options: AppendMessageOptions())),
        .init("A003 APPEND saved-messages (\\Seen) ",
              .message(tag: "A003", mailbox: mailbox("saved-messages"), options: AppendMessageOptions(flags: [.seen]))),
        .init("a APPEND INBOX (\\Seen $Forwarded) \"17-Jul-1996 02:44:25 -0700\" ",
              .message(tag: "a", mailbox: mailbox("INBOX"),
                       options: AppendMessageOptions(flags: [.seen, .keyword("$Forwarded")], internalDate: internalDate))),
        .init("a APPEND INBOX \" 7-Jul-1996 02:44:25 +0000\" ",
              .message(tag: "a", mailbox: mailbox("INBOX"), options: AppendMessageOptions(
                  internalDate: ZonedDateTime(date: date(7, 7, 1996), hour: 2, minute: 44, second: 25, zoneMinutes: 0)))),
        .init("a APPEND INBOX () ", .message(tag: "a", mailbox: mailbox("INBOX"), options: AppendMessageOptions())),
        .init("a APPEND {5}\r\nDraft ", .message(tag: "a", mailbox: mailbox("Draft"), options: AppendMessageOptions())),
        .init("a APPEND \"Sent Items\" (\\Seen) ",
              .message(tag: "a", mailbox: mailbox("Sent Items"), options: AppendMessageOptions(flags: [.seen]))),
        .init("a APPEND", .invalid(ParseError(tag: "a", .unexpectedEnd))),
        .init("a APPEND INBOX", .invalid(ParseError(tag: "a", .unexpectedEnd))),
        .init("a APPEND INBOX (\\Seen)", .invalid(ParseError(tag: "a", .unexpectedEnd))),
        .init("a APPEND INBOX (\\*) ", .invalid(ParseError(tag: "a", .invalidFlag("\\*")))),
        .init("a APPEND INBOX foo ", .invalid(ParseError(tag: "a", .expected(rule: "literal")))),
        .init("a APPEND INBOX (\\Seen) (\\Seen) ", .invalid(ParseError(tag: "a", .expected(rule: "literal")))),
        .init("a APPEND INBOX \"31-Feb-2020 00:00:00 +0000\" ", .invalid(ParseError(tag: "a", .invalidDate))),
        .init("a APPEND  INBOX ", .invalid(ParseError(tag: "a", .expected(rule: "mailbox")))),
        .init("a APPEND \"INBOX ", .invalid(ParseError(tag: "a", .unterminatedQuotedString))),
        .init("a APPEND IN\u{0}BOX ", .invalid(ParseError(tag: "a", .invalidCharacter(0)))),
    ]

    @Test("parseAppendPrefix", arguments: prefixes)
    func appendPrefix(_ test: PrefixCase) {
        #expect(GrammarParser.parseAppendPrefix(test.input) == test.expected)
    }

    @Test("parseAppendContinuation accepts SP [flag-list SP] [date-time SP]")
    func appendContinuation() throws {
        #expect(try GrammarParser.parseAppendContinuation(bytes(" ")) == AppendMessageOptions())
        #expect(try GrammarParser.parseAppendContinuation(bytes(" (\\Seen) ")) == AppendMessageOptions(flags: [.seen]))
        #expect(try GrammarParser.parseAppendContinuation(bytes(" \"17-Jul-1996 02:44:25 -0700\" "))
                == AppendMessageOptions(internalDate: Self.internalDate))
        #expect(try GrammarParser.parseAppendContinuation(bytes(" (\\Draft \\Flagged) \"17-jul-1996 02:44:25 -0700\" "))
                == AppendMessageOptions(flags: [.draft, .flagged], internalDate: Self.internalDate))
    }

    @Test("parseAppendContinuation rejects anything else", arguments: [
        ("", ParseError.Kind.unexpectedEnd),
        ("(\\Seen) ", .expected(rule: "SP")),
        (" (\\Seen)", .unexpectedEnd),
        ("  ", .expected(rule: "literal")),
        (" x ", .expected(rule: "literal")),
        (" (\\Seen) (\\Seen) ", .expected(rule: "literal")),
        (" \"17-Jul-1996 02:44:25 -0700\" (\\Seen) ", .expected(rule: "literal")),
        (" (a\u{0}) ", .invalidCharacter(0)),
        (" (\\Seen ", .unexpectedEnd),
        (" (\\Seen  ", .expected(rule: "flag")),
    ])
    func appendContinuationFailures(_ input: String, _ kind: ParseError.Kind) {
        do {
            let options = try GrammarParser.parseAppendContinuation(bytes(input))
            Issue.record("\(input) parsed as \(options)")
        } catch {
            #expect(error.kind == kind)
            #expect(error.tag == nil)
        }
    }

    @Test("parseSASLResponse: `*` cancels, base64 decodes, anything else is nil")
    func saslResponse() {
        #expect(GrammarParser.parseSASLResponse(bytes("*")) == .cancel)
        #expect(GrammarParser.parseSASLResponse([]) == .data([]))
        #expect(GrammarParser.parseSASLResponse(bytes("AHVzZXIAcGFzcw==")) == .data(bytes("\0user\0pass")))
        #expect(GrammarParser.parseSASLResponse(bytes("YQ==")) == .data(bytes("a")))
        #expect(GrammarParser.parseSASLResponse(bytes("abc")) == nil)
        #expect(GrammarParser.parseSASLResponse(bytes("=")) == nil)
        #expect(GrammarParser.parseSASLResponse(bytes("* ")) == nil)
        #expect(GrammarParser.parseSASLResponse(bytes("**")) == nil)
        #expect(GrammarParser.parseSASLResponse(bytes("YQ== ")) == nil)
    }

    @Test("decodeBase64: RFC 4648 §10 test vectors", arguments: [
        ("", ""), ("Zg==", "f"), ("Zm8=", "fo"), ("Zm9v", "foo"), ("Zm9vYg==", "foob"),
        ("Zm9vYmE=", "fooba"), ("Zm9vYmFy", "foobar"),
    ])
    func base64Vectors(_ encoded: String, _ decoded: String) {
        #expect(GrammarParser.decodeBase64(bytes(encoded)) == bytes(decoded))
        #expect(GrammarParser.decodeBase64(bytes("xx" + encoded).dropFirst(2)) == bytes(decoded))
    }

    @Test("decodeBase64: the whole alphabet")
    func base64Alphabet() {
        #expect(GrammarParser.decodeBase64(bytes("+/+/")) == [0xFB, 0xFF, 0xBF])
        #expect(GrammarParser.decodeBase64(bytes("AAECAwQFBgcICQoLDA0ODw==")) == Array(0...15))
        let all = bytes("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
        #expect(GrammarParser.decodeBase64(all)?.count == 48)
    }

    @Test("decodeBase64 is strict", arguments: [
        "Zg=", "Zg", "Z", "Z===", "====", "Zg==Zg==", "Zg=a", "Zm9v=", "Zh==", "Zm9=",
        "Zm 9v", "Zm9v\r\n", "Zm9v\n", "Zm-_", "Zm9v====", "Zm\u{0}v",
    ])
    func base64Invalid(_ encoded: String) {
        #expect(GrammarParser.decodeBase64(bytes(encoded)) == nil)
    }
}
