import IMAPSyntax
import MailCore
import Testing

/// One valid command line (without CRLF) and the command it must parse to.
struct CommandFixture: Sendable, CustomTestStringConvertible {
    let input: [UInt8]
    let tag: IMAPSyntax.Tag
    let expected: Command

    init(_ line: String, _ expected: Command, tag: IMAPSyntax.Tag = "a1") {
        self.input = Array(line.utf8)
        self.tag = tag
        self.expected = expected
    }

    init(bytes: [UInt8], _ expected: Command, tag: IMAPSyntax.Tag = "a1") {
        self.input = bytes
        self.tag = tag
        self.expected = expected
    }

    var testDescription: String { printable(input) }
}

/// One malformed command line and the error it must give.
struct FailureFixture: Sendable, CustomTestStringConvertible {
    let input: [UInt8]
    let kind: ParseError.Kind
    let tag: IMAPSyntax.Tag?

    init(_ line: String, _ kind: ParseError.Kind, tag: IMAPSyntax.Tag? = "a") {
        self.input = Array(line.utf8)
        self.kind = kind
        self.tag = tag
    }

    init(bytes: [UInt8], _ kind: ParseError.Kind, tag: IMAPSyntax.Tag? = "a") {
        self.input = bytes
        self.kind = kind
        self.tag = tag
    }

    var testDescription: String {
        let text = printable(input)
        return text.count > 80 ? String(text.prefix(77)) + "..." : text
    }
}

/// The bytes with CR, LF, NUL and 8-bit bytes made visible, for test names.
func printable(_ bytes: [UInt8]) -> String {
    var text = ""
    for byte in bytes {
        switch byte {
        case 0x0D: text += "\\r"
        case 0x0A: text += "\\n"
        case 0x20..<0x7F: text.unicodeScalars.append(Unicode.Scalar(byte))
        default: text += "\\x" + String(byte, radix: 16)
        }
    }
    return text
}

/// Parses a fixture and checks the result (the tag too).
func expectParses(_ fixture: CommandFixture, sourceLocation: SourceLocation = #_sourceLocation) {
    do {
        let parsed = try GrammarParser.parseCommand(fixture.input)
        #expect(parsed.tag == fixture.tag, sourceLocation: sourceLocation)
        #expect(parsed.command == fixture.expected, sourceLocation: sourceLocation)
    } catch {
        Issue.record("\(printable(fixture.input)) failed: \(error.kind)", sourceLocation: sourceLocation)
    }
}

/// The error of a line that must not parse, or nil (recorded as an issue) if it parsed.
func parseFailure(_ bytes: [UInt8], limits: ParserLimits = ParserLimits(),
                  sourceLocation: SourceLocation = #_sourceLocation) -> ParseError? {
    do {
        let parsed = try GrammarParser.parseCommand(bytes, limits: limits)
        Issue.record("\(printable(bytes)) parsed as \(parsed.command)", sourceLocation: sourceLocation)
        return nil
    } catch {
        return error
    }
}

// MARK: Building expected values

func number(_ value: UInt32) -> SequenceRange { SequenceRange(single: .number(value)) }
func span(_ first: UInt32, _ second: UInt32) -> SequenceRange { SequenceRange(.number(first), .number(second)) }
func set(_ ranges: SequenceRange...) -> SequenceSet { .ranges(ranges) }
/// `n:*`
func toLast(_ first: UInt32) -> SequenceRange { SequenceRange(.number(first), .last) }

func mailbox(_ name: String) -> MailboxName { MailboxName(name) }
func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }
func date(_ day: Int, _ month: Int, _ year: Int) -> CalendarDate { CalendarDate(year: year, month: month, day: day) }

func fetch(_ set: SequenceSet, _ attributes: [FetchAttribute], modifiers: [FetchModifier] = [],
           byUID: Bool = false) -> Command {
    .fetch(FetchCommand(sequenceSet: set, attributes: attributes, modifiers: modifiers, byUID: byUID))
}

func search(_ key: SearchKey, charset: String? = nil, returning: [SearchReturnOption]? = nil,
            byUID: Bool = false) -> Command {
    .search(SearchCommand(returnOptions: returning, charset: charset, key: key, byUID: byUID))
}

func store(_ set: SequenceSet, _ operation: StoreOperation, silent: Bool = false, _ flags: [Flag],
           unchangedSince: ModSeq? = nil, byUID: Bool = false) -> Command {
    .store(StoreCommand(sequenceSet: set, unchangedSince: unchangedSince, operation: operation,
                        silent: silent, flags: flags, byUID: byUID))
}

func list(_ reference: String, _ patterns: [String], selection: [ListSelectionOption] = [],
          returning: [ListReturnOption] = [], extended: Bool = false) -> Command {
    .list(ListCommand(selectionOptions: selection, reference: MailboxName(reference),
                      patterns: patterns.map { MailboxPattern($0) }, returnOptions: returning,
                      isExtended: extended))
}

func bodySection(_ part: SectionPart = [], _ text: SectionText? = nil, partial: Partial? = nil,
                 peek: Bool = false) -> FetchAttribute {
    .bodySection(SectionSpecifier(part: part, text: text), partial: partial, peek: peek)
}
