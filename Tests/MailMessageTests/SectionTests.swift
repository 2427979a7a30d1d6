import MailMessage
import Testing

@Suite("Section numbering (RFC 3501 §6.4.5)")
struct SectionTests {
    let message = crlf("""
        Subject: top
        Content-Type: multipart/mixed; boundary=b

        --b
        Content-Type: text/plain

        first
        --b
        Content-Type: message/rfc822

        Subject: inner
        Content-Type: multipart/alternative; boundary=c

        --c

        alt1
        --c
        Content-Type: text/html

        alt2
        --c--
        --b
        Content-Type: message/rfc822

        Subject: single

        single body
        --b--
        """)

    func fetch(_ path: [Int], _ text: SectionText) -> String? {
        slice(message, MessageParser.parse(message).range(of: path, text))
    }

    @Test("HEADER, TEXT and the whole message")
    func topLevel() {
        #expect(fetch([], .header)?.hasPrefix("Subject: top\r\n") == true)
        #expect(fetch([], .header)?.hasSuffix("boundary=b\r\n\r\n") == true)
        #expect(fetch([], .text)?.hasPrefix("--b\r\n") == true)
        #expect(fetch([], .full)?.utf8.count == message.count)
        #expect(fetch([], .mime) == nil)
    }

    @Test("Parts of a multipart, their MIME headers")
    func multipartChildren() {
        #expect(fetch([1], .full) == "first")
        #expect(fetch([1], .mime) == "Content-Type: text/plain\r\n\r\n")
        #expect(fetch([4], .full) == nil)
        #expect(fetch([0], .full) == nil)
    }

    @Test("A message/rfc822 part: its body is the message; HEADER/TEXT are the message's")
    func embeddedMessage() {
        #expect(fetch([2], .full)?.hasPrefix("Subject: inner\r\n") == true)
        #expect(fetch([2], .header)?.hasSuffix("boundary=c\r\n\r\n") == true)
        #expect(fetch([2], .text)?.hasPrefix("--c\r\n") == true)
        #expect(fetch([2], .mime) == "Content-Type: message/rfc822\r\n\r\n")
        #expect(fetch([1], .header) == nil)
        #expect(fetch([1], .text) == nil)
    }

    @Test("Parts inside an embedded message are numbered within its body")
    func insideEmbeddedMessage() {
        #expect(fetch([2, 1], .full) == "alt1")
        #expect(fetch([2, 2], .full) == "alt2")
        #expect(fetch([2, 2], .mime) == "Content-Type: text/html\r\n\r\n")
        #expect(fetch([3, 1], .full) == "single body")
        #expect(fetch([3, 1], .mime) == "Subject: single\r\n\r\n")
        #expect(fetch([3, 2], .full) == nil)
    }

    @Test("Part 1 of a non-multipart entity is the entity; nothing lies below a leaf")
    func nonMultipart() {
        let single = crlf("Subject: s\nContent-Type: text/plain\n\nhello\n")
        let structure = MessageParser.parse(single)
        #expect(slice(single, structure.range(of: [1], .full)) == "hello\r\n")
        #expect(slice(single, structure.range(of: [1], .mime))
            == "Subject: s\r\nContent-Type: text/plain\r\n\r\n")
        #expect(structure.range(of: [1, 1], .full) == nil)
        #expect(structure.range(of: [2], .full) == nil)
        #expect(fetch([2, 1, 1], .full) == "alt1")
        #expect(fetch([3, 1, 1], .full) == nil)
    }

    @Test("All parts in order with their paths")
    func allParts() {
        let paths = MessageParser.parse(message).allParts().map(\.path)
        #expect(paths == [[1], [2], [2, 1], [2, 2], [3], [3, 1]])
        let single = MessageParser.parse(crlf("Subject: s\n\nhello\n")).allParts().map(\.path)
        #expect(single == [[1]])
    }
}
