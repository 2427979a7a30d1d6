@testable import IMAPServer
import IMAPSyntax
import MailCore
import MailMessage
import MailStore
import Testing

@Suite("SEARCH keys on metadata (RFC 9051 §6.4.4)")
struct SearchMetadataTests {
    static let flagged: SearchFixture = {
        var message = Messages.plain
        message.flags = MessageFlags(system: [.answered, .seen], keywords: ["$Forwarded", "Work"])
        return message
    }()

    @Test("System flag keys and their UN- forms", arguments: [
        ("ALL", true), ("ANSWERED", true), ("UNANSWERED", false), ("SEEN", true), ("UNSEEN", false),
        ("DELETED", false), ("UNDELETED", true), ("DRAFT", false), ("UNDRAFT", true),
        ("FLAGGED", false), ("UNFLAGGED", true),
    ])
    func systemFlags(criteria: String, expected: Bool) throws {
        #expect(try matches(criteria, Self.flagged) == expected)
    }

    @Test("KEYWORD and UNKEYWORD compare keywords ignoring ASCII case")
    func keywords() throws {
        #expect(try matches("KEYWORD work", Self.flagged))
        #expect(try matches("KEYWORD $FORWARDED", Self.flagged))
        #expect(!(try matches("KEYWORD Home", Self.flagged)))
        #expect(!(try matches("UNKEYWORD Work", Self.flagged)))
        #expect(try matches("UNKEYWORD Home", Self.flagged))
    }

    @Test("RECENT, OLD and NEW (NEW is RECENT UNSEEN, RFC 3501 §6.4.4)")
    func recent() throws {
        var message = Messages.plain
        message.isRecent = true
        #expect(try matches("RECENT", message))
        #expect(try matches("NEW", message))
        #expect(!(try matches("OLD", message)))
        message.flags = MessageFlags(system: .seen)
        #expect(!(try matches("NEW", message)))
        message.isRecent = false
        #expect(try matches("OLD", message))
        #expect(!(try matches("RECENT", message)))
    }

    @Test("LARGER and SMALLER are strict comparisons with RFC822.SIZE")
    func sizes() throws {
        let size = Messages.plain.bytes.count
        #expect(try matches("LARGER \(size - 1)", Messages.plain))
        #expect(!(try matches("LARGER \(size)", Messages.plain)))
        #expect(try matches("SMALLER \(size + 1)", Messages.plain))
        #expect(!(try matches("SMALLER \(size)", Messages.plain)))
    }

    @Test("MODSEQ matches a mod-sequence at least the number (RFC 7162 §3.1.5)")
    func modSeq() throws {
        #expect(try matches("MODSEQ 5", Messages.plain))
        #expect(try matches("MODSEQ 1", Messages.plain))
        #expect(!(try matches("MODSEQ 6", Messages.plain)))
        #expect(try matches("MODSEQ \"/flags/\\\\draft\" all 4", Messages.plain))
    }

    @Test("Sequence sets, with * as the message count and ranges in either order")
    func sequenceSets() throws {
        let message = Messages.plain
        #expect(try matches("1", message, sequence: 1))
        #expect(try matches("2,4:6", message, sequence: 5))
        #expect(!(try matches("2,4:6", message, sequence: 3)))
        #expect(try matches("*", message, sequence: 10))
        #expect(!(try matches("*", message, sequence: 9)))
        #expect(try matches("8:*", message, sequence: 9))
        #expect(try matches("6:3", message, sequence: 4))
        // Beyond the last message: no match rather than an error.
        #expect(!(try matches("11:20", message, sequence: 10)))
    }

    @Test("UID sets, with * as the last UID in the view")
    func uidSets() throws {
        let message = Messages.plain
        #expect(try matches("UID 7", message, uid: 7))
        #expect(!(try matches("UID 7", message, uid: 8)))
        #expect(try matches("UID 50:*", message, uid: 100))
        #expect(try matches("UID *", message, uid: 100))
        #expect(!(try matches("UID *", message, uid: 99)))
        // 200:* is 100:200 when the last UID is 100 (RFC 9051 §9 seq-range).
        #expect(try matches("UID 200:*", message, uid: 100))
        #expect(try matches("UID 1:3,10:12,4294967295", message, uid: 11))
    }

    @Test("BEFORE, ON, SINCE use the INTERNALDATE's date in its own zone, ignoring the time")
    func internalDates() throws {
        var message = Messages.plain
        // 23:30 on 1 Jan at -0800 is already 2 Jan in UTC: the date as given counts.
        message.internalDate = ZonedDateTime(date: CalendarDate(year: 2024, month: 1, day: 1), hour: 23,
                                            minute: 30, second: 0, zoneMinutes: -480)
        #expect(try matches("ON 1-Jan-2024", message))
        #expect(!(try matches("ON 2-Jan-2024", message)))
        #expect(try matches("BEFORE 2-Jan-2024", message))
        #expect(!(try matches("BEFORE 1-Jan-2024", message)))
        #expect(try matches("SINCE 1-Jan-2024", message))
        #expect(!(try matches("SINCE 2-Jan-2024", message)))
        #expect(try matches("SINCE 31-Dec-2023", message))
        // Just after midnight east of UTC: still the previous day in UTC, but the date is 2 Jan.
        message.internalDate = ZonedDateTime(date: CalendarDate(year: 2024, month: 1, day: 2), hour: 0,
                                            minute: 5, second: 0, zoneMinutes: 840)
        #expect(try matches("ON 2-Jan-2024", message))
        #expect(try matches("BEFORE 3-Jan-2024 SINCE 2-Jan-2024", message))
    }

    @Test("Metadata keys need no message bytes; text keys wait for them")
    func staging() throws {
        #expect(try verdict("1:5", Messages.plain, withRecord: false) == true)
        #expect(try verdict("SEEN", Messages.plain, withRecord: false) == nil)
        #expect(try verdict("SEEN", Messages.plain, withRecord: true) == false)
        #expect(try verdict("SUBJECT x", Messages.plain, withRecord: true) == nil)
        // Decided early by a cheap operand.
        #expect(try verdict("UNSEEN SUBJECT x 2", Messages.plain, withRecord: false) == false)
        #expect(try verdict("OR 1 BODY x", Messages.plain, withRecord: false) == true)
        #expect(try verdict("NOT OR 1 BODY x", Messages.plain, withRecord: false) == false)
        #expect(try verdict("SEEN BODY x", Messages.plain, withRecord: true) == false)
    }
}

@Suite("SEARCH keys on dates of the Date: field (RFC 9051 §6.4.4 SENT*)")
struct SearchSentDateTests {
    @Test("SENTON, SENTBEFORE, SENTSINCE use the Date: field's date in its own zone")
    func ownZone() throws {
        // Date: Mon, 1 Jan 2024 23:30:00 -0800 (2 Jan in UTC).
        #expect(try matches("SENTON 1-Jan-2024", Messages.plain))
        #expect(!(try matches("SENTON 2-Jan-2024", Messages.plain)))
        #expect(try matches("SENTBEFORE 2-Jan-2024", Messages.plain))
        #expect(try matches("SENTSINCE 1-Jan-2024", Messages.plain))
        #expect(!(try matches("SENTSINCE 2-Jan-2024", Messages.plain)))
        // Date: Tue, 2 Jan 2024 00:15 +1400 (1 Jan in UTC), no seconds.
        #expect(try matches("SENTON 2-Jan-2024", Messages.multipart))
        #expect(!(try matches("SENTBEFORE 2-Jan-2024", Messages.multipart)))
    }

    @Test("A missing or unparseable Date: falls back to INTERNALDATE (as Dovecot does)")
    func fallback() throws {
        for var message in [Messages.undated, Messages.badlyDated] {
            message.internalDate = ZonedDateTime(date: CalendarDate(year: 2020, month: 2, day: 29), hour: 8,
                                                minute: 0, second: 0, zoneMinutes: 60)
            #expect(try matches("SENTON 29-Feb-2020", message))
            #expect(try matches("SENTBEFORE 1-Mar-2020", message))
            #expect(!(try matches("SENTSINCE 1-Mar-2020", message)))
        }
    }

    @Test("SENT* keys are decided from the header alone")
    func headerOnly() throws {
        #expect(try headerVerdict("SENTON 1-Jan-2024", Messages.plain) == true)
        #expect(try headerVerdict("SENTON 5-Jan-2024", Messages.plain) == false)
    }
}

@Suite("SEARCH keys on header fields (RFC 9051 §6.4.4, RFC 2047)")
struct SearchHeaderTests {
    @Test("Address keys match decoded display names and addresses", arguments: [
        ("FROM \"jürgen\"", true), ("FROM \"JÜRGEN MÜLLER\"", true), ("FROM juergen@example.de", true),
        ("FROM example.DE", true), ("FROM alice", false),
        ("TO \"alice liddell\"", true), ("TO bob@example.net", true), ("TO carol", false),
        ("CC Carol", true), ("CC carol@example.com", true), ("CC bob", false),
        ("BCC secret-list", true), ("BCC alice", false),
    ])
    func addresses(criteria: String, expected: Bool) throws {
        #expect(try matches(criteria, Messages.plain) == expected)
    }

    /// Comments and spaces may stand around the "@" and between the words of an address
    /// (RFC 5322 §3.4.1, §3.2.2); the envelope drops them, and so does FROM (RFC 9051 §6.4.4:
    /// "the envelope structure's FROM field").
    static let commented = SearchFixture(bytes: crlf("""
        From: <user-from (comment)@ (comment) domain.org>
        To: Team: first.last (x) @ example . com, other@example.net;
        Cc: =?UTF-8?Q?Z=C3=B6e?= (note) <zoe @ example.org>
        Bcc: (hidden) bcc-user@example.org (Blind Copy)
        Subject: comments

        Body.

        """))

    @Test("Address keys match the parsed addresses, across comments and spaces", arguments: [
        ("FROM user-from@domain.org", true), ("FROM \"user-from@domain.org\"", true),
        ("FROM USER-FROM@DOMAIN.ORG", true), ("FROM comment", true), ("FROM nobody@domain.org", false),
        ("TO first.last@example.com", true), ("TO \"team: x <first.last@example.com>, other@\"", true),
        ("TO other@example.net", true), ("TO x.last", false),
        ("CC \"zöe <zoe@example.org>\"", true), ("CC zoe@example.org", true), ("CC note", true),
        ("BCC \"Blind Copy <bcc-user@example.org>\"", true), ("BCC MISSING_DOMAIN", false),
    ])
    func addressesAcrossComments(criteria: String, expected: Bool) throws {
        #expect(try matches(criteria, Self.commented) == expected)
    }

    @Test("SUBJECT matches RFC 2047 words in several scripts, ignoring case")
    func subjects() throws {
        #expect(try matches("SUBJECT \"привет\"", Messages.plain))
        #expect(try matches("SUBJECT \"ПРИВЕТ МИР QUARTERLY\"", Messages.plain))
        #expect(!(try matches("SUBJECT \"пока\"", Messages.plain)))
        #expect(try matches("SUBJECT \"テキスト\"", Messages.multipart))
        #expect(try matches("SUBJECT \"日本語\"", Messages.multipart))
        #expect(try matches("FROM \"ΕΛΈΝΗ\"", Messages.multipart))
        #expect(try matches("FROM \"παπαδοπούλου\"", Messages.multipart))
    }

    @Test("HEADER matches any field by name; an empty string asks only that it exists")
    func header() throws {
        #expect(try matches("HEADER Message-ID abc123@", Messages.plain))
        #expect(try matches("HEADER message-id \"\"", Messages.plain))
        #expect(try matches("HEADER X-CUSTOM \"value with\"", Messages.plain))
        #expect(!(try matches("HEADER X-Other \"\"", Messages.plain)))
        #expect(!(try matches("HEADER X-Custom nothing", Messages.plain)))
        #expect(try matches("HEADER Content-Type multipart/MIXED", Messages.multipart))
        // The field name is not part of the value.
        #expect(!(try matches("HEADER Subject subject", Messages.undated)))
        // Fields of embedded messages are not the message's header.
        #expect(!(try matches("SUBJECT zebra", Messages.multipart)))
    }

    @Test("Header keys are decided from the header alone")
    func headerOnly() throws {
        #expect(try headerVerdict("SUBJECT quarterly", Messages.plain) == true)
        #expect(try headerVerdict("FROM nobody", Messages.plain) == false)
        #expect(try headerVerdict("BODY lait", Messages.plain) == nil)
        #expect(try headerVerdict("TEXT quarterly", Messages.plain) == true)
        #expect(try headerVerdict("TEXT lait", Messages.plain) == nil)
        #expect(try headerVerdict("OR SUBJECT quarterly BODY x", Messages.plain) == true)
        #expect(try headerVerdict("SUBJECT nothing BODY lait", Messages.plain) == false)
        #expect(try headerVerdict("NOT SUBJECT nothing BODY lait", Messages.plain) == nil)
    }
}

@Suite("SEARCH keys on body text (RFC 9051 §6.4.4 BODY, TEXT)")
struct SearchBodyTests {
    @Test("BODY matches transfer-decoded, charset-converted text, not the header")
    func body() throws {
        #expect(try matches("BODY \"café\"", Messages.plain))
        #expect(try matches("BODY \"CAFÉ\"", Messages.plain))
        #expect(try matches("BODY \"naïve softbreak\"", Messages.plain))
        #expect(try matches("BODY flamingo", Messages.plain))
        #expect(!(try matches("BODY quarterly", Messages.plain)))
        #expect(!(try matches("BODY Caf=C3", Messages.plain)))
        #expect(try matches("BODY \"\"", Messages.plain))
    }

    @Test("BODY searches base64 ISO-8859-1 text and embedded messages, not attachments")
    func multipartBody() throws {
        #expect(try matches("BODY \"grüße aus köln\"", Messages.multipart))
        #expect(try matches("BODY \"SEÑOR\"", Messages.multipart))
        #expect(try matches("BODY zebra", Messages.multipart), "an embedded message's header is body text")
        #expect(try matches("BODY \"κείμενο\"", Messages.multipart))
        #expect(!(try matches("BODY hiddenword", Messages.multipart)), "attachments are not text")
        #expect(!(try matches("BODY preambleword", Messages.multipart)))
        #expect(!(try matches("BODY payload-name", Messages.multipart)), "MIME headers are not body")
        #expect(!(try matches("BODY R3L832", Messages.multipart)))
    }

    @Test("TEXT matches the header, the MIME headers and the body")
    func text() throws {
        #expect(try matches("TEXT quarterly", Messages.plain))
        #expect(try matches("TEXT \"message-id: <abc123\"", Messages.plain))
        #expect(try matches("TEXT flamingo", Messages.plain))
        #expect(try matches("TEXT payload-name", Messages.multipart))
        #expect(try matches("TEXT \"ΕΛΛΗΝΙΚΆ\"", Messages.multipart))
        #expect(!(try matches("TEXT hiddenword", Messages.multipart)))
        #expect(!(try matches("TEXT absentword", Messages.multipart)))
    }
}

@Suite("SEARCH combinations (RFC 9051 §6.4.4 NOT, OR, lists)")
struct SearchCombinationTests {
    @Test("Implicit AND, OR, NOT and parenthesised groups at any depth", arguments: [
        ("SUBJECT quarterly FROM \"jürgen\"", true), ("SUBJECT quarterly FROM alice", false),
        ("OR FROM alice SUBJECT quarterly", true), ("OR FROM alice TO nobody", false),
        ("NOT FROM alice", true), ("NOT NOT FROM alice", false), ("NOT (FROM alice)", true),
        ("(SUBJECT quarterly (FROM \"jürgen\" (BODY \"café\")))", true),
        ("(SUBJECT quarterly (FROM \"jürgen\" (BODY absent)))", false),
        ("OR (FROM alice BODY \"café\") (NOT (OR SEEN (DELETED)))", true),
        ("NOT (OR (NOT BODY \"café\") (SUBJECT nothing))", true),
        ("OR OR OR FROM a1 FROM a2 FROM a3 FROM \"jürgen\"", true),
        ("NOT OR OR OR FROM a1 FROM a2 FROM a3 FROM \"jürgen\"", false),
        ("((((((((((ALL))))))))))", true), ("NOT ALL", false), ("NOT (ALL UNSEEN)", false),
    ])
    func combinations(criteria: String, expected: Bool) throws {
        #expect(try matches(criteria, Messages.plain) == expected)
    }

    @Test("AND operands run cheapest first; double NOT and constants fold away")
    func compiledShape() throws {
        let program = try compile("BODY x SUBJECT y SEEN 1:3")
        guard case .and(let criteria) = program.criterion else {
            Issue.record("expected AND: \(program.criterion)")
            return
        }
        #expect(criteria.map(\.cost) == [.view, .metadata, .header, .body])
        #expect(program.cost == .body)
        #expect(program.usesHeader)
        #expect(try compile("NOT NOT SEEN").criterion == .systemFlag(.seen, isSet: true))
        #expect(try compile("ALL SEEN").criterion == .systemFlag(.seen, isSet: true))
        #expect(try compile("NOT ALL").criterion == .constant(false))
        #expect(try !compile("BODY x").usesHeader)
    }
}

@Suite("SEARCH CHARSET and unsupported keys (RFC 9051 §6.4.4)")
struct SearchCharsetTests {
    /// `SEARCH CHARSET <name> <key> {n+}` with the string as a literal in that charset.
    private func literal(_ prefix: String, _ string: [UInt8]) -> [UInt8] {
        Array("\(prefix) {\(string.count)+}\r\n".utf8) + string
    }

    @Test("ISO-8859-1, KOI8-R, UTF-8 and US-ASCII search strings are converted to Unicode")
    func charsets() throws {
        #expect(try matches(bytes: literal("CHARSET ISO-8859-1 BODY", [0x43, 0x41, 0x46, 0xC9]), Messages.plain))
        #expect(try matches(bytes: literal("CHARSET iso-8859-1 BODY", Array("grüße".utf8)), Messages.multipart)
                == false, "UTF-8 bytes read as Latin-1 are other characters")
        #expect(try matches(bytes: literal("CHARSET KOI8-R SUBJECT", [0xF0, 0xD2, 0xC9, 0xD7, 0xC5, 0xD4]),
                            Messages.plain))
        #expect(try matches(bytes: literal("CHARSET UTF-8 BODY", Array("NAÏVE".utf8)), Messages.plain))
        #expect(try matches("CHARSET US-ASCII BODY flamingo", Messages.plain))
        #expect(try matches("CHARSET \"utf-8\" FROM \"jürgen\"", Messages.plain))
        // No CHARSET: UTF-8, and 8-bit text that is not UTF-8 is taken as Windows-1252.
        #expect(try matches(bytes: literal("BODY", [0x63, 0x61, 0x66, 0xE9]), Messages.plain))
    }

    @Test("An unknown charset is refused with BADCHARSET listing UTF-8 and US-ASCII")
    func badCharset() throws {
        #expect(throws: SearchProgram.Failure.badCharset("X-NO-SUCH-CHARSET")) {
            try compile("CHARSET X-NO-SUCH-CHARSET BODY x")
        }
        let outcome = SearchProgram.Failure.badCharset("X").outcome
        #expect(outcome.status == .no)
        #expect(outcome.code == .badCharset(["UTF-8", "US-ASCII"]))
    }

    @Test("OLDER and YOUNGER count seconds back from the command's time against INTERNALDATE (RFC 5032 §3)")
    func within() throws {
        var message = Messages.plain
        // 10:00:00 at -0800 is 18:00:00 UTC: the zone counts, the instant is compared.
        message.internalDate = ZonedDateTime(date: CalendarDate(year: 2024, month: 1, day: 1), hour: 10,
                                            minute: 0, second: 0, zoneMinutes: -480)
        let instant = message.internalDate.secondsSince1970
        func verdict(_ criteria: String, now: Int64) throws -> Bool? {
            let command = try searchCommand(Array(criteria.utf8))
            var scope = SearchProgram.Scope(messageCount: 10, lastUID: 100)
            scope.now = now
            let program = try SearchProgram(command.key, charset: command.charset, scope: scope)
            #expect(program.criterion.cost == .metadata, "INTERNALDATE is metadata")
            return program.criterion.evaluate(SearchSubject(sequence: 1, uid: 1, isRecent: false, record: message.record))
        }
        let now = instant + 3600
        #expect(try verdict("OLDER 3599", now: now) == true)
        #expect(try verdict("OLDER 3600", now: now) == true)
        #expect(try verdict("OLDER 3601", now: now) == false)
        #expect(try verdict("YOUNGER 3599", now: now) == false)
        #expect(try verdict("YOUNGER 3600", now: now) == true)
        #expect(try verdict("YOUNGER 86400", now: now) == true)
        #expect(try verdict("NOT YOUNGER 60", now: now) == true)
        #expect(try verdict("OR OLDER 4000 YOUNGER 10", now: now) == false)
        #expect(try verdict("OLDER 1 YOUNGER 4294967295", now: now) == true)
        // Without the record nothing is decided.
        let command = try searchCommand(Array("OLDER 1".utf8))
        let program = try SearchProgram(command.key, charset: nil, scope: .init(messageCount: 1, lastUID: 1))
        #expect(program.criterion.evaluate(SearchSubject(sequence: 1, uid: 1, isRecent: false)) == nil)
    }
}

@Suite("Case folding of searched text")
struct SearchFoldingTests {
    @Test("The table-driven fold equals CaseFolding's on every scalar of every plane in use")
    func matchesCaseFolding() {
        var ranges: [ClosedRange<UInt32>] = [0...0xD7FF, 0xE000...0x10FFF, 0x16E40...0x16E7F,
                                             0x1E900...0x1E95F, 0x1F000...0x1F6FF]
        ranges.append(0x10400...0x104FF)  // Deseret, Osage: folds beyond the BMP
        for range in ranges {
            var scalars = String.UnicodeScalarView()
            for value in range { if let scalar = Unicode.Scalar(value) { scalars.append(scalar) } }
            let text = String(scalars)
            #expect(SearchFolding.folded(text) == CaseFolding.foldedUTF8(text), "\(range)")
        }
    }

    @Test("Folds that change the UTF-8 length")
    func lengthChanges() {
        #expect(SearchFolding.folded("\u{212A}elvin") == Array("kelvin".utf8))
        #expect(SearchFolding.folded("\u{023A}") == Array("\u{2C65}".utf8))
        #expect(SearchFolding.folded("ſ ẞ Σ") == Array("s ß σ".utf8))
        #expect(SearchFolding.folded("") == [])
    }
}

extension SearchFoldingTests {
    @Test("ASCII folds alike on the word-at-a-time path and byte by byte, at every offset")
    func asciiRuns() {
        let ascii = (0..<128).map { Character(Unicode.Scalar(UInt8($0))) }
        let text = String(ascii) + "@[`{AZaz" + String(ascii.reversed())
        for start in 0..<9 {
            let sample = String(text.dropFirst(start)) + "é" + String(text.prefix(start))
            #expect(SearchFolding.folded(sample) == CaseFolding.foldedUTF8(sample))
        }
    }
}
