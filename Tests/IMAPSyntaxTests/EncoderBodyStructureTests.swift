import IMAPSyntax
import MailCore
import NIOCore
import Testing

/// ENVELOPE, BODY and BODYSTRUCTURE (RFC 9051 §7.5.2, RFC 3501 §7.4.2), checked against the
/// RFC samples. Expectations are raw strings; `fetch` adds `* n FETCH (` ... `)` CRLF.
@Suite struct EncoderBodyStructureTests {
    private func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    private func fetch(_ sequence: Int, _ items: String) -> String {
        "* \(sequence) FETCH (\(items))\r\n"
    }

    private func fetch(_ items: String) -> String { fetch(1, items) }

    private func address(_ name: String?, _ mailbox: String?, _ host: String?) -> EnvelopeAddress {
        EnvelopeAddress(name: name.map(bytes), adl: nil, mailbox: mailbox.map(bytes),
                        host: host.map(bytes))
    }

    private func textPlain(_ octets: UInt64, _ lines: UInt64, parameters: [BodyParameter]? = nil,
                           id: String? = nil, description: String? = nil,
                           encoding: String = "7BIT") -> BodyStructure {
        let charset = [BodyParameter(name: "CHARSET", value: bytes("US-ASCII"))]
        return .single(.init(type: "TEXT", subtype: "PLAIN", parameters: parameters ?? charset,
                             id: id.map(bytes), description: description.map(bytes),
                             encoding: encoding, octets: octets, kind: .text(lines: lines)))
    }

    /// The envelope of the RFC 3501 §8 sample message.
    private var sampleEnvelope: Envelope {
        let gray = address("Terry Gray", "gray", "cac.washington.edu")
        return Envelope(date: bytes("Wed, 17 Jul 1996 02:23:25 -0700 (PDT)"),
                        subject: bytes("IMAP4rev1 WG mtg summary and minutes"),
                        from: [gray], sender: [gray], replyTo: [gray],
                        to: [address(nil, "imap", "cac.washington.edu")],
                        cc: [address(nil, "minutes", "CNRI.Reston.VA.US"),
                             address("John Klensin", "KLENSIN", "MIT.EDU")],
                        messageID: bytes("<B27397-0100000@cac.washington.edu>"))
    }

    /// RFC 3501 §8 (and RFC 9051 §8): `a003 fetch 12 full`.
    @Test func rfcSampleFullFetch() {
        let items: [FetchItem] = [
            .flags([.seen]),
            .internalDate(ZonedDateTime(date: CalendarDate(year: 1996, month: 7, day: 17), hour: 2,
                                       minute: 44, second: 25, zoneMinutes: -420)),
            .rfc822Size(4286),
            .envelope(sampleEnvelope),
            .bodyStructure(textPlain(3028, 92), extensible: false),
        ]
        #expect(wireFetch(12, items) == fetch(12, #"""
            FLAGS (\Seen) INTERNALDATE "17-Jul-1996 02:44:25 -0700" \#
            RFC822.SIZE 4286 ENVELOPE ("Wed, 17 Jul 1996 02:23:25 -0700 (PDT)" \#
            "IMAP4rev1 WG mtg summary and minutes" \#
            (("Terry Gray" NIL "gray" "cac.washington.edu")) \#
            (("Terry Gray" NIL "gray" "cac.washington.edu")) \#
            (("Terry Gray" NIL "gray" "cac.washington.edu")) \#
            ((NIL NIL "imap" "cac.washington.edu")) \#
            ((NIL NIL "minutes" "CNRI.Reston.VA.US")\#
            ("John Klensin" NIL "KLENSIN" "MIT.EDU")) NIL NIL \#
            "<B27397-0100000@cac.washington.edu>") \#
            BODY ("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 3028 92)
            """#))
    }

    @Test func emptyEnvelope() {
        #expect(wireFetch(1, [.envelope(Envelope())])
                == fetch("ENVELOPE (NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL)"))
    }

    @Test func envelopeGroupsAndEightBit() {
        // A group "undisclosed-recipients:;" is a start (mailbox = name, host NIL) and an end.
        let group = [EnvelopeAddress(name: nil, adl: nil, mailbox: bytes("undisclosed-recipients"),
                                     host: nil),
                     EnvelopeAddress(name: nil, adl: nil, mailbox: nil, host: nil)]
        let latin1Subject: [UInt8] = [0x47, 0x72, 0xFC, 0xDF, 0x65]
        let envelope = Envelope(subject: latin1Subject, to: group, inReplyTo: bytes("<a@b>"))
        let expected = [UInt8](ascii: "* 1 FETCH (ENVELOPE (NIL {5}\r\n") + latin1Subject
            + [UInt8](ascii: #"""
                 NIL NIL NIL ((NIL NIL "undisclosed-recipients" NIL)(NIL NIL NIL NIL)) \#
                NIL NIL "<a@b>" NIL))
                """# + "\r\n")
        #expect(wireBytes(.untagged(.fetch(SequenceNumber(1), [.envelope(envelope)]))) == expected)

        let utf8 = Envelope(subject: bytes("Grüße"), from: [address("Jürgen", "j", "example.de")])
        #expect(wireFetch(1, [.envelope(utf8)], utf8: true) == fetch(#"""
            ENVELOPE (NIL "Grüße" (("Jürgen" NIL "j" "example.de")) NIL NIL NIL NIL NIL NIL NIL)
            """#))
        #expect(wireFetch(1, [.envelope(utf8)]) == fetch(
            "ENVELOPE (NIL {7}\r\nGrüße (({7}\r\nJürgen NIL \"j\" \"example.de\")) "
                + "NIL NIL NIL NIL NIL NIL NIL)"))
    }

    /// RFC 3501 §7.4.2: the two-part example.
    @Test func rfcMultipartExample() {
        let multipart = BodyStructure.multipart(.init(parts: [
            textPlain(1152, 23),
            textPlain(4554, 73,
                      parameters: [BodyParameter(name: "CHARSET", value: bytes("US-ASCII")),
                                   BodyParameter(name: "NAME", value: bytes("cc.diff"))],
                      id: "<960723163407.20117h@cac.washington.edu>",
                      description: "Compiler diff", encoding: "BASE64"),
        ], subtype: "MIXED", parameters: [BodyParameter(name: "BOUNDARY", value: bytes("x"))]))
        #expect(wireFetch(1, [.bodyStructure(multipart, extensible: false)]) == fetch(#"""
            BODY (("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 1152 23)\#
            ("TEXT" "PLAIN" ("CHARSET" "US-ASCII" "NAME" "cc.diff") \#
            "<960723163407.20117h@cac.washington.edu>" "Compiler diff" "BASE64" 4554 73) "MIXED")
            """#))
        #expect(wireFetch(1, [.bodyStructure(multipart, extensible: true)]) == fetch(#"""
            BODYSTRUCTURE (("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 1152 23 \#
            NIL NIL NIL NIL)\#
            ("TEXT" "PLAIN" ("CHARSET" "US-ASCII" "NAME" "cc.diff") \#
            "<960723163407.20117h@cac.washington.edu>" "Compiler diff" "BASE64" 4554 73 \#
            NIL NIL NIL NIL) "MIXED" ("BOUNDARY" "x") NIL NIL NIL)
            """#))
    }

    /// RFC 3501 §7.4.2: "a simple text message of 48 lines and 2279 octets".
    @Test func rfcSimpleTextExample() {
        #expect(wireFetch(1, [.bodyStructure(textPlain(2279, 48), extensible: false)]) == fetch(#"""
            BODY ("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 2279 48)
            """#))
    }

    @Test func extensionDataOfSingleParts() {
        let disposition = BodyDisposition(
            type: "attachment", parameters: [BodyParameter(name: "filename", value: bytes("a.pdf"))])
        let pdf = BodyStructure.single(.init(
            type: "APPLICATION", subtype: "PDF",
            parameters: [BodyParameter(name: "NAME", value: bytes("a.pdf"))],
            encoding: "BASE64", octets: 4000, kind: .basic,
            md5: bytes("Q2hlY2sgSW50ZWdyaXR5IQ=="),
            extensionData: BodyExtension(disposition: disposition, language: ["en"],
                                         location: bytes("http://example.com/a.pdf"))))
        #expect(wireFetch(1, [.bodyStructure(pdf, extensible: true)]) == fetch(#"""
            BODYSTRUCTURE ("APPLICATION" "PDF" ("NAME" "a.pdf") NIL NIL "BASE64" 4000 \#
            "Q2hlY2sgSW50ZWdyaXR5IQ==" ("attachment" ("filename" "a.pdf")) ("en") \#
            "http://example.com/a.pdf")
            """#))
        #expect(wireFetch(1, [.bodyStructure(pdf, extensible: false)]) == fetch(#"""
            BODY ("APPLICATION" "PDF" ("NAME" "a.pdf") NIL NIL "BASE64" 4000)
            """#))

        let inline = BodyStructure.single(.init(
            type: "text", subtype: "html", octets: 10, kind: .text(lines: 1),
            extensionData: BodyExtension(disposition: BodyDisposition(type: "inline", parameters: []),
                                         language: ["en", "de"])))
        #expect(wireFetch(1, [.bodyStructure(inline, extensible: true)]) == fetch(#"""
            BODYSTRUCTURE ("text" "html" NIL NIL NIL "7BIT" 10 1 NIL ("inline" NIL) ("en" "de") NIL)
            """#))
    }

    @Test func nonASCIIParameterValues() {
        // An RFC 2231-decoded filename: a literal in IMAP4rev1, quoted with UTF-8.
        let part = BodyStructure.single(.init(
            type: "APPLICATION", subtype: "OCTET-STREAM",
            parameters: [BodyParameter(name: "NAME", value: bytes("Ärger.txt"))],
            encoding: "BASE64", octets: 8, kind: .basic))
        #expect(wireFetch(1, [.bodyStructure(part, extensible: false)]) == fetch(
            "BODY (\"APPLICATION\" \"OCTET-STREAM\" (\"NAME\" {10}\r\nÄrger.txt)"
                + " NIL NIL \"BASE64\" 8)"))
        #expect(wireFetch(1, [.bodyStructure(part, extensible: false)], utf8: true) == fetch(#"""
            BODY ("APPLICATION" "OCTET-STREAM" ("NAME" "Ärger.txt") NIL NIL "BASE64" 8)
            """#))
    }

    @Test func messageRFC822Part() {
        let envelope = Envelope(subject: bytes("Fwd"), from: [address(nil, "a", "b.example")])
        let message = BodyStructure.single(.init(
            type: "MESSAGE", subtype: "RFC822", octets: 500,
            kind: .message(envelope, textPlain(20, 2), lines: 12)))
        let outer = BodyStructure.multipart(.init(parts: [textPlain(5, 1), message],
                                                  subtype: "MIXED"))
        #expect(wireFetch(1, [.bodyStructure(outer, extensible: false)]) == fetch(#"""
            BODY (("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 5 1)\#
            ("MESSAGE" "RFC822" NIL NIL NIL "7BIT" 500 \#
            (NIL "Fwd" ((NIL NIL "a" "b.example")) NIL NIL NIL NIL NIL NIL NIL) \#
            ("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 20 2) 12) "MIXED")
            """#))
        #expect(wireFetch(1, [.bodyStructure(outer, extensible: true)]) == fetch(#"""
            BODYSTRUCTURE (("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 5 1 \#
            NIL NIL NIL NIL)\#
            ("MESSAGE" "RFC822" NIL NIL NIL "7BIT" 500 \#
            (NIL "Fwd" ((NIL NIL "a" "b.example")) NIL NIL NIL NIL NIL NIL NIL) \#
            ("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 20 2 NIL NIL NIL NIL) 12 \#
            NIL NIL NIL NIL) "MIXED" NIL NIL NIL NIL)
            """#))
    }

    @Test func nestedMultipart() {
        let html = BodyStructure.single(.init(type: "TEXT", subtype: "HTML", octets: 9,
                                              kind: .text(lines: 1)))
        let alternative = BodyStructure.multipart(.init(
            parts: [textPlain(3, 1), html], subtype: "ALTERNATIVE",
            parameters: [BodyParameter(name: "BOUNDARY", value: bytes("inner"))]))
        let mixed = BodyStructure.multipart(.init(
            parts: [alternative],
            subtype: "MIXED", parameters: [BodyParameter(name: "BOUNDARY", value: bytes("outer"))],
            extensionData: BodyExtension(language: ["fr"], location: bytes("loc"))))
        #expect(wireFetch(1, [.bodyStructure(mixed, extensible: true)]) == fetch(#"""
            BODYSTRUCTURE ((("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 3 1 \#
            NIL NIL NIL NIL)("TEXT" "HTML" NIL NIL NIL "7BIT" 9 1 NIL NIL NIL NIL) \#
            "ALTERNATIVE" ("BOUNDARY" "inner") NIL NIL NIL) \#
            "MIXED" ("BOUNDARY" "outer") NIL ("fr") "loc")
            """#))
    }
}
