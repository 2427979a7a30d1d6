public import MailCore
public import NIOCore

/// Writes one FETCH response (`message-data`, RFC 9051 §7.5.2) item by item, so that large
/// body sections can be streamed instead of held in memory.
///
/// ```
/// S: * 12 FETCH (UID 5 BODY[] {342}
/// S: <342 bytes written by the caller>
/// S: )
/// ```
///
/// Use: `init` writes `* 12 FETCH (`; `write` adds small items; `beginStreamedSection` writes
/// a section name and literal header, after which the caller writes exactly `size` bytes
/// itself; `finish` writes `)` CRLF. Items are separated by one SP.
public struct FetchResponseWriter: Sendable {
    public let encoder: ResponseEncoder
    private var itemCount = 0
    /// UIDONLY: the UID leads the response (`uidfetch-resp`), so the UID item is left out.
    private let uidLeads: Bool

    /// Writes `* <sequence> FETCH (`, or, once UIDONLY is enabled and `uid` is known,
    /// `* <uid> UIDFETCH (` (RFC 9586 §3.3: "The UID is always returned at the beginning of a
    /// UIDFETCH response").
    public init(encoder: ResponseEncoder, sequence: SequenceNumber, uid: UID? = nil, into buffer: inout ByteBuffer) {
        self.encoder = encoder
        buffer.writeStaticString("* ")
        if encoder.uidOnly, let uid {
            uidLeads = true
            buffer.writeDecimal(uid.rawValue)
            buffer.writeStaticString(" UIDFETCH (")
        } else {
            uidLeads = false
            buffer.writeDecimal(sequence.rawValue)
            buffer.writeStaticString(" FETCH (")
        }
    }

    /// Writes one `msg-att` item, preceded by SP unless it is the first.
    public mutating func write(_ item: FetchItem, into buffer: inout ByteBuffer) {
        if uidLeads, case .uid = item { return }
        if itemCount > 0 { buffer.writeSpace() }
        itemCount += 1
        encoder.writeFetchItem(item, into: &buffer)
    }

    /// Writes `[SP]NAME {size}` CRLF; the caller then writes exactly `size` bytes of the
    /// section. With `containsNUL` a BINARY section is announced as `literal8` (`~{size}`,
    /// RFC 3516 §4.2); a BODY section cannot carry NUL (`literal` is `CHAR8`, RFC 9051 §9), so
    /// the flag is ignored for it.
    public mutating func beginStreamedSection(_ name: FetchSectionName, size: UInt64,
                                              containsNUL: Bool = false,
                                              into buffer: inout ByteBuffer) {
        if itemCount > 0 { buffer.writeSpace() }
        itemCount += 1
        encoder.writeSectionName(name, into: &buffer)
        buffer.writeSpace()
        var literal8 = false
        if case .binary = name { literal8 = containsNUL }
        ResponseEncoder.writeLiteralPrefix(size: size, literal8: literal8, into: &buffer)
    }

    /// Writes `)` CRLF, ending the response.
    public func finish(into buffer: inout ByteBuffer) {
        buffer.writeStaticString(")\r\n")
    }
}

extension ResponseEncoder {
    /// Writes one `msg-att-dynamic` or `msg-att-static` item (RFC 9051 §7.5.2, §9; RFC 7162
    /// §3.1.4.1 MODSEQ; RFC 3516 §4.3 BINARY; RFC 8474 §5 EMAILID/THREADID; RFC 8514 §4
    /// SAVEDATE; RFC 8970 §6 PREVIEW).
    func writeFetchItem(_ item: FetchItem, into buffer: inout ByteBuffer) {
        switch item {
        case .flags(let flags):
            buffer.writeStaticString("FLAGS ")
            writeFlagList(flags, into: &buffer)
        case .uid(let uid):
            buffer.writeStaticString("UID ")
            buffer.writeDecimal(uid.rawValue)
        case .internalDate(let date):
            buffer.writeStaticString("INTERNALDATE ")
            Self.writeDateTime(date, into: &buffer)
        case .rfc822Size(let size):
            buffer.writeStaticString("RFC822.SIZE ")
            buffer.writeDecimal(size)
        case .modSeq(let modSeq):
            buffer.writeStaticString("MODSEQ (")
            buffer.writeDecimal(modSeq.rawValue)
            buffer.writeByte(UInt8(ascii: ")"))
        case .section(let name, let data):
            writeSectionName(name, into: &buffer)
            buffer.writeSpace()
            if let data {
                var binary = false
                if case .binary = name { binary = true }
                writeSectionData(data, binary: binary, into: &buffer)
            } else {
                buffer.writeStaticString("NIL")
            }
        case .binarySize(let part, let size):
            buffer.writeStaticString("BINARY.SIZE[")
            Self.writeSectionPart(part, into: &buffer)
            buffer.writeStaticString("] ")
            buffer.writeDecimal(size)
        case .emailID(let id):
            buffer.writeStaticString("EMAILID (")
            buffer.writeString(id)
            buffer.writeByte(UInt8(ascii: ")"))
        case .threadID(let id):
            if let id {
                buffer.writeStaticString("THREADID (")
                buffer.writeString(id)
                buffer.writeByte(UInt8(ascii: ")"))
            } else {
                buffer.writeStaticString("THREADID NIL")
            }
        case .preview(let text):
            // UTF-8 (RFC 8970 §3.3): quoted after UTF8=ACCEPT or IMAP4rev2, else a literal.
            buffer.writeStaticString("PREVIEW ")
            writeNString(text, into: &buffer)
        case .saveDate(let date):
            buffer.writeStaticString("SAVEDATE ")
            if let date { Self.writeDateTime(date, into: &buffer) } else {
                buffer.writeStaticString("NIL")
            }
        case .envelope(let envelope):
            buffer.writeStaticString("ENVELOPE ")
            writeEnvelope(envelope, into: &buffer)
        case .bodyStructure(let body, let extensible):
            buffer.writeStaticString(extensible ? "BODYSTRUCTURE " : "BODY ")
            writeBody(body, extensible: extensible, into: &buffer)
        }
    }

    /// Writes a section item's name as the request named it (RFC 9051 §7.5.2):
    /// `BODY[1.2.HEADER.FIELDS (From To)]<0>`, `BINARY[1]<0>`, `RFC822.HEADER`.
    /// The origin is written only when the request had a partial (RFC 9051 §6.4.5).
    func writeSectionName(_ name: FetchSectionName, into buffer: inout ByteBuffer) {
        switch name {
        case .body(let section, let origin):
            buffer.writeStaticString("BODY[")
            Self.writeSectionPart(section.part, into: &buffer)
            if let text = section.text {
                if !section.part.isEmpty { buffer.writeByte(UInt8(ascii: ".")) }
                writeSectionText(text, into: &buffer)
            }
            buffer.writeByte(UInt8(ascii: "]"))
            Self.writeOrigin(origin, into: &buffer)
        case .binary(let part, let origin):
            buffer.writeStaticString("BINARY[")
            Self.writeSectionPart(part, into: &buffer)
            buffer.writeByte(UInt8(ascii: "]"))
            Self.writeOrigin(origin, into: &buffer)
        case .rfc822: buffer.writeStaticString("RFC822")
        case .rfc822Header: buffer.writeStaticString("RFC822.HEADER")
        case .rfc822Text: buffer.writeStaticString("RFC822.TEXT")
        }
    }

    /// `section-text` (RFC 9051 §9), header field names as `astring`s in the request's order.
    func writeSectionText(_ text: SectionText, into buffer: inout ByteBuffer) {
        switch text {
        case .header: buffer.writeStaticString("HEADER")
        case .text: buffer.writeStaticString("TEXT")
        case .mime: buffer.writeStaticString("MIME")
        case .headerFields(let names):
            buffer.writeStaticString("HEADER.FIELDS ")
            writeHeaderList(names, into: &buffer)
        case .headerFieldsNot(let names):
            buffer.writeStaticString("HEADER.FIELDS.NOT ")
            writeHeaderList(names, into: &buffer)
        }
    }

    /// `header-list` (RFC 9051 §9): `(From To)`.
    func writeHeaderList(_ names: [String], into buffer: inout ByteBuffer) {
        buffer.writeByte(UInt8(ascii: "("))
        for (index, name) in names.enumerated() {
            if index > 0 { buffer.writeSpace() }
            writeAString(name, into: &buffer)
        }
        buffer.writeByte(UInt8(ascii: ")"))
    }

    /// `section-part` (RFC 9051 §9): `1.2.3`; nothing for the whole message.
    static func writeSectionPart(_ part: SectionPart, into buffer: inout ByteBuffer) {
        for (index, number) in part.enumerated() {
            if index > 0 { buffer.writeByte(UInt8(ascii: ".")) }
            buffer.writeDecimal(number)
        }
    }

    /// `"<" number ">"` after a section name when the request had a partial.
    static func writeOrigin(_ origin: UInt64?, into buffer: inout ByteBuffer) {
        guard let origin else { return }
        buffer.writeByte(UInt8(ascii: "<"))
        buffer.writeDecimal(origin)
        buffer.writeByte(UInt8(ascii: ">"))
    }

    /// Writes `date-time` (RFC 9051 §9): `"17-Jul-1996 02:44:25 -0700"`, the day as
    /// `date-day-fixed` (a space before a single digit) and the zone as sign and four digits.
    static func writeDateTime(_ value: ZonedDateTime, into buffer: inout ByteBuffer) {
        buffer.writeByte(UInt8(ascii: "\""))
        let day = min(max(value.date.day, 0), 99)
        if day < 10 { buffer.writeSpace() }
        buffer.writeDecimal(day)
        buffer.writeByte(UInt8(ascii: "-"))
        let month = min(max(value.date.month, 1), 12)
        buffer.writeString(CalendarDate.monthNames[month - 1])
        buffer.writeByte(UInt8(ascii: "-"))
        writeDigits(value.date.year, width: 4, into: &buffer)
        buffer.writeSpace()
        writeDigits(value.hour, width: 2, into: &buffer)
        buffer.writeByte(UInt8(ascii: ":"))
        writeDigits(value.minute, width: 2, into: &buffer)
        buffer.writeByte(UInt8(ascii: ":"))
        writeDigits(value.second, width: 2, into: &buffer)
        buffer.writeByte(UInt8(ascii: " "))
        buffer.writeByte(value.zoneMinutes < 0 ? UInt8(ascii: "-") : UInt8(ascii: "+"))
        let zone = min(abs(value.zoneMinutes), 99 * 60 + 59)
        writeDigits(zone / 60, width: 2, into: &buffer)
        writeDigits(zone % 60, width: 2, into: &buffer)
        buffer.writeByte(UInt8(ascii: "\""))
    }

    /// Writes a number with leading zeros in exactly `width` digits (clamped to fit).
    static func writeDigits(_ value: Int, width: Int, into buffer: inout ByteBuffer) {
        var limit = 1
        for _ in 0..<width { limit *= 10 }
        var rest = min(max(value, 0), limit - 1)
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: width) { target in
            for index in stride(from: width - 1, through: 0, by: -1) {
                target[index] = UInt8(truncatingIfNeeded: rest % 10) &+ UInt8(ascii: "0")
                rest /= 10
            }
            return width
        }
    }
}
