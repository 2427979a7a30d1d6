import MailMessage
import Testing

@Suite("Header fields (RFC 5322 §2.2, §3.6, §4)")
struct HeaderFieldsTests {
    @Test("A folded field is one field; its raw value keeps the folding (§2.2.3)")
    func folding() {
        let header = HeaderFields(parsing: crlf("Subject: a\n b\n\tc\nTo: x@y\n\nbody"))
        #expect(header.count == 2)
        let subject = header[0]
        #expect(text(header.name(of: subject)) == "Subject")
        #expect(text(header.rawValue(of: subject)) == " a\r\n b\r\n\tc")
        #expect(text(header.unfoldedValue(of: subject)) == "a b\tc")
        #expect(text(header.bytes[subject.range]) == "Subject: a\r\n b\r\n\tc\r\n")
        #expect(header.isTerminated)
        #expect(text(header.bytes[header.blockRange]) == "Subject: a\r\n b\r\n\tc\r\nTo: x@y\r\n\r\n")
    }

    @Test("Lookup by name ignores ASCII case; first and all keep message order")
    func lookup() {
        let header = HeaderFields(parsing: crlf("received: one\nSubject: s\nRECEIVED: two\n\n"))
        #expect(header.all(named: "Received").map { text(header.unfoldedValue(of: $0)) } == ["one", "two"])
        #expect(header.first(named: "SUBJECT").map { text(header.rawValue(of: $0)) } == " s")
        #expect(header.value(named: "received").map(text) == "one")
        #expect(header.first(named: "Cc") == nil)
    }

    @Test("White space before the colon is allowed (obs-optional, §4.5.8)")
    func whitespaceBeforeColon() {
        let header = HeaderFields(parsing: crlf("Subject \t: x\n\n"))
        #expect(text(header.name(of: header[0])) == "Subject")
        #expect(header.first(named: "subject") != nil)
    }

    @Test("A line without a colon is kept as a field that matches no name")
    func lineWithoutColon() {
        let header = HeaderFields(parsing: crlf("From: a@b\nnot a field\nTo: c@d\n\n"))
        #expect(header.count == 3)
        #expect(!header[1].hasColon)
        #expect(text(header.name(of: header[1])) == "not a field")
        #expect(header.first(named: "not a field") == nil)
    }

    @Test("A header without an empty line ends with the input")
    func unterminated() {
        let bytes = crlf("From: a@b\nSubject: x")
        let header = HeaderFields(parsing: bytes)
        #expect(!header.isTerminated)
        #expect(header.blockRange == 0..<bytes.count)
        #expect(text(header.unfoldedValue(of: header[1])) == "x")
    }

    @Test("Bare LF line ends are accepted; raw 8-bit bytes are kept")
    func bareLineFeedAnd8Bit() {
        var bytes = Array("Subject: caf".utf8) + [0xE9] + Array("\nX: y\n\nbody".utf8)
        let header = HeaderFields(parsing: bytes)
        #expect(header.count == 2)
        #expect(Array(header.unfoldedValue(of: header[0])) == Array("caf".utf8) + [0xE9])
        #expect(header.blockRange == 0..<bytes.count - 4)
        bytes = crlf("\nbody")
        #expect(HeaderFields(parsing: bytes).isEmpty)
        #expect(HeaderFields(parsing: bytes).blockRange == 0..<2)
    }

    @Test("Only white space after the colon: one byte of it is skipped")
    func whitespaceOnlyValue() {
        let header = HeaderFields(parsing: crlf("A:   \nB:\n  x\n\n"))
        #expect(text(header.unfoldedValue(of: header[0])) == "  ")
        #expect(text(header.unfoldedValue(of: header[1])) == "  x")
    }

    @Test("Decoded values decode RFC 2047 words")
    func decodedValue() {
        let header = HeaderFields(parsing: crlf("Subject: =?UTF-8?B?R3LDvMOfZQ==?=\n =?utf-8?q?_aus_M=C3=BCnchen?=\n\n"))
        #expect(header.decodedValue(of: header[0]) == "Grüße aus München")
    }

    @Test("The MIME header of a part parses from its offset")
    func parsesFromOffset() throws {
        let bytes = crlf("X: 1\n\n--b\nContent-Type: text/plain\n\nhi")
        let header = HeaderFields(parsing: bytes, from: 13)
        try #require(header.count == 1)
        #expect(text(header.name(of: header[0])) == "Content-Type")
        #expect(header.blockRange == 13..<bytes.count - 2)
    }
}

@Suite("HEADER.FIELDS and HEADER.FIELDS.NOT (RFC 3501 §6.4.5)")
struct HeaderFieldSelectionTests {
    let header = crlf("Subject: hello\n world\nFrom: a@b\nX-Thing: 1\nsubject: again\n\n")

    @Test("Selected fields keep message order and folding, then the empty line")
    func include() {
        let selection = HeaderFieldSelection(names: ["SUBJECT", "x-thing"], excluding: false)
        #expect(text(selection.select(from: header))
            == "Subject: hello\r\n world\r\nX-Thing: 1\r\nsubject: again\r\n\r\n")
    }

    @Test("Nothing selected still yields the empty line")
    func includeNothing() {
        let selection = HeaderFieldSelection(names: ["Cc"], excluding: false)
        #expect(selection.select(from: header) == [13, 10])
    }

    @Test("HEADER.FIELDS.NOT keeps the other fields")
    func exclude() {
        let selection = HeaderFieldSelection(names: ["subject"], excluding: true)
        #expect(text(selection.select(from: header)) == "From: a@b\r\nX-Thing: 1\r\n\r\n")
    }

    @Test("Without an empty line, none is added (RFC 3501 §6.4.5); FIELDS completes a cut field")
    func unterminated() {
        let bytes = crlf("A: 1\nB: 2")
        #expect(text(HeaderFieldSelection(names: ["b"], excluding: false).select(from: bytes))
            == "B: 2\r\n")
        #expect(text(HeaderFieldSelection(names: ["a", "b"], excluding: false).select(from: bytes))
            == "A: 1\r\nB: 2\r\n")
        #expect(HeaderFieldSelection(names: ["x"], excluding: false).select(from: bytes).isEmpty)
        #expect(text(HeaderFieldSelection(names: ["a"], excluding: false).select(from: crlf("A: 1\n")))
            == "A: 1\r\n")
        #expect(text(HeaderFieldSelection(names: ["b"], excluding: true).select(from: bytes))
            == "A: 1\r\n")
        #expect(text(HeaderFieldSelection(names: ["a"], excluding: true).select(from: bytes))
            == "B: 2")
    }

    @Test("Lines without a colon never match but are kept by FIELDS.NOT")
    func colonless() {
        let bytes = crlf(" lead: 0\nSubject\nA\t: 1\n\n")
        #expect(text(HeaderFieldSelection(names: ["subject", "lead"], excluding: false)
            .select(from: bytes)) == "\r\n")
        #expect(text(HeaderFieldSelection(names: ["a"], excluding: false).select(from: bytes))
            == "A\t: 1\r\n\r\n")
        #expect(text(HeaderFieldSelection(names: ["a"], excluding: true).select(from: bytes))
            == " lead: 0\r\nSubject\r\n\r\n")
    }
}
