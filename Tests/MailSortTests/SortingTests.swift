import MailMessage
import MailSort
import Testing

/// Messages made from header text, as the store makes their keys at ingest.
func message(_ header: String, sequence: UInt32, internalDate: Int64 = 0, size: UInt64 = 100) -> SortableMessage {
    let bytes = Array((header + "\r\n\r\nbody\r\n").utf8)
    let keys = bytes.withUnsafeBytes { MessageSortKeys(message: $0) }
    return SortableMessage(sequence: sequence, internalDate: internalDate, size: size, keys: keys)
}

@Suite("i;unicode-casemap (RFC 5051)")
struct CasemapTests {
    @Test("Titlecase, then NFKD; compared as octets")
    func keys() {
        #expect(UnicodeCasemap.key("abc") == Array("ABC".utf8))
        #expect(UnicodeCasemap.key("ÄBC") == UnicodeCasemap.key("äbc"))
        // NFKD: precomposed and decomposed forms, and compatibility forms, are one key.
        #expect(UnicodeCasemap.key("\u{e9}") == UnicodeCasemap.key("e\u{301}"))
        #expect(UnicodeCasemap.key("\u{fb01}") == UnicodeCasemap.key("fi"))
        // Titlecase, not lowercase: "_" (0x5F) sorts after letters (A–Z).
        #expect(UnicodeCasemap.key("_x").lexicographicallyPrecedes(UnicodeCasemap.key("a")) == false)
        // The titlecase of the digraph dž is Dž.
        #expect(UnicodeCasemap.key("\u{1C6}") == UnicodeCasemap.key("\u{1C4}"))
    }
}

@Suite("Sort keys kept per message (RFC 5256 §3, RFC 5957)")
struct SortKeysTests {
    @Test("Sent date normalised to UTC (§2.2); missing or unparsable: nil, INTERNALDATE stands in")
    func sentDate() {
        let a = message("Date: Sun, 31 Dec 2000 16:01:33 -0800", sequence: 1)
        let b = message("Date: Mon, 1 Jan 2001 00:01:33 +0000", sequence: 2)
        #expect(a.keys.sentDate == b.keys.sentDate)
        let c = message("Date: not a date", sequence: 3, internalDate: 42)
        #expect(c.keys.sentDate == nil)
        #expect(c.sentDate == 42)
        #expect(message("Subject: x", sequence: 4, internalDate: 7).sentDate == 7)
    }

    @Test("The first Subject and Date field count (as Dovecot sorts; ENVELOPE shows the last)")
    func firstFields() {
        let m = message("Subject: first\r\nSubject: second\r\nDate: 1 Jan 2001 00:00:00 +0000\r\n"
                        + "Date: 2 Jan 2001 00:00:00 +0000", sequence: 1)
        #expect(m.keys.subject == Array("FIRST".utf8))
        #expect(m.keys.sentDate == 978_307_200)
    }

    @Test("FROM, TO and CC: addr-mailbox of the first address, collated")
    func addresses() {
        let m = message("From: Zed <alice@z.example>, bob@y\r\nTo: \"X\" <Carol@x>\r\nCc: dave@w", sequence: 1)
        #expect(m.keys.from == Array("ALICE".utf8))
        #expect(m.keys.to == Array("CAROL".utf8))
        #expect(m.keys.cc == Array("DAVE".utf8))
        #expect(message("Subject: none", sequence: 2).keys.from == [])
    }

    @Test("DISPLAYFROM and DISPLAYTO (RFC 5957 §3): decoded name, else mailbox@host")
    func display() {
        let m = message("From: =?utf-8?q?J=C3=BCrgen?= <j@m.example>\r\nTo: t@h.example", sequence: 1)
        #expect(m.keys.displayFrom == UnicodeCasemap.key("Jürgen"))
        #expect(m.keys.displayTo == UnicodeCasemap.key("t@h.example"))
        let quoted = message("From: \"\" <q@x>", sequence: 2)
        #expect(quoted.keys.displayFrom == UnicodeCasemap.key("q@x"))
    }

    @Test("References: the References msg-ids, else the first In-Reply-To msg-id (§3)")
    func references() {
        let both = message("Message-ID: <m@x>\r\nReferences: <a@x> <b@x>\r\nIn-Reply-To: <c@x>", sequence: 1)
        #expect(both.keys.messageID == "m@x")
        #expect(both.keys.references == ["a@x", "b@x"])
        let reply = message("In-Reply-To: Your message of today <c@x> <d@x>", sequence: 2)
        #expect(reply.keys.references == ["c@x"])
        let invalid = message("References: garbage\r\nIn-Reply-To: <e@x>", sequence: 3)
        #expect(invalid.keys.references == ["e@x"])
        #expect(message("Subject: x", sequence: 4).keys.references == [])
    }

    @Test("Message IDs are normalised: quoting makes no difference (§3)")
    func normalisedIDs() {
        #expect(MessageIDs.all(in: Array(#"<"01KF8JCEOCBS0045PS"@xxx.yyy.com>"#.utf8))
                == ["01KF8JCEOCBS0045PS@xxx.yyy.com"])
        #expect(MessageIDs.all(in: Array("<no-at-sign> <a@b> (comment) <@x> <y@>".utf8)) == ["a@b"])
        #expect(MessageIDs.all(in: Array("<A@B>".utf8)) != MessageIDs.all(in: Array("<a@b>".utf8)))
    }

    @Test("The stored form decodes to the same keys; another format decodes to nil")
    func coding() {
        let m = message("Date: Mon, 1 Jan 2001 00:01:33 +0000\r\nSubject: Re: =?utf-8?q?=C3=A9t=C3=A9?=\r\n"
                        + "From: A <a@x>\r\nTo: b@y\r\nMessage-ID: <m@x>\r\nReferences: <r1@x> <r2@x>", sequence: 1)
        let encoded = m.keys.encoded()
        #expect(MessageSortKeys(decoding: encoded) == m.keys)
        #expect(m.keys.isReplyOrForward)
        var other = encoded
        other[0] = MessageSortKeys.format &+ 1
        #expect(MessageSortKeys(decoding: other) == nil)
        #expect(MessageSortKeys(decoding: encoded.dropLast()) == nil)
        #expect(MessageSortKeys(decoding: []) == nil)
        let empty = MessageSortKeys()
        #expect(MessageSortKeys(decoding: empty.encoded()) == empty)
    }
}

@Suite("SORT (RFC 5256 §3)")
struct SorterTests {
    let messages = [
        message("Subject: b\r\nDate: Tue, 2 Jan 2001 00:00:00 +0000\r\nFrom: z@x", sequence: 1, internalDate: 30, size: 300),
        message("Subject: Re: a\r\nDate: Wed, 3 Jan 2001 00:00:00 +0000\r\nFrom: y@x", sequence: 2, internalDate: 10, size: 100),
        message("Subject: A\r\nDate: Mon, 1 Jan 2001 00:00:00 +0000\r\nFrom: Y@x", sequence: 3, internalDate: 20, size: 100),
        message("Subject: c", sequence: 4, internalDate: 0, size: 50),
    ]

    func order(_ criteria: [SortCriterion]) -> [UInt32] {
        MessageSorter.order(messages, by: criteria).map { messages[$0].sequence }
    }

    @Test("Each key; ties by sequence number")
    func keys() {
        #expect(order([SortCriterion(.arrival)]) == [4, 2, 3, 1])
        #expect(order([SortCriterion(.size)]) == [4, 2, 3, 1])
        #expect(order([SortCriterion(.subject)]) == [2, 3, 1, 4])
        #expect(order([SortCriterion(.from)]) == [4, 2, 3, 1])
        // DATE: message 4 has no Date, its INTERNALDATE (0) stands in (§2.2).
        #expect(order([SortCriterion(.date)]) == [4, 3, 1, 2])
        #expect(order([SortCriterion(.to)]) == [1, 2, 3, 4])
    }

    @Test("REVERSE reverses one criterion, not the implicit sequence order")
    func reverse() {
        #expect(order([SortCriterion(.size, reverse: true)]) == [1, 2, 3, 4])
        #expect(order([SortCriterion(.subject), SortCriterion(.date, reverse: true)]) == [2, 3, 1, 4])
        #expect(order([SortCriterion(.subject, reverse: true), SortCriterion(.date)]) == [4, 1, 3, 2])
    }
}
