import MailMessage
import Testing

@Suite("Case folding and substring matching (RFC 9051 §6.4.4)")
struct CaseFoldingTests {
    @Test("ASCII and Latin letters fold to lower case")
    func simpleFolds() {
        #expect(CaseFolding.fold("HeLLo ÀÉÎ") == "hello àéî")
        #expect(CaseFolding.fold("ΣΑΣ") == "σασ")
    }

    @Test("Simple folding: final sigma, long s, Kelvin sign, micro sign, Cherokee")
    func specialFolds() {
        #expect(CaseFolding.fold("ς") == "σ")
        #expect(CaseFolding.fold("ſ") == "s")
        #expect(CaseFolding.fold("\u{212A}") == "k")
        #expect(CaseFolding.fold("µ") == "μ")
        #expect(CaseFolding.fold("\u{AB70}") == CaseFolding.fold("\u{13A0}"))
        #expect(CaseFolding.fold("ẞ") == "ß")
        // No simple folding: full mappings (ß → ss, İ → i̇) are not applied.
        #expect(CaseFolding.fold("ß") == "ß")
        #expect(CaseFolding.fold("İ") == "İ")
    }

    @Test("Patterns match case-insensitively anywhere in the text")
    func patterns() {
        #expect(SearchPattern("hello").matches("Say HELLO there"))
        #expect(SearchPattern("GRÜSSE").matches("viele grüsse") )
        #expect(SearchPattern("ΟΔΥΣΣΕΥΣ").matches("ὈΔΥΣΣΕΎΣ ο οδυσσευς"))
        #expect(SearchPattern("Straße").matches("STRAßE"))
        #expect(!SearchPattern("missing").matches("nothing here"))
        #expect(SearchPattern("").matches("anything"))
        #expect(!SearchPattern("long needle").matches("short"))
        #expect(SearchPattern("日本").matches("これは日本語"))
        #expect(SearchPattern("aab").matches("aaab"))
    }
}

@Suite("Text of a message for SEARCH")
struct MessageTextTests {
    let message = crlf("""
        Subject: =?utf-8?q?R=C3=A9union?= weekly
        From: =?iso-8859-1?q?Andr=E9?= <a@b>
        MIME-Version: 1.0
        Content-Type: multipart/mixed; boundary=b

        --b
        Content-Type: text/plain; charset=utf-8
        Content-Transfer-Encoding: quoted-printable

        Caf=C3=A9 au lait, long line=
         continued
        --b
        Content-Type: text/html; charset=iso-8859-1
        Content-Transfer-Encoding: base64

        PHA+Q2Fm6TwvcD4=
        --b
        Content-Type: application/octet-stream
        Content-Transfer-Encoding: base64

        AAECAw==
        --b
        Content-Type: message/rfc822

        Subject: =?utf-8?b?SW5uZXI=?=

        inner body
        --b--
        """)

    @Test("Body texts: text parts decoded and converted, embedded headers, binary skipped")
    func bodyTexts() {
        let structure = MessageParser.parse(message)
        var texts: [String] = []
        MessageText.forEachBodyText(in: message, structure: structure) { texts.append($0); return true }
        #expect(texts == ["Café au lait, long line continued", "<p>Café</p>", "Subject: Inner\n",
                          "inner body"])
        var count = 0
        let finished = MessageText.forEachBodyText(in: message, structure: structure) { _ in
            count += 1
            return false
        }
        #expect(!finished)
        #expect(count == 1)
    }

    @Test("Non-text parts can be included")
    func includeNonText() {
        let structure = MessageParser.parse(message)
        var texts: [String] = []
        MessageText.forEachBodyText(in: message, structure: structure,
                                    options: .init(includesNonText: true,
                                                   includesEmbeddedHeaders: false)) {
            texts.append($0)
            return true
        }
        #expect(texts.count == 4)
        #expect(texts[2] == "\u{0}\u{1}\u{2}\u{3}")
    }

    @Test("Header values decoded for SEARCH HEADER / SUBJECT / FROM")
    func headerValues() {
        let structure = MessageParser.parse(message)
        message.withUnsafeBytes { buffer in
            #expect(MessageText.headerValues(named: "subject", in: buffer,
                                             range: structure.root.headerRange) == ["Réunion weekly"])
            #expect(MessageText.headerValues(named: "From", in: buffer,
                                             range: structure.root.headerRange) == ["André <a@b>"])
            let all = MessageText.headerText(in: buffer, range: structure.root.headerRange)
            #expect(SearchPattern("réunion WEEKLY").matches(all))
        }
    }

    @Test("Several fields in one pass: each name's values in order, an absent one empty")
    func severalHeaderValues() {
        let header = Array("Received: a\r\nSubject: one\r\nreceived: b\r\nX-None\r\n\r\nbody".utf8)
        header.withUnsafeBytes { buffer in
            let values = MessageText.headerValues(namedAnyOf: ["RECEIVED", "Subject", "Date"], in: buffer,
                                                  range: 0..<buffer.count)
            #expect(values == [["a", "b"], ["one"], []])
        }
    }
}
