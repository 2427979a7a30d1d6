import MailMessage
import Testing

@Suite("MIME tree (RFC 2046 §5)")
struct MIMEStructureTests {
    /// The bodies of the leaves in order, as text.
    func leaves(_ bytes: [UInt8]) -> [String] {
        MessageParser.parse(bytes).allParts().compactMap { entry in
            if case .single = entry.part.kind { return text(bytes[entry.part.bodyRange]) }
            return nil
        }
    }

    @Test("Preamble and epilogue belong to the multipart, not to its parts (§5.1.1)")
    func preambleAndEpilogue() {
        let bytes = crlf("""
            Content-Type: multipart/mixed; boundary=b

            preamble
            --b
            Content-Type: text/plain

            one
            --b

            two

            --b--
            epilogue
            """)
        let structure = MessageParser.parse(bytes)
        let children = structure.root.children
        #expect(children.count == 2)
        #expect(text(bytes[children[0].bodyRange]) == "one")
        #expect(text(bytes[children[0].headerRange]) == "Content-Type: text/plain\r\n\r\n")
        #expect(text(bytes[children[1].bodyRange]) == "two\r\n")
        #expect(children[1].bodyLines == 1)
        #expect(structure.root.bodyRange.upperBound == bytes.count)
        #expect(text(bytes[structure.root.bodyRange]).hasPrefix("preamble\r\n--b"))
    }

    @Test("A missing close delimiter: the parts end with the message")
    func missingClose() {
        #expect(leaves(crlf("Content-Type: multipart/mixed; boundary=b\n\n--b\n\nlast\n")) == ["last\r\n"])
    }

    @Test("Nested multiparts; an outer boundary closes an inner part left open")
    func nested() {
        let bytes = crlf("""
            Content-Type: multipart/mixed; boundary=outer

            --outer
            Content-Type: multipart/alternative; boundary=inner

            --inner

            one
            --inner

            two
            --outer

            three
            --outer--
            """)
        let root = MessageParser.parse(bytes).root
        #expect(root.children.count == 2)
        #expect(root.children[0].children.count == 2)
        #expect(leaves(bytes) == ["one", "two", "three"])
    }

    @Test("A boundary that never appears: the multipart has no parts (§5.1.1)")
    func boundaryNeverAppears() {
        let bytes = crlf("Content-Type: multipart/mixed; boundary=nope\n\njust text\n")
        let root = MessageParser.parse(bytes).root
        #expect(root.children.isEmpty)
        if case .multipart = root.kind {} else { Issue.record("not a multipart") }
        #expect(root.bodyRange.upperBound == bytes.count)
    }

    @Test("Bare LF line ends work like CRLF")
    func bareLineFeeds() {
        let bytes = Array("Content-Type: multipart/mixed; boundary=b\n\n--b\n\nx\ny\n--b--\n".utf8)
        let part = MessageParser.parse(bytes).root.children[0]
        #expect(text(bytes[part.bodyRange]) == "x\ny")
        #expect(part.bodyLines == 1)
    }

    @Test("A line that starts with the boundary is a boundary line, even if longer (§5.1.1)")
    func boundaryAsPrefix() {
        let bytes = crlf("""
            Content-Type: multipart/mixed; boundary=b

            --b

            one
            --bcd
            X: y

            two
            --b--
            """)
        #expect(leaves(bytes) == ["one", "two"])
    }

    @Test("The longest matching boundary wins; the same boundary nested is the inner one's")
    func longestBoundary() {
        let prefixes = crlf("""
            Content-Type: multipart/mixed; boundary=abc

            --abc
            Content-Type: multipart/mixed; boundary=abcdef

            --abcdef

            deep
            --abc

            outer2
            --abc--
            """)
        #expect(leaves(prefixes) == ["deep", "outer2"])
        let same = crlf("""
            Content-Type: multipart/mixed; boundary=x

            --x
            Content-Type: multipart/mixed; boundary=x

            --x

            inner
            --x--

            --x

            after
            --x--
            """)
        let outer = MessageParser.parse(same).root
        #expect(outer.children.count == 2)
        #expect(outer.children.first?.children.count == 1)
    }

    @Test("White space after a boundary and text after a close delimiter are ignored")
    func boundaryLinePadding() {
        let bytes = crlf("Content-Type: multipart/mixed; boundary=\"b b\"\n\n--b b \t\n\na\n--b b--garbage\nepilogue\n")
        #expect(leaves(bytes) == ["a"])
    }

    @Test("A boundary line can end a part's header; that part has no body")
    func headerCutByBoundary() {
        let bytes = crlf("""
            Content-Type: multipart/mixed; boundary=b

            --b
            Content-Type: text/plain;
             charset=utf-8
            --b

            second
            --b--
            """)
        let parts = MessageParser.parse(bytes).root.children
        #expect(parts.count == 2)
        #expect(text(bytes[parts[0].headerRange]) == "Content-Type: text/plain;\r\n charset=utf-8")
        #expect(parts[0].bodyRange.isEmpty)
        #expect(parts[0].charset == "utf-8")
    }

    @Test("A header cut by an outer boundary: every enclosing part keeps the line break")
    func cutHeaderLineBreakPropagates() {
        let bytes = crlf("""
            Content-Type: multipart/mixed; boundary=outer

            --outer
            Content-Type: multipart/mixed; boundary=inner

            --inner
            Content-Type: message/rfc822

            Subject: cut
            --outer

            next
            --outer--
            """)
        let structure = MessageParser.parse(bytes)
        #expect(Invariants.check(structure, message: bytes).isEmpty)
        let inner = structure.root.children[0]
        let message = inner.children[0]
        #expect(text(bytes[message.bodyRange]) == "Subject: cut\r\n")
        #expect(message.bodyLines == 1)
        #expect(inner.bodyRange.upperBound == message.bodyRange.upperBound)
        #expect(text(bytes[structure.root.children[1].bodyRange]) == "next")
    }

    @Test("message/rfc822 parts are parsed: envelope, header, body tree (§5.2.1)")
    func embeddedMessage() throws {
        let bytes = crlf("""
            Content-Type: multipart/mixed; boundary=b

            --b
            Content-Type: message/rfc822

            Subject: inner
            From: Inner <in@example.com>
            Content-Type: multipart/alternative; boundary=c

            --c

            plain
            --c
            Content-Type: text/html

            <p>html</p>
            --c--
            --b--
            """)
        let part = MessageParser.parse(bytes).root.children[0]
        guard case let .message(envelope, inner) = part.kind else {
            Issue.record("not a message part")
            return
        }
        #expect(envelope.subject.map(text) == "inner")
        #expect(render(envelope.from) == #"("Inner" NIL "in" "example.com")"#)
        #expect(inner.children.count == 2)
        #expect(part.bodyRange == inner.range)
        // The inner multipart's close delimiter line, with its line break, is part of its
        // body; the next line break is the outer boundary's (Dovecot counts the same).
        #expect(part.bodyLines == 12)
        #expect(text(bytes[inner.children[1].bodyRange]) == "<p>html</p>")
    }

    @Test("Parts of a multipart/digest default to message/rfc822 (§5.1.5)")
    func digest() {
        let bytes = crlf("""
            Content-Type: multipart/digest; boundary=d

            --d

            Subject: first

            body1
            --d
            Content-Type: text/plain

            body2
            --d--
            """)
        let parts = MessageParser.parse(bytes).root.children
        #expect(parts[0].mediaType == "message")
        #expect(parts[0].mediaSubtype == "rfc822")
        if case let .message(envelope, _) = parts[0].kind {
            #expect(envelope.subject.map(text) == "first")
        } else {
            Issue.record("digest part is not a message")
        }
        #expect(parts[1].isText)
    }

    @Test("A boundary that ends in -- (Mailman's __--__--): its delimiter lines are not close delimiters (§5.1.1)")
    func boundaryEndingInDashes() {
        let bytes = crlf("""
            Content-Type: multipart/digest; boundary="__--__--"

            --__--__--
            Content-Type: text/plain

            masthead
            --__--__--

            Message: 1
            Subject: first

            body1

            --__--__--

            Message: 2
            Subject: second

            body2
            --__--__----
            epilogue
            """)
        let parts = MessageParser.parse(bytes).root.children
        #expect(parts.count == 3)
        #expect(parts.first?.isText == true)
        #expect(parts.first.map { text(bytes[$0.bodyRange]) } == "masthead")
        let subjects = parts.dropFirst().map { part -> String? in
            guard case let .message(envelope, inner) = part.kind else { return nil }
            #expect(part.mediaType == "message" && part.mediaSubtype == "rfc822")
            #expect(inner.isText)
            return envelope.subject.map(text)
        }
        #expect(subjects == ["first", "second"])
        #expect(leaves(bytes) == ["masthead", "body1\r\n", "body2"])
    }

    @Test("Boundaries that differ by a trailing --: the whole line decides, innermost first (§5.1.1)")
    func boundariesDifferingByDashes() {
        // The inner boundary is the outer one and "--": "--a--" is a delimiter of the inner
        // multipart, "--a----" its close delimiter, and "--a" the next outer part.
        let bytes = crlf("""
            Content-Type: multipart/mixed; boundary=a

            --a
            Content-Type: multipart/mixed; boundary="a--"

            --a--

            one
            --a--

            two
            --a----
            --a

            three
            --a--
            """)
        let root = MessageParser.parse(bytes).root
        #expect(root.children.count == 2)
        #expect(root.children.first?.children.count == 2)
        #expect(leaves(bytes) == ["one", "two", "three"])
    }

    @Test("message/global is parsed like message/rfc822 (RFC 6532 §3.5, RFC 9051 §7.5.2)")
    func messageGlobal() {
        let bytes = crlf("Content-Type: message/global\nMIME-Version: 1.0\n\nSubject: ünï\n\nbody\n")
        guard case let .message(envelope, _) = MessageParser.parse(bytes).root.kind else {
            Issue.record("not a message")
            return
        }
        #expect(envelope.subject.map(text) == "ünï")
    }

    @Test("Line counts are the LFs in the body (RFC 3501 §7.4.2)")
    func lineCounts() {
        #expect(MessageParser.parse(crlf("S: x\n\na\nb\nc")).root.bodyLines == 2)
        #expect(MessageParser.parse(crlf("S: x\n\na\nb\nc\n")).root.bodyLines == 3)
        #expect(MessageParser.parse(crlf("S: x\n\n")).root.bodyLines == 0)
    }

    @Test("Degenerate messages: empty, no header, no body, header only")
    func degenerate() {
        let empty = MessageParser.parse([])
        #expect(empty.size == 0)
        #expect(empty.root.headerRange == 0..<0)
        #expect(empty.root.bodyRange == 0..<0)
        let noHeader = MessageParser.parse(crlf("\nbody"))
        #expect(noHeader.root.headerRange == 0..<2)
        #expect(noHeader.root.bodyRange == 2..<6)
        let headerOnly = MessageParser.parse(crlf("Subject: s"))
        #expect(headerOnly.root.bodyRange == 10..<10)
        #expect(headerOnly.envelope.subject.map(text) == "s")
    }

    @Test("Nesting deeper than the limit is kept as leaves")
    func depthLimit() {
        var message = ""
        for level in 0..<150 {
            message += "Content-Type: multipart/mixed; boundary=b\(level)\n\n--b\(level)\n"
        }
        message += "\ninnermost\n"
        let structure = MessageParser.parse(crlf(message))
        var depth = 0
        var part = structure.root
        while let child = part.children.first {
            depth += 1
            part = child
        }
        #expect(depth == MessageParser.maximumDepth)
        #expect(part.mediaType == "multipart")
        if case .single = part.kind {} else { Issue.record("the deepest part is not a leaf") }
    }
}
