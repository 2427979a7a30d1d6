import IMAPSyntax
import MailCore
import Testing

/// FETCH fixtures: every fetch-att, every section spec, macros and modifiers (RFC 9051 §6.4.5,
/// RFC 3501 §6.4.5, RFC 3516, RFC 7162, RFC 8474, RFC 8514, RFC 8970).
enum FetchFixtures {
    static let one = set(number(1))

    static let attributes: [CommandFixture] = [
        .init("a1 FETCH 1 ALL", fetch(one, FetchAttribute.all)),
        .init("a1 FETCH 1 fast", fetch(one, FetchAttribute.fast)),
        .init("a1 FETCH 1 FULL", fetch(one, FetchAttribute.full)),
        .init("a1 FETCH 1:* FLAGS", fetch(set(toLast(1)), [.flags])),
        .init("a1 FETCH $ (UID FLAGS)", fetch(.lastResult, [.uid, .flags])),
        .init("a1 FETCH 1 (ENVELOPE INTERNALDATE RFC822.SIZE)", fetch(one, [.envelope, .internalDate, .rfc822Size])),
        .init("a1 FETCH 1 (RFC822 RFC822.HEADER RFC822.TEXT)", fetch(one, [.rfc822, .rfc822Header, .rfc822Text])),
        .init("a1 FETCH 1 (BODY BODYSTRUCTURE)", fetch(one, [.bodyStructureNonExtensible, .bodyStructure])),
        .init("a1 FETCH 1 body", fetch(one, [.bodyStructureNonExtensible])),
        .init("a1 FETCH 1 (MODSEQ EMAILID THREADID SAVEDATE)", fetch(one, [.modSeq, .emailID, .threadID, .saveDate])),
        .init("a1 FETCH 1 PREVIEW", fetch(one, [.preview(lazy: false)])),
        .init("a1 FETCH 1 PREVIEW (LAZY)", fetch(one, [.preview(lazy: true)])),
        .init("a1 FETCH 1 (PREVIEW (lazy) UID)", fetch(one, [.preview(lazy: true), .uid])),
        .init("a1 FETCH 1 (UID PREVIEW)", fetch(one, [.uid, .preview(lazy: false)])),
        .init("a1 FETCH 1 ALL (CHANGEDSINCE 7)", fetch(one, FetchAttribute.all, modifiers: [.changedSince(ModSeq(7))])),
    ]

    static let sections: [CommandFixture] = [
        .init("a1 FETCH 1 BODY[]", fetch(one, [bodySection()])),
        .init("a1 FETCH 1 BODY[1]", fetch(one, [bodySection([1])])),
        .init("a1 FETCH 1 BODY[1.2.3]", fetch(one, [bodySection([1, 2, 3])])),
        .init("a1 FETCH 1 BODY[HEADER]", fetch(one, [bodySection([], .header)])),
        .init("a1 FETCH 1 BODY[TEXT]", fetch(one, [bodySection([], .text)])),
        .init("a1 FETCH 1 BODY[HEADER.FIELDS (From To \"Subject\")]",
              fetch(one, [bodySection([], .headerFields(["From", "To", "Subject"]))])),
        .init("a1 FETCH 1 BODY[HEADER.FIELDS.NOT (Received X-Spam]Score)]",
              fetch(one, [bodySection([], .headerFieldsNot(["Received", "X-Spam]Score"]))])),
        .init("a1 FETCH 1 BODY[2.MIME]", fetch(one, [bodySection([2], .mime)])),
        .init("a1 FETCH 1 BODY[3.HEADER]", fetch(one, [bodySection([3], .header)])),
        .init("a1 FETCH 1 BODY[3.1.TEXT]", fetch(one, [bodySection([3, 1], .text)])),
        .init("a1 FETCH 1 BODY[4.2.HEADER.FIELDS (date)]", fetch(one, [bodySection([4, 2], .headerFields(["date"]))])),
        .init("a1 FETCH 1 BODY[1.HEADER.FIELDS.NOT (a {1}\r\nb)]", fetch(one, [bodySection([1], .headerFieldsNot(["a", "b"]))])),
        .init("a1 FETCH 1 BODY.PEEK[]<0.1024>",
              fetch(one, [bodySection(partial: Partial(offset: 0, length: 1024), peek: true)])),
        .init("a1 FETCH 1 BODY[]<5.10>", fetch(one, [bodySection(partial: Partial(offset: 5, length: 10))])),
        .init("a1 FETCH 1 body.peek[header.fields (DATE FROM)]",
              fetch(one, [bodySection([], .headerFields(["DATE", "FROM"]), peek: true)])),
        .init("a1 FETCH 1 BODY.PEEK[1.2.MIME]<100.9223372036854775807>",
              fetch(one, [bodySection([1, 2], .mime, partial: Partial(offset: 100, length: 9_223_372_036_854_775_807), peek: true)])),
        .init("a1 FETCH 1 BINARY[1.2]<0.10>", fetch(one, [.binary([1, 2], partial: Partial(offset: 0, length: 10), peek: false)])),
        .init("a1 FETCH 1 BINARY.PEEK[]", fetch(one, [.binary([], partial: nil, peek: true)])),
        .init("a1 FETCH 1 (BINARY[3] BINARY.SIZE[1] BINARY.SIZE[])",
              fetch(one, [.binary([3], partial: nil, peek: false), .binarySize([1]), .binarySize([])])),
        .init("a1 FETCH 2:4 (FLAGS BODY[HEADER.FIELDS (DATE FROM)])",
              fetch(set(span(2, 4)), [.flags, bodySection([], .headerFields(["DATE", "FROM"]))])),
    ]

    static let modifiers: [CommandFixture] = [
        .init("a1 FETCH 1:* (FLAGS) (CHANGEDSINCE 12345)",
              fetch(set(toLast(1)), [.flags], modifiers: [.changedSince(ModSeq(12345))])),
        .init("a1 UID FETCH 300:500 (FLAGS) (CHANGEDSINCE 12345 VANISHED)",
              fetch(set(span(300, 500)), [.flags], modifiers: [.changedSince(ModSeq(12345)), .vanished], byUID: true)),
        .init("a1 UID FETCH 1:* FLAGS (vanished changedsince 1)",
              fetch(set(toLast(1)), [.flags], modifiers: [.vanished, .changedSince(ModSeq(1))], byUID: true)),
        .init("a1 FETCH 1 PREVIEW (CHANGEDSINCE 5)", fetch(one, [.preview(lazy: false)], modifiers: [.changedSince(ModSeq(5))])),
        .init("a1 UID FETCH 1,3:5 (UID BODY.PEEK[])",
              fetch(set(number(1), span(3, 5)), [.uid, bodySection(peek: true)], byUID: true)),
    ]

    static let all = attributes + sections + modifiers
}

@Suite("Parser: FETCH")
struct ParserFetchTests {
    @Test("fetch attributes and macros", arguments: FetchFixtures.attributes)
    func attributes(_ fixture: CommandFixture) { expectParses(fixture) }

    @Test("section specs, partials, BINARY", arguments: FetchFixtures.sections)
    func sections(_ fixture: CommandFixture) { expectParses(fixture) }

    @Test("CHANGEDSINCE / VANISHED modifiers (RFC 7162 §3.1.4, §3.2.6)", arguments: FetchFixtures.modifiers)
    func modifiers(_ fixture: CommandFixture) { expectParses(fixture) }
}
