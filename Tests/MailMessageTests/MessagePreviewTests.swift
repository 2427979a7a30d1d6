import MailMessage
import Testing

@Suite("Message preview text (RFC 8970 §3.3)")
struct MessagePreviewTests {
    func preview(_ text: String) -> String {
        let bytes = Array(text.utf8)
        return MessagePreview.text(of: MessageParser.parse(bytes), in: bytes)
    }

    @Test("Plain text: white space collapsed and trimmed, quoted lines left out")
    func plainText() {
        #expect(preview("Subject: x\r\n\r\n  Hello,\r\n\r\n\tthis   is\r\nthe text.\r\n") == "Hello, this is the text.")
        #expect(preview("Subject: x\r\n\r\nOn Monday Bob wrote:\r\n> old\r\n  >> older\r\nMy answer.\r\n")
                == "On Monday Bob wrote: My answer.")
        // Every line end Character.isNewline knows ends a quote (LF, CR, VT, FF, NEL, LS, PS).
        #expect(preview("Content-Type: text/plain; charset=utf-8\r\n\r\n> q\u{2028}kept\r> q\u{85}too\n")
                == "kept too")
        // Text after many quoted lines, and a long part, are found without reading more than needed.
        let quotes = String(repeating: "> quoted line\r\n", count: 3000)
        #expect(preview("Subject: x\r\n\r\n" + quotes + "Reply at the end.\r\n") == "Reply at the end.")
        #expect(preview("Subject: x\r\n\r\n" + String(repeating: "word ", count: 20_000)).count == 199)
        #expect(preview("Subject: no body\r\n\r\n") == "")
        #expect(preview("Subject: only header\r\n") == "")
    }

    @Test("At most 200 characters (Unicode scalars), never a trailing space")
    func limit() {
        let long = String(repeating: "é", count: 150) + " " + String(repeating: "ж", count: 150)
        let text = preview("Content-Type: text/plain; charset=utf-8\r\n\r\n" + long + "\r\n")
        #expect(text.unicodeScalars.count == 200)
        #expect(text == String(repeating: "é", count: 150) + " " + String(repeating: "ж", count: 49))
        let spaced = preview("Subject: x\r\n\r\n" + String(repeating: "a", count: 199) + "    bcd\r\n")
        #expect(spaced == String(repeating: "a", count: 199))
        #expect(MessagePreview.collapsed(" a \u{0}\u{7} b ", limit: 10) == "a b")
    }

    @Test("Transfer encodings and charsets are decoded")
    func decoding() {
        let base64 = "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"
            + "w6l0w6kgw6AgUGFyaXM=\r\n"
        #expect(preview(base64) == "été à Paris")
        let latin = "Content-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
            + "Gr=FC=DFe aus K=F6ln=\r\n, soft break\r\n"
        #expect(preview(latin) == "Grüße aus Köln, soft break")
        let koi8 = "Content-Type: text/plain; charset=koi8-r\r\nContent-Transfer-Encoding: base64\r\n\r\n8NLJ18XU\r\n"
        #expect(preview(koi8) == "Привет")
    }

    @Test("The first text/plain or text/html part that is not an attachment; none: empty")
    func partChoice() {
        let mixed = "Content-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\nContent-Type: image/png\r\n\r\nPNG\r\n"
            + "--x\r\nContent-Type: text/plain\r\nContent-Disposition: attachment; filename=a.txt\r\n\r\nattached\r\n"
            + "--x\r\nContent-Type: text/calendar\r\n\r\nBEGIN:VCALENDAR\r\n"
            + "--x\r\nContent-Type: multipart/alternative; boundary=y\r\n\r\n--y\r\nContent-Type: text/plain\r\n\r\n"
            + "  \r\n--y\r\nContent-Type: text/html\r\n\r\n<p>from html</p>\r\n--y--\r\n--x--\r\n"
        #expect(preview(mixed) == "from html")
        let image = "Content-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\nContent-Type: image/jpeg\r\n\r\nJPEG\r\n--x--\r\n"
        #expect(preview(image) == "")
        let embedded = "Content-Type: message/rfc822\r\n\r\nSubject: inner\r\n\r\nInner text\r\n"
        #expect(preview(embedded) == "Inner text")
    }

    @Test("A preview from a prefix of the message (bytesNeeded) is the preview from all of it")
    func prefix() {
        let big = "Content-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\nContent-Type: text/plain\r\n\r\n"
            + String(repeating: "word ", count: 30000) + "\r\n--x\r\nContent-Type: application/pdf\r\n\r\n"
            + String(repeating: "P", count: 100_000) + "\r\n--x--\r\n"
        let bytes = Array(big.utf8)
        let structure = MessageParser.parse(bytes)
        let needed = MessagePreview.bytesNeeded(for: structure)
        #expect(needed < bytes.count)
        #expect(MessagePreview.text(of: structure, in: Array(bytes[..<needed])) == MessagePreview.text(of: structure, in: bytes))
    }
}

@Suite("HTML reduced to text for previews")
struct HTMLTextTests {
    func text(_ html: String) -> String { MessagePreview.collapsed(HTMLText.plainText(html), limit: 1000) }

    @Test("Tags removed; block tags separate words, inline tags do not")
    func tags() {
        #expect(text("<p>One</p><p>Two<br>Three</p>") == "One Two Three")
        #expect(text("<b>Hel</b>lo <span class='x'>wor</span>ld <a href=\"a>b\">link</a>") == "Hello world link")
        #expect(text("<DIV STYLE=\"x\">Upper</DIV>case") == "Upper case")
        #expect(text("a < b and c > d") == "a < b and c > d")
    }

    @Test("Head, style, script, comments, blockquotes and declarations leave nothing")
    func hidden() {
        let html = "<!DOCTYPE html><html><head><title>T</title><style>p { x: '</p>' }</style></head><body>"
            + "<!-- note <p>hidden</p> --><script>if (a < b) {}</script>Visible"
            + "<blockquote>quoted <blockquote>deeper</blockquote> still</blockquote> end<![CDATA[data]]></body></html>"
        #expect(text(html) == "Visible end")
    }

    @Test("Character references decoded; unknown ones kept")
    func references() {
        #expect(text("caf&eacute; &amp; cr&#232;me &#x20AC;5 &nbsp;x") == "café & crème €5 x")
        #expect(text("AT&T &unknown; &#0; a&b") == "AT&T &unknown; \u{FFFD} a&b")
    }
}
