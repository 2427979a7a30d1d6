import IMAPSyntax
import MailCore
import Testing

/// GETMETADATA and SETMETADATA fixtures (RFC 5464 §4.2, §4.3, §5), most from the RFC's examples.
enum MetadataFixtures {
    static func entry(_ name: String) -> MetadataEntryName { MetadataEntryName(name)! }

    static func get(_ mailbox: String, _ entries: [String], maxSize: UInt32? = nil,
                    depth: MetadataDepth = .zero) -> Command {
        .getMetadata(GetMetadataCommand(mailbox: MailboxName(mailbox), maxSize: maxSize, depth: depth,
                                        entries: entries.map(entry)))
    }

    static func set(_ mailbox: String, _ values: [(String, [UInt8]?)]) -> Command {
        .setMetadata(MailboxName(mailbox), values.map { MetadataEntryValue(entry: entry($0.0), value: $0.1) })
    }

    static let valid: [CommandFixture] = [
        CommandFixture("a GETMETADATA \"\" /shared/comment", get("", ["/shared/comment"]), tag: "a"),
        CommandFixture("a GETMETADATA \"INBOX\" /private/comment", get("INBOX", ["/private/comment"]), tag: "a"),
        CommandFixture("a GETMETADATA \"INBOX\" (/shared/comment /private/comment)",
                       get("INBOX", ["/shared/comment", "/private/comment"]), tag: "a"),
        // §4.2.1 and §4.2.2 put the options after the mailbox; §5's ABNF before it: both parse.
        CommandFixture("a GETMETADATA \"INBOX\" (MAXSIZE 1024) (/shared/comment /private/comment)",
                       get("INBOX", ["/shared/comment", "/private/comment"], maxSize: 1024), tag: "a"),
        CommandFixture("a GETMETADATA \"INBOX\" (DEPTH 1) (/private/filters/values)",
                       get("INBOX", ["/private/filters/values"], depth: .one), tag: "a"),
        CommandFixture("a GETMETADATA (DEPTH infinity) INBOX (/private /SHARED)",
                       get("INBOX", ["/private", "/shared"], depth: .infinity), tag: "a"),
        CommandFixture("a getmetadata (depth infinity maxsize 0) INBOX /Private/Vendor/Tern/X",
                       get("INBOX", ["/private/vendor/tern/x"], maxSize: 0, depth: .infinity), tag: "a"),
        CommandFixture("a GETMETADATA (DEPTH 0) \"\" (\"/shared/admin\" {15}\r\n/shared/comment)",
                       get("", ["/shared/admin", "/shared/comment"]), tag: "a"),
        CommandFixture("a SETMETADATA INBOX (/private/comment {35}\r\nMy new comment across\r\ntwo lines.\r\n)",
                       set("INBOX", [("/private/comment", Array("My new comment across\r\ntwo lines.\r\n".utf8))]),
                       tag: "a"),
        CommandFixture("a SETMETADATA INBOX (/private/comment NIL)", set("INBOX", [("/private/comment", nil)]), tag: "a"),
        CommandFixture("a SETMETADATA INBOX (/private/comment \"My new comment\" /shared/comment \"This one is for you!\")",
                       set("INBOX", [("/private/comment", Array("My new comment".utf8)),
                                     ("/shared/comment", Array("This one is for you!".utf8))]), tag: "a"),
        CommandFixture("a SETMETADATA \"\" (/private/vendor/tern/token ~{6}\r\na\r\nb\u{0}c /shared/comment \"\")",
                       set("", [("/private/vendor/tern/token", [0x61, 0x0D, 0x0A, 0x62, 0x00, 0x63]),
                                ("/shared/comment", [])]), tag: "a"),
    ]

    static let invalid: [(String, ParseError.Kind)] = [
        ("a GETMETADATA INBOX /private/*", .expected(rule: "entry (RFC 5464 §3.2)")),
        ("a GETMETADATA INBOX \"/private/a%\"", .expected(rule: "entry (RFC 5464 §3.2)")),
        ("a GETMETADATA INBOX /private//a", .expected(rule: "entry (RFC 5464 §3.2)")),
        ("a GETMETADATA INBOX /private/a/", .expected(rule: "entry (RFC 5464 §3.2)")),
        ("a GETMETADATA INBOX /public/a", .expected(rule: "entry (RFC 5464 §3.2)")),
        ("a SETMETADATA INBOX (/private NIL)", .expected(rule: "entry (RFC 5464 §3.2)")),
        ("a GETMETADATA INBOX /shared/vendor/tern", .expected(rule: "entry (RFC 5464 §3.2)")),
        ("a GETMETADATA INBOX comment", .expected(rule: "entry (RFC 5464 §3.2)")),
        ("a GETMETADATA INBOX \"/private/\u{7F}\"", .expected(rule: "entry (RFC 5464 §3.2)")),
        ("a GETMETADATA (DEPTH 2) INBOX /private/a", .expected(rule: "\"0\" / \"1\" / \"infinity\"")),
        ("a GETMETADATA (DEPTH 1 DEPTH 0) INBOX /private/a", .expected(rule: "getmetadata-option")),
        ("a GETMETADATA (COLOUR 1) INBOX /private/a", .expected(rule: "getmetadata-option")),
        ("a GETMETADATA (DEPTH 1) INBOX (MAXSIZE 5) /private/a", .expected(rule: "entries")),
        ("a GETMETADATA INBOX ()", .expected(rule: "getmetadata-option")),
        ("a GETMETADATA INBOX", .unexpectedEnd),
        ("a SETMETADATA INBOX /private/a \"x\"", .expected(rule: "entry-values")),
        ("a SETMETADATA INBOX (/private/a)", .expected(rule: "SP")),
        ("a SETMETADATA INBOX ()", .expected(rule: "astring")),
        ("a SETMETADATA INBOX (/private/a x)", .expected(rule: "string")),
    ]
}

@Suite("Parser: GETMETADATA and SETMETADATA (RFC 5464 §5)")
struct ParserMetadataTests {
    @Test("valid commands", arguments: MetadataFixtures.valid)
    func valid(_ fixture: CommandFixture) { expectParses(fixture) }

    @Test("invalid commands fail with a reason", arguments: MetadataFixtures.invalid.indices)
    func invalid(_ index: Int) {
        let (line, kind) = MetadataFixtures.invalid[index]
        #expect(parseFailure(bytes(line))?.kind == kind, "\(line)")
    }

    @Test("NUL is allowed in a literal8 value and nowhere else (RFC 9051 §9 note 3, RFC 3516 §4.2)")
    func nul() {
        #expect(parseFailure(Array("a SETMETADATA INBOX (/private/a {3}\r\na\u{0}b)".utf8))?.kind == .invalidCharacter(0))
        #expect(parseFailure(Array("a SETMETADATA INBOX (/private/a \"a\u{0}b\")".utf8))?.kind == .invalidCharacter(0))
        #expect(parseFailure(Array("a SETMETADATA INBOX (/private/a ~{1}\r\n\u{0} /private/b \u{0})".utf8))?.kind
                == .invalidCharacter(0))
        // A regular literal whose text looks like a literal8 marker hides nothing.
        #expect(parseFailure(Array("a SETMETADATA INBOX (/private/a {7}\r\n~{1}\r\n\u{0})".utf8))?.kind
                == .invalidCharacter(0))
        let parsed = try? GrammarParser.parseCommand(Array("a SETMETADATA INBOX (/private/a ~{3+}\r\n\u{0}\u{0}\u{0})".utf8))
        #expect(parsed?.command == MetadataFixtures.set("INBOX", [("/private/a", [0, 0, 0])]))
    }

    @Test("the command names")
    func names() {
        #expect(MetadataFixtures.valid[0].expected.name == "GETMETADATA")
        #expect(MetadataFixtures.valid[8].expected.name == "SETMETADATA")
    }
}

@Suite("Entry names (RFC 5464 §3.2)")
struct MetadataEntryNameTests {
    @Test("valid names fold to lower case and know their scope")
    func valid() {
        #expect(MetadataEntryName("/Private/Comment")?.name == "/private/comment")
        #expect(MetadataEntryName("/SHARED/comment")?.scope == .shared)
        #expect(MetadataEntryName("/private/vendor/tern/x")?.scope == .private)
        #expect(MetadataEntryName("/shared/a b/c-d.e") != nil)
        #expect(MetadataEntryName("/private/vendor") != nil, "the root of the vendor tree has no vendor-token prefix")
        #expect(MetadataEntryName("/Shared")?.isScopeRoot == true && MetadataEntryName("/shared/a")?.isScopeRoot == false)
        #expect(MetadataEntryName("/shared/a/b")!.matches(MetadataEntryName("/shared")!, depth: .infinity))
    }

    @Test("invalid names", arguments: ["", "/", "private/comment", "//", "/private/", "/shared//x",
                                       "/shared/x/", "/other/x", "/shared/*", "/shared/%x", "/shared/\u{1F}",
                                       "/shared/é", "/private/vendor/tern", "/shared/vendor/x", "/shared/\u{7F}"])
    func invalid(_ text: String) {
        #expect(MetadataEntryName(text) == nil)
    }

    @Test("depth: 0 is the entry, 1 its children, infinity everything below (RFC 5464 §4.2.2)")
    func depth() {
        let a = MetadataEntryName("/private/a")!
        let child = MetadataEntryName("/private/a/b")!
        let grandchild = MetadataEntryName("/private/a/b/c")!
        let sibling = MetadataEntryName("/private/ab")!
        #expect(a.matches(a, depth: .zero) && !child.matches(a, depth: .zero))
        #expect(child.matches(a, depth: .one) && !grandchild.matches(a, depth: .one))
        #expect(grandchild.matches(a, depth: .infinity) && !sibling.matches(a, depth: .infinity))
    }
}

@Suite("Encoder: METADATA responses and codes (RFC 5464 §4.4, §5)")
struct EncoderMetadataTests {
    @Test("entries and values: atoms, quoted, NIL, literal for CRLF, literal8 for NUL")
    func response() {
        let values = [
            MetadataEntryValue(entry: MetadataFixtures.entry("/private/comment"), value: Array("My comment".utf8)),
            MetadataEntryValue(entry: MetadataFixtures.entry("/shared/comment"), value: nil),
            MetadataEntryValue(entry: MetadataFixtures.entry("/shared/lines"), value: Array("a\r\nb".utf8)),
            MetadataEntryValue(entry: MetadataFixtures.entry("/shared/binary"), value: [1, 0, 2]),
        ]
        #expect(wireBytes(.untagged(.metadata("INBOX", values)))
                == Array("* METADATA \"INBOX\" (/private/comment \"My comment\" /shared/comment NIL /shared/lines {4}\r\na\r\nb /shared/binary ~{3}\r\n\u{1}\u{0}\u{2})\r\n".utf8))
        #expect(wire(.untagged(.metadata("", [values[0]]))) == "* METADATA \"\" (/private/comment \"My comment\")\r\n")
    }

    @Test("response codes")
    func codes() {
        #expect(wire(.tagged("a", .ok, ResponseText(code: .metadata(.longEntries(2199)), "GETMETADATA complete")))
                == "a OK [METADATA LONGENTRIES 2199] GETMETADATA complete\r\n")
        #expect(wire(.tagged("a", .no, ResponseText(code: .metadata(.maxSize(1024)), "x"))) == "a NO [METADATA MAXSIZE 1024] x\r\n")
        #expect(wire(.tagged("a", .no, ResponseText(code: .metadata(.tooMany), "x"))) == "a NO [METADATA TOOMANY] x\r\n")
        #expect(wire(.tagged("a", .no, ResponseText(code: .metadata(.noPrivate), "x"))) == "a NO [METADATA NOPRIVATE] x\r\n")
    }
}
