import MailMessage
import Testing

@Suite("MIME header fields (RFC 2045, RFC 2183, RFC 2231)")
struct ContentFieldsTests {
    func content(_ header: String) -> MessagePart {
        MessageParser.parse(crlf("MIME-Version: 1.0\n" + header + "\n\nbody\n")).root
    }

    func parameters(_ list: [MIMEParameter]) -> [String] {
        list.map { "\($0.name)=\(text($0.value))" }
    }

    @Test("Content-Type keeps the case it was written in; comments and spaces are dropped")
    func contentTypeCase() {
        let part = content(#"Content-Type: Text/HTML ; CharSet = "UTF-8" (c) ; format=flowed"#)
        #expect(part.content.type == "Text")
        #expect(part.content.subtype == "HTML")
        #expect(parameters(part.content.parameters) == ["CharSet=UTF-8", "format=flowed"])
        #expect(part.charset == "UTF-8")
        #expect(part.isText)
    }

    @Test("Defaults when Content-Type is absent: text/plain; charset=us-ascii, 7bit (§5.2, §6.1)")
    func defaults() {
        let part = MessageParser.parse(crlf("Subject: x\n\nbody")).root
        #expect(part.content.type == nil)
        #expect(part.mediaType == "text")
        #expect(part.mediaSubtype == "plain")
        #expect(part.charset == "us-ascii")
        #expect(part.transferEncoding == "7bit")
        #expect(part.isText)
    }

    @Test("A Content-Type that does not parse is kept the way Dovecot keeps it")
    func brokenContentType() {
        #expect(content("Content-Type: foo").content.type == "foo")
        #expect(content("Content-Type: foo").content.subtype == "")
        #expect(content("Content-Type: text/").content.type == "")
        #expect(content("Content-Type: ;charset=x").content.type == "")
        #expect(content("Content-Type: text/plain garbage").content.type == "")
        #expect(content("Content-Type: text").isText)
        #expect(content("Content-Type: text").content.parameters.isEmpty)
    }

    @Test("A broken parameter is skipped; parsing goes on after it")
    func brokenParameters() {
        #expect(parameters(content("Content-Type: application/x; a=1;;b=2").content.parameters)
            == ["a=1"])
        #expect(parameters(content("Content-Type: text/plain; foo; charset=x").content.parameters)
            == [])
        #expect(parameters(content("Content-Type: image/png; name==?UTF-8?B?w6kucG5n?=")
            .content.parameters) == ["name==?UTF-8?B?w6kucG5n?="])
    }

    @Test("RFC 2231 continuations join; an extended value stays percent-encoded")
    func rfc2231Continuations() {
        let part = content("""
            Content-Disposition: attachment; filename*0*=utf-8''r%C3%A9sum; filename*1="é 100%.pdf"
            """)
        #expect(part.content.disposition == "attachment")
        let parameter = part.content.dispositionParameters[0]
        #expect(parameter.name == "filename*")
        #expect(text(parameter.value) == "utf-8''r%C3%A9sumé 100%25.pdf")
        #expect(parameter.decodedValue == "résumé 100%.pdf")
        #expect(part.content.filename == "résumé 100%.pdf")
    }

    @Test("RFC 2231 charset and language: the language is ignored when decoding")
    func rfc2231CharsetAndLanguage() {
        let part = content("Content-Type: text/plain; title*=iso-8859-1'fr'caf%E9")
        #expect(part.content.parameters[0].name == "title*")
        #expect(part.content.parameters[0].decodedValue == "café")
        #expect(part.content.parameters[0].attribute == "title")
    }

    @Test("RFC 2231 pieces with a gap in the numbering stay apart under their own names")
    func rfc2231Gap() {
        let part = content("Content-Type: application/x; x*2=late; x*0=early; NAME*1=b")
        #expect(parameters(part.content.parameters) == ["NAME*1=b", "x*0=early", "x*2=late"])
    }

    @Test("Plain parameters come first, joined RFC 2231 ones after, sorted by name")
    func parameterOrder() {
        let part = content("Content-Type: text/plain; z*=utf-8''a; charset=utf-8; b*0=1; b*1=2")
        #expect(parameters(part.content.parameters) == ["charset=utf-8", "b=12", "z*=utf-8''a"])
    }

    @Test("A file name in an encoded word inside quotes is decoded (a common violation)")
    func encodedWordFilename() {
        let part = content(#"Content-Type: image/png; name="=?UTF-8?B?w6kucG5n?=""#)
        #expect(part.content.filename == "é.png")
    }

    @Test("Content-Transfer-Encoding must be one token")
    func transferEncoding() {
        #expect(content("Content-Transfer-Encoding:  Base64 ").content.transferEncoding == "Base64")
        #expect(content("Content-Transfer-Encoding: base64 x").content.transferEncoding == nil)
        #expect(content("Content-Transfer-Encoding: base64 x").transferEncoding == "7bit")
    }

    @Test("Other fields: ID, description, MD5, location unfolded; languages listed")
    func otherFields() {
        let part = content("""
            Content-ID:  <id@x>\u{20}\u{20}
            Content-Description: =?utf-8?q?d=C3=A9scription?=
            Content-MD5: Q2hlY2sgSW50ZWdyaXR5IQ==
            Content-Location: http://example.com/
             more
            Content-Language: en (English), de-DE
            """)
        #expect(part.content.id.map(text) == "<id@x>  ")
        #expect(part.content.description.map(text) == "=?utf-8?q?d=C3=A9scription?=")
        #expect(part.content.md5.map(text) == "Q2hlY2sgSW50ZWdyaXR5IQ==")
        #expect(part.content.location.map(text) == "http://example.com/ more")
        #expect(part.content.language == ["en", "de-DE"])
    }

    @Test("The first of repeated fields counts")
    func firstFieldWins() {
        let part = content("Content-Type: text/html\nContent-Type: text/plain")
        #expect(part.content.subtype == "html")
    }

    @Test("Without MIME-Version or Content-Type a message's Content-* fields are ignored")
    func notMIME() {
        let part = MessageParser.parse(crlf("Content-Transfer-Encoding: base64\n\naGk=\n")).root
        #expect(part.content == ContentFields())
        let mime = MessageParser.parse(crlf("Content-Transfer-Encoding: base64\nMIME-Version: 1.0\n\naGk=\n")).root
        #expect(mime.content.transferEncoding == "base64")
    }
}
