@testable import IMAPServer
import IMAPSyntax
import MailCore
import MailMessage
import MailStore
import Testing

/// Message text with LF line ends written as CRLF.
func crlf(_ text: String) -> [UInt8] {
    Array(text.replacingOccurrences(of: "\n", with: "\r\n").utf8)
}

/// A message with the metadata a search looks at.
struct SearchFixture: Sendable {
    var bytes: [UInt8]
    var flags = MessageFlags()
    var internalDate = ZonedDateTime(date: CalendarDate(year: 2024, month: 1, day: 1), hour: 12, minute: 0,
                                    second: 0, zoneMinutes: 0)
    var modSeq: UInt64 = 5
    var isRecent = false

    var headerSize: Int {
        for index in bytes.indices.dropLast(3)
        where bytes[index] == 13 && bytes[index + 1] == 10 && bytes[index + 2] == 13 && bytes[index + 3] == 10 {
            return index + 4
        }
        return bytes.count
    }

    var record: MessageRecord {
        MessageRecord(uid: UID(1), flags: flags, modSeq: ModSeq(modSeq), internalDate: internalDate,
                      size: UInt64(bytes.count), headerSize: UInt64(headerSize),
                      blob: BlobID(rawValue: "test"), saveDate: 0)
    }
}

/// Parses `SEARCH <criteria>` (raw bytes: CHARSET tests send 8-bit strings as literals).
func searchCommand(_ criteria: [UInt8]) throws -> SearchCommand {
    let tagged = try GrammarParser.parseCommand(Array("a SEARCH ".utf8) + criteria)
    guard case .search(let command) = tagged.command else {
        Issue.record("not a SEARCH command")
        throw SearchTestError.notSearch
    }
    return command
}

enum SearchTestError: Error { case notSearch }

/// Compiles `criteria` against a view of `count` messages whose last UID is `lastUID`.
func compile(_ criteria: String, count: UInt32 = 10, lastUID: UInt32 = 100) throws -> SearchProgram {
    try compile(bytes: Array(criteria.utf8), count: count, lastUID: lastUID)
}

func compile(bytes criteria: [UInt8], count: UInt32 = 10, lastUID: UInt32 = 100) throws -> SearchProgram {
    let command = try searchCommand(criteria)
    return try SearchProgram(command.key, charset: command.charset,
                             scope: .init(messageCount: count, lastUID: lastUID))
}

/// The whole-message verdict of `criteria` on `message` (message 1, UID 1 unless told).
func matches(_ criteria: String, _ message: SearchFixture, sequence: UInt32 = 1,
             uid: UInt32 = 1) throws -> Bool {
    try matches(bytes: Array(criteria.utf8), message, sequence: sequence, uid: uid)
}

func matches(bytes criteria: [UInt8], _ message: SearchFixture, sequence: UInt32 = 1,
             uid: UInt32 = 1) throws -> Bool {
    let program = try compile(bytes: criteria)
    let content = SearchContent(message: message.bytes, headerSize: message.headerSize,
                                structure: MessageParser.parse(message.bytes))
    let subject = SearchSubject(sequence: sequence, uid: uid, isRecent: message.isRecent,
                                record: message.record, content: content)
    let verdict = program.criterion.evaluate(subject)
    #expect(verdict != nil, "a full message decides every key")
    return verdict ?? false
}

/// The verdict knowing only the header bytes (nil: the body must be read).
func headerVerdict(_ criteria: String, _ message: SearchFixture) throws -> Bool? {
    let program = try compile(criteria)
    let content = SearchContent(header: Array(message.bytes[..<message.headerSize]))
    let subject = SearchSubject(sequence: 1, uid: 1, isRecent: message.isRecent, record: message.record,
                                content: content)
    return program.criterion.evaluate(subject)
}

/// The verdict knowing only the view, or the view and the metadata.
func verdict(_ criteria: String, _ message: SearchFixture, withRecord: Bool) throws -> Bool? {
    let program = try compile(criteria)
    let subject = SearchSubject(sequence: 1, uid: 1, isRecent: message.isRecent,
                                record: withRecord ? message.record : nil)
    return program.criterion.evaluate(subject)
}

enum Messages {
    /// Single part, quoted-printable UTF-8, Cyrillic B-encoded subject, dated late in the day
    /// west of UTC.
    static let plain = SearchFixture(bytes: crlf("""
        Date: Mon, 1 Jan 2024 23:30:00 -0800
        From: =?UTF-8?Q?J=C3=BCrgen_M=C3=BCller?= <juergen@example.de>
        To: "Alice Liddell" <alice@example.org>, bob@example.net
        Cc: Carol <carol@example.com>
        Bcc: secret-list@example.com
        Subject: =?UTF-8?B?0J/RgNC40LLQtdGCINC80LjRgA==?= quarterly
        Message-ID: <abc123@example.org>
        X-Custom: Value With Case
        Content-Type: text/plain; charset=utf-8
        Content-Transfer-Encoding: quoted-printable

        Caf=C3=A9 au lait =E2=80=94 na=C3=AFve soft=
        break word and the Flamingo.

        """))

    /// Multipart: base64 ISO-8859-1 text, a base64 attachment, an embedded message; raw UTF-8
    /// Greek in From (RFC 6532), an ISO-2022-JP subject; dated just after midnight east of UTC.
    static let multipart = SearchFixture(bytes: crlf("""
        Date: Tue, 2 Jan 2024 00:15 +1400
        From: Ελένη Παπαδοπούλου <eleni@example.gr>
        To: team@example.org
        Subject: =?ISO-2022-JP?B?GyRCRnxLXDhsJUYlLSU5JUgbKEI=?=
        MIME-Version: 1.0
        Content-Type: multipart/mixed; boundary="XX"

        preamble text preambleword
        --XX
        Content-Type: text/plain; charset=iso-8859-1
        Content-Transfer-Encoding: base64

        R3L832UgYXVzIEv2bG4sIHNl8W9y
        --XX
        Content-Type: application/octet-stream; name="payload-name.bin"
        Content-Transfer-Encoding: base64

        aGlkZGVud29yZCBpbiBhdHRhY2htZW50
        --XX
        Content-Type: message/rfc822

        Subject: Inner subject zebra
        From: inner@example.com
        Content-Type: text/plain; charset=utf-8
        Content-Transfer-Encoding: base64

        zpXOu867zrfOvc65zrrOrCDOus61zq/OvM61zr3Ovw==
        --XX--

        """))

    /// No Date field at all.
    static let undated = SearchFixture(bytes: crlf("""
        From: nobody@example.com
        Subject: no date here

        Body.

        """))

    /// A Date field that cannot be parsed.
    static let badlyDated = SearchFixture(bytes: crlf("""
        Date: sometime last week
        Subject: bad date

        Body.

        """))
}
