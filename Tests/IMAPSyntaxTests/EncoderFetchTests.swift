import IMAPSyntax
import MailCore
import NIOCore
import Testing

/// FETCH responses (RFC 9051 §7.5.2) and the streaming `FetchResponseWriter`.
@Suite struct EncoderFetchTests {
    private func date(_ day: Int, _ month: Int, _ year: Int, _ hour: Int, _ minute: Int,
                      _ second: Int, zone: Int) -> ZonedDateTime {
        ZonedDateTime(date: CalendarDate(year: year, month: month, day: day), hour: hour,
                     minute: minute, second: second, zoneMinutes: zone)
    }

    @Test func simpleItems() {
        #expect(wireFetch(12, [.flags([.seen, .keyword("$Forwarded")]), .uid(UID(5))])
                == "* 12 FETCH (FLAGS (\\Seen $Forwarded) UID 5)\r\n")
        #expect(wireFetch(1, [.flags([])]) == "* 1 FETCH (FLAGS ())\r\n")
        #expect(wireFetch(3, [.flags([.recent, .answered])]) == "* 3 FETCH (FLAGS (\\Recent \\Answered))\r\n")
        #expect(wireFetch(7, [.rfc822Size(44827), .modSeq(ModSeq(12121231000))])
                == "* 7 FETCH (RFC822.SIZE 44827 MODSEQ (12121231000))\r\n")
        #expect(wireFetch(2, []) == "* 2 FETCH ()\r\n")
    }

    @Test func internalDate() {
        #expect(wireFetch(1, [.internalDate(date(17, 7, 1996, 2, 44, 25, zone: -420))])
                == "* 1 FETCH (INTERNALDATE \"17-Jul-1996 02:44:25 -0700\")\r\n")
        // date-day-fixed: a single-digit day is padded with a space.
        #expect(wireFetch(1, [.internalDate(date(7, 1, 2024, 0, 0, 0, zone: 0))])
                == "* 1 FETCH (INTERNALDATE \" 7-Jan-2024 00:00:00 +0000\")\r\n")
        #expect(wireFetch(1, [.internalDate(date(31, 12, 1999, 23, 59, 59, zone: 330))])
                == "* 1 FETCH (INTERNALDATE \"31-Dec-1999 23:59:59 +0530\")\r\n")
        #expect(wireFetch(1, [.internalDate(date(1, 3, 2001, 9, 5, 3, zone: -150))])
                == "* 1 FETCH (INTERNALDATE \" 1-Mar-2001 09:05:03 -0230\")\r\n")
        let epoch = ZonedDateTime(secondsSince1970: 0)
        #expect(wireFetch(1, [.internalDate(epoch)])
                == "* 1 FETCH (INTERNALDATE \" 1-Jan-1970 00:00:00 +0000\")\r\n")
    }

    @Test func objectIDsAndSaveDate() {
        #expect(wireFetch(1, [.emailID("M6d99ac3275bb4e"), .threadID("T64b478a75b7ea9")])
                == "* 1 FETCH (EMAILID (M6d99ac3275bb4e) THREADID (T64b478a75b7ea9))\r\n")
        #expect(wireFetch(1, [.threadID(nil)]) == "* 1 FETCH (THREADID NIL)\r\n")
        #expect(wireFetch(1, [.saveDate(date(17, 7, 1996, 2, 44, 25, zone: -420)), .saveDate(nil)])
                == "* 1 FETCH (SAVEDATE \"17-Jul-1996 02:44:25 -0700\" SAVEDATE NIL)\r\n")
    }

    @Test func bodySectionNames() {
        let data = Array("x".utf8)
        func name(_ section: FetchSectionName) -> String {
            wireFetch(1, [.section(section, data)])
        }
        #expect(name(.body(.complete, origin: nil)) == "* 1 FETCH (BODY[] \"x\")\r\n")
        #expect(name(.body(.complete, origin: 0)) == "* 1 FETCH (BODY[]<0> \"x\")\r\n")
        #expect(name(.body(SectionSpecifier(part: [1, 2], text: .headerFields(["From", "To"])),
                           origin: nil))
                == "* 1 FETCH (BODY[1.2.HEADER.FIELDS (From To)] \"x\")\r\n")
        #expect(name(.body(SectionSpecifier(text: .headerFieldsNot(["Received", "X(odd)"])),
                           origin: 100))
                == "* 1 FETCH (BODY[HEADER.FIELDS.NOT (Received \"X(odd)\")]<100> \"x\")\r\n")
        #expect(name(.body(SectionSpecifier(text: .header), origin: nil))
                == "* 1 FETCH (BODY[HEADER] \"x\")\r\n")
        #expect(name(.body(SectionSpecifier(text: .text), origin: nil))
                == "* 1 FETCH (BODY[TEXT] \"x\")\r\n")
        #expect(name(.body(SectionSpecifier(part: [1], text: .mime), origin: nil))
                == "* 1 FETCH (BODY[1.MIME] \"x\")\r\n")
        #expect(name(.body(SectionSpecifier(part: [3], text: .text), origin: nil))
                == "* 1 FETCH (BODY[3.TEXT] \"x\")\r\n")
        #expect(name(.body(SectionSpecifier(part: [4, 1]), origin: nil))
                == "* 1 FETCH (BODY[4.1] \"x\")\r\n")
        #expect(name(.binary([1], origin: 0)) == "* 1 FETCH (BINARY[1]<0> \"x\")\r\n")
        #expect(name(.binary([], origin: nil)) == "* 1 FETCH (BINARY[] \"x\")\r\n")
        #expect(name(.rfc822) == "* 1 FETCH (RFC822 \"x\")\r\n")
        #expect(name(.rfc822Header) == "* 1 FETCH (RFC822.HEADER \"x\")\r\n")
        #expect(name(.rfc822Text) == "* 1 FETCH (RFC822.TEXT \"x\")\r\n")
    }

    @Test func sectionDataForms() {
        let body = FetchSectionName.body(.complete, origin: nil)
        #expect(wireFetch(1, [.section(body, nil)]) == "* 1 FETCH (BODY[] NIL)\r\n")
        #expect(wireFetch(1, [.section(body, [])]) == "* 1 FETCH (BODY[] \"\")\r\n")
        #expect(wireFetch(1, [.section(body, Array("a \"b\"".utf8))])
                == "* 1 FETCH (BODY[] \"a \\\"b\\\"\")\r\n")
        #expect(wireFetch(1, [.section(body, Array("Hi\r\n".utf8))])
                == "* 1 FETCH (BODY[] {4}\r\nHi\r\n)\r\n")
        // 8-bit content is a literal even when UTF-8 is enabled.
        #expect(wireFetch(1, [.section(body, Array("Grüße".utf8))], utf8: true)
                == "* 1 FETCH (BODY[] {7}\r\nGrüße)\r\n")
    }

    @Test func binarySectionsWithNULUseLiteral8() {
        let binary = FetchSectionName.binary([2], origin: nil)
        let withNUL: [UInt8] = [0x50, 0x4B, 0x00, 0x03]
        #expect(wireBytes(.untagged(.fetch(SequenceNumber(1), [.section(binary, withNUL)])))
                == [UInt8](ascii: "* 1 FETCH (BINARY[2] ~{4}\r\n") + withNUL + [UInt8](ascii: ")\r\n"))
        let eightBit: [UInt8] = [0xFF, 0xD8, 0xFF]
        #expect(wireBytes(.untagged(.fetch(SequenceNumber(1), [.section(binary, eightBit)])))
                == [UInt8](ascii: "* 1 FETCH (BINARY[2] {3}\r\n") + eightBit + [UInt8](ascii: ")\r\n"))
        var large = [UInt8](repeating: 0x41, count: 2000)
        large[1500] = 0
        #expect(wireBytes(.untagged(.fetch(SequenceNumber(1), [.section(binary, large)])))
                == [UInt8](ascii: "* 1 FETCH (BINARY[2] ~{2000}\r\n") + large + [UInt8](ascii: ")\r\n"))
        // A BODY section has no literal8 form: NUL goes in a plain literal.
        let body = FetchSectionName.body(.complete, origin: nil)
        #expect(wireBytes(.untagged(.fetch(SequenceNumber(1), [.section(body, withNUL)])))
                == [UInt8](ascii: "* 1 FETCH (BODY[] {4}\r\n") + withNUL + [UInt8](ascii: ")\r\n"))
    }

    @Test func binarySize() {
        #expect(wireFetch(1, [.binarySize([1], 1234)]) == "* 1 FETCH (BINARY.SIZE[1] 1234)\r\n")
        #expect(wireFetch(1, [.binarySize([1, 2], 0), .binarySize([], 5)])
                == "* 1 FETCH (BINARY.SIZE[1.2] 0 BINARY.SIZE[] 5)\r\n")
    }

    /// RFC 3501 §8 / RFC 9051 §8: `fetch 12 body[header]`.
    @Test func rfcSampleHeaderFetch() {
        let header = """
            Date: Wed, 17 Jul 1996 02:23:25 -0700 (PDT)\r
            From: Terry Gray <gray@cac.washington.edu>\r
            Subject: IMAP4rev1 WG mtg summary and minutes\r
            To: imap@cac.washington.edu\r
            cc: minutes@CNRI.Reston.VA.US, John Klensin <KLENSIN@MIT.EDU>\r
            Message-Id: <B27397-0100000@cac.washington.edu>\r
            MIME-Version: 1.0\r
            Content-Type: TEXT/PLAIN; CHARSET=US-ASCII\r
            \r

            """
        let item = FetchItem.section(.body(SectionSpecifier(text: .header), origin: nil),
                                     Array(header.utf8))
        #expect(wireFetch(12, [item]) == "* 12 FETCH (BODY[HEADER] {342}\r\n" + header + ")\r\n")
        #expect(wireFetch(12, [.flags([.seen, .deleted])]) == "* 12 FETCH (FLAGS (\\Seen \\Deleted))\r\n")
    }

    @Test func streamedSections() {
        let encoder = ResponseEncoder()
        var buffer = ByteBuffer()
        var writer = FetchResponseWriter(encoder: encoder, sequence: SequenceNumber(12), into: &buffer)
        writer.write(.uid(UID(5)), into: &buffer)
        writer.beginStreamedSection(.body(.complete, origin: nil), size: 11, into: &buffer)
        buffer.writeString("Hello")
        buffer.writeString(" world")
        writer.write(.flags([.seen]), into: &buffer)
        writer.finish(into: &buffer)
        #expect(String(buffer: buffer)
                == "* 12 FETCH (UID 5 BODY[] {11}\r\nHello world FLAGS (\\Seen))\r\n")
    }

    @Test func streamedSectionFirstAndBinary() {
        let encoder = ResponseEncoder()
        var buffer = ByteBuffer()
        var writer = FetchResponseWriter(encoder: encoder, sequence: SequenceNumber(3), into: &buffer)
        writer.beginStreamedSection(.binary([1], origin: 0), size: 3, containsNUL: true, into: &buffer)
        buffer.writeBytes([0x00, 0x01, 0x02])
        writer.beginStreamedSection(.binary([2], origin: nil), size: 2, into: &buffer)
        buffer.writeBytes([0xC3, 0xA9])
        writer.beginStreamedSection(.rfc822, size: 0, containsNUL: true, into: &buffer)
        writer.finish(into: &buffer)
        #expect(Array(buffer.readableBytesView)
                == [UInt8](ascii: "* 3 FETCH (BINARY[1]<0> ~{3}\r\n") + [0x00, 0x01, 0x02]
                   + [UInt8](ascii: " BINARY[2] {2}\r\n") + [0xC3, 0xA9]
                   + [UInt8](ascii: " RFC822 {0}\r\n)\r\n"))
    }

    @Test func writerMatchesEncoderForSmallItems() {
        let items: [FetchItem] = [.uid(UID(9)), .flags([.draft]), .rfc822Size(10),
                                  .section(.rfc822Header, Array("A: b\r\n\r\n".utf8))]
        var buffer = ByteBuffer()
        var writer = FetchResponseWriter(encoder: ResponseEncoder(), sequence: SequenceNumber(4),
                                         into: &buffer)
        for item in items { writer.write(item, into: &buffer) }
        writer.finish(into: &buffer)
        #expect(String(buffer: buffer) == wireFetch(4, items))
        #expect(String(buffer: buffer)
                == "* 4 FETCH (UID 9 FLAGS (\\Draft) RFC822.SIZE 10 RFC822.HEADER {8}\r\nA: b\r\n\r\n)\r\n")
    }

    @Test func manyFetchResponsesIntoOneBuffer() {
        let encoder = ResponseEncoder()
        var buffer = ByteBuffer()
        for number in 1...10_000 {
            encoder.encode(.untagged(.fetch(SequenceNumber(UInt32(number)),
                                            [.uid(UID(UInt32(number) + 100)), .flags([.seen])])),
                           into: &buffer)
        }
        let text = String(buffer: buffer)
        #expect(text.hasPrefix("* 1 FETCH (UID 101 FLAGS (\\Seen))\r\n* 2 FETCH (UID 102 "))
        #expect(text.hasSuffix("* 10000 FETCH (UID 10100 FLAGS (\\Seen))\r\n"))
    }
}
