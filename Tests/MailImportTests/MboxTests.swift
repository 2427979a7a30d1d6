import MailCore
import MailImport
import Testing

@Suite("mbox files")
struct MboxTests {
    struct Message: Equatable {
        var from: MboxFromLine
        var header: MboxHeader
        var bytes: String
        var truncated: Bool
    }

    /// Splits `text` fed in pieces of `piece` bytes.
    static func split(_ text: String, format: MboxSplitter.Format = .mboxrd, piece: Int = 3) -> ([Message], Int) {
        var splitter = MboxSplitter(format: format)
        var events: [MboxSplitter.Event] = []
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            events += splitter.feed(bytes[offset..<min(offset + piece, bytes.count)])
            offset += piece
        }
        events += splitter.finish()
        var messages: [Message] = []
        var garbage = 0
        for event in events {
            switch event {
            case .start(let from, let header): messages.append(Message(from: from, header: header, bytes: "", truncated: false))
            case .content(let bytes): messages[messages.count - 1].bytes += String(decoding: bytes, as: UTF8.self)
            case .end(let truncated): messages[messages.count - 1].truncated = truncated
            case .garbage(let count): garbage += count
            }
        }
        return (messages, garbage)
    }

    @Test("mboxrd: messages split at From lines, >From unquoted once, separator line dropped", arguments: [1, 2, 7, 4096])
    func mboxrd(piece: Int) {
        let text = """
            From alice@example.org Mon Jan  1 10:00:00 2024
            Subject: one
            Status: RO
            X-Status: AF
            X-Keywords: $Label1, work

            >From the start
            >>From deeper
            From here on, not a separator

            From bob@example.org Tue Feb 27 23:59:59 2024 +0100
            Subject: two
            X-UID: 7
            X-IMAPbase: 1234 9 $Label1

            body

            """
        let (messages, garbage) = Self.split(text, piece: piece)
        #expect(garbage == 0)
        #expect(messages.count == 2)
        #expect(messages[0].bytes == "Subject: one\n\nFrom the start\n>From deeper\nFrom here on, not a separator\n")
        #expect(messages[0].header.flags.sameFlags(as: MessageFlags([.seen, .answered, .flagged, .keyword("$Label1"), .keyword("work")])))
        #expect(messages[0].from.sender == "alice@example.org")
        #expect(messages[0].from.date == ZonedDateTime(date: CalendarDate(year: 2024, month: 1, day: 1), hour: 10, minute: 0, second: 0, zoneMinutes: 0))
        #expect(messages[1].bytes == "Subject: two\n\nbody\n")
        #expect(messages[1].header.uid == 7 && messages[1].header.uidValidity == 1234 && messages[1].header.nextUID == 9)
        #expect(messages[1].from.date.zoneMinutes == 60)
        #expect(!messages[0].truncated && !messages[1].truncated)
    }

    @Test("mboxo keeps quoting; bytes before the first From are reported")
    func mboxo() {
        let (messages, garbage) = Self.split("junk line\n\nFrom a Mon Jan  1 10:00:00 2024\nS: x\n\n>From q\n", format: .mboxo)
        #expect(garbage == 10)
        #expect(messages.map(\.bytes) == ["S: x\n\n>From q\n"])
    }

    @Test("mboxcl2: Content-Length bytes are the body, From lines inside included")
    func mboxcl2() {
        let body = "a\n\nFrom x Mon Jan  1 10:00:00 2024\n"
        let text = "From a Mon Jan  1 10:00:00 2024\nContent-Length: \(body.utf8.count)\nS: 1\n\n\(body)\nFrom b Mon Jan  1 11:00:00 2024\nS: 2\n\nz\n"
        let (messages, _) = Self.split(text, format: .mboxcl2, piece: 5)
        #expect(messages.map(\.bytes) == ["S: 1\n\n" + body, "S: 2\n\nz\n"])
        #expect(messages[0].header.contentLength == UInt64(body.utf8.count))
    }

    @Test("a message cut off by the end of the file is reported truncated", arguments: [
        "From a Mon Jan  1 10:00:00 2024\nS: 1\n\nbody without end",
        "From a Mon Jan  1 10:00:00 2024\nS: 1\n",
    ])
    func truncated(text: String) {
        let (messages, _) = Self.split("From z Mon Jan  1 09:00:00 2024\nS: 0\n\nfine\n\n" + text)
        #expect(messages.count == 2)
        #expect(!messages[0].truncated && messages[1].truncated)
        #expect(messages[0].bytes == "S: 0\n\nfine\n")
    }

    @Test("mboxcl2: a Content-Length past the end of the file is truncation")
    func truncatedContentLength() {
        let (messages, _) = Self.split("From a Mon Jan  1 10:00:00 2024\nContent-Length: 100\n\nshort\n", format: .mboxcl2)
        #expect(messages.count == 1 && messages[0].truncated)
    }

    @Test("From lines: asctime with and without zone and seconds; not-a-date refused")
    func fromLines() {
        #expect(MboxFromLine.parse(Array("From MAILER-DAEMON Fri Dec 31 23:59 1999".utf8))?.date.second == 0)
        #expect(MboxFromLine.parse(Array("From a Sat Jan  1 00:00:00 -0500 2000".utf8))?.date.zoneMinutes == -300)
        #expect(MboxFromLine.parse(Array("From here on, not a separator".utf8)) == nil)
        #expect(MboxFromLine.parse(Array("From a Mon Feb 30 10:00:00 2024".utf8)) == nil)
        #expect(MboxFromLine.parse(Array("Subject: x".utf8)) == nil)
    }

    @Test("CRLF conversion across pieces: bare LF gets CR, CRLF stays")
    func crlf() {
        var converter = CRLFConverter()
        let out = converter.convert(Array("a\nb\r".utf8)) + converter.convert(Array("\nc\n".utf8))
        #expect(String(decoding: out, as: UTF8.self) == "a\r\nb\r\nc\r\n")
    }

    @Test("property: the messages do not depend on how the file is cut into pieces", arguments: MboxSplitter.Format.allCases)
    func chunkingIndependence(format: MboxSplitter.Format) {
        let pieces = ["From a Mon Jan  1 10:00:00 2024\n", "\n", ">From x\n", "Status: RO\n", "Content-Length: 3\n",
                      "abc", "\r\n", "X-UID: 5\n", "From here\n", "X-IMAPbase: 1 2\n", "body line\n"]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let text = (0..<Int.random(in: 0...14, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
            let whole = Self.split(text, format: format, piece: max(text.utf8.count, 1))
            let cut = Self.split(text, format: format, piece: Int.random(in: 1...9, using: &generator))
            #expect(whole.0 == cut.0 && whole.1 == cut.1, "\(text.debugDescription)")
        }
    }
}
