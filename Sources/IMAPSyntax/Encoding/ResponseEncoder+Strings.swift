import NIOCore

// `string`, `nstring`, `astring`, `mailbox` and `text` (RFC 9051 §4.3, §9; RFC 3501 §4.3).
// The encoder picks the form: `quoted` when the value is short and every byte may appear in
// a quoted string, otherwise a synchronizing literal (the server never sends `{n+}`,
// RFC 7888 §4).

/// What one pass over a value's bytes found.
struct ByteProfile {
    var hasNUL = false
    var hasLineBreak = false
    var has8Bit = false
    /// How many `"` and `\` (`quoted-specials`) must be escaped in a quoted string.
    var quotedSpecials = 0

    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        for byte in bytes {
            switch byte {
            case 0: hasNUL = true
            case 0x0A, 0x0D: hasLineBreak = true
            case 0x22, 0x5C: quotedSpecials += 1
            case 0x80...: has8Bit = true
            default: break
            }
        }
    }
}

extension ResponseEncoder {
    /// The longest value written as `quoted`; longer ones go as literals.
    static let maxQuotedLength = 1024

    // MARK: string / nstring

    /// Writes `string` (RFC 9051 §9): `quoted` if the bytes are at most 1024, contain no NUL,
    /// CR or LF, and are 7-bit or (after UTF8=ACCEPT, RFC 6855 §3) valid UTF-8; otherwise a
    /// literal. Bytes that are not valid UTF-8 therefore always go as a literal.
    func writeString(_ bytes: [UInt8], into buffer: inout ByteBuffer) {
        bytes.withUnsafeBufferPointer { writeString($0, knownValidUTF8: false, into: &buffer) }
    }

    /// Writes a Swift string as `string` (its UTF-8 is valid by construction).
    func writeString(_ string: String, into buffer: inout ByteBuffer) {
        var string = string
        string.withUTF8 { writeString($0, knownValidUTF8: true, into: &buffer) }
    }

    /// Writes `nstring` (RFC 9051 §9): NIL for nil.
    func writeNString(_ bytes: [UInt8]?, into buffer: inout ByteBuffer) {
        guard let bytes else {
            buffer.writeStaticString("NIL")
            return
        }
        writeString(bytes, into: &buffer)
    }

    /// Writes `nstring` from a Swift string: NIL for nil.
    func writeNString(_ string: String?, into buffer: inout ByteBuffer) {
        guard let string else {
            buffer.writeStaticString("NIL")
            return
        }
        writeString(string, into: &buffer)
    }

    func writeString(_ bytes: UnsafeBufferPointer<UInt8>, knownValidUTF8: Bool,
                     into buffer: inout ByteBuffer) {
        if bytes.count <= Self.maxQuotedLength {
            let profile = ByteProfile(bytes)
            if !profile.hasNUL && !profile.hasLineBreak
                && (!profile.has8Bit
                    || (utf8Enabled && (knownValidUTF8 || UTF8Validation.isValid(bytes)))) {
                Self.writeQuoted(bytes, specials: profile.quotedSpecials, into: &buffer)
                return
            }
        }
        Self.writeLiteral(bytes, into: &buffer)
    }

    // MARK: Message data

    /// Writes the contents of a body section (RFC 9051 §7.5.2 `BODY[...]`, RFC 3516 §4.3
    /// `BINARY[...]`): `quoted` only for short 7-bit text without CR, LF or NUL; 8-bit data
    /// always as a literal; for BINARY, data holding NUL as `literal8` (`~{n}`).
    func writeSectionData(_ bytes: [UInt8], binary: Bool, into buffer: inout ByteBuffer) {
        bytes.withUnsafeBufferPointer { bytes in
            if bytes.count <= Self.maxQuotedLength {
                let profile = ByteProfile(bytes)
                if binary && profile.hasNUL {
                    Self.writeLiteral8(bytes, into: &buffer)
                } else if !profile.hasNUL && !profile.hasLineBreak && !profile.has8Bit {
                    Self.writeQuoted(bytes, specials: profile.quotedSpecials, into: &buffer)
                } else {
                    Self.writeLiteral(bytes, into: &buffer)
                }
            } else if binary && bytes.contains(0) {
                Self.writeLiteral8(bytes, into: &buffer)
            } else {
                Self.writeLiteral(bytes, into: &buffer)
            }
        }
    }

    // MARK: astring, atoms

    /// Writes `astring` (RFC 9051 §9): the bare atom when every byte is an ASTRING-CHAR,
    /// otherwise a string. Used for header field names, which responses repeat as requested.
    func writeAString(_ string: String, into buffer: inout ByteBuffer) {
        if !string.isEmpty && string.utf8.allSatisfy(Self.isAStringChar) {
            buffer.writeString(string)
        } else {
            writeString(string, into: &buffer)
        }
    }

    /// Writes a `charset` (RFC 9051 §9): an atom when possible, otherwise a string.
    func writeCharset(_ string: String, into buffer: inout ByteBuffer) {
        if !string.isEmpty && string.utf8.allSatisfy({ Self.isAStringChar($0) && $0 != 0x5D }) {
            buffer.writeString(string)
        } else {
            writeString(string, into: &buffer)
        }
    }

    /// `ASTRING-CHAR` (RFC 9051 §9): CHAR except `atom-specials`, but `]` allowed.
    static func isAStringChar(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x21...0x7E:
            switch byte {
            case UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "{"), UInt8(ascii: "%"),
                 UInt8(ascii: "*"), UInt8(ascii: "\""), UInt8(ascii: "\\"):
                return false
            default:
                return true
            }
        default:
            return false
        }
    }

    // MARK: Mailbox names

    /// Writes `mailbox` (RFC 9051 §9): modified UTF-7 (RFC 3501 §5.1.3), or UTF-8 after
    /// UTF8=ACCEPT (RFC 6855 §3), as a quoted string when possible, else a literal.
    func writeMailbox(_ name: MailboxDisplayName, into buffer: inout ByteBuffer) {
        if utf8Enabled {
            writeString(name, into: &buffer)
            return
        }
        // Printable ASCII other than "&" is its own modified UTF-7 form.
        var printable = true
        for byte in name.utf8 where byte < 0x20 || byte > 0x7E || byte == UInt8(ascii: "&") {
            printable = false
            break
        }
        if printable {
            writeString(name, into: &buffer)
        } else {
            writeString(ModifiedUTF7.encode(name), into: &buffer)
        }
    }

    /// Writes a hierarchy delimiter (`DQUOTE QUOTED-CHAR DQUOTE / nil`, RFC 9051 §9). A
    /// character that cannot be a QUOTED-CHAR in this session is written NIL.
    func writeDelimiter(_ delimiter: Character?, into buffer: inout ByteBuffer) {
        guard let delimiter, delimiter.unicodeScalars.count == 1,
              let scalar = delimiter.unicodeScalars.first,
              scalar.value >= 0x20 && scalar.value != 0x7F,
              scalar.value < 0x80 || utf8Enabled else {
            buffer.writeStaticString("NIL")
            return
        }
        buffer.writeByte(UInt8(ascii: "\""))
        if scalar == "\"" || scalar == "\\" { buffer.writeByte(UInt8(ascii: "\\")) }
        buffer.writeString(String(delimiter))
        buffer.writeByte(UInt8(ascii: "\""))
    }

    // MARK: text

    /// Writes `text` (RFC 9051 §9) from human-readable text: CR, LF and NUL each become a
    /// space; without UTF-8 (RFC 3501 `text` is 7-bit) each non-ASCII character becomes `?`.
    /// With `forCode`, `]` also becomes a space (`resp-text-code` atom text, RFC 9051 §9).
    func writeText(_ text: String, forCode: Bool = false, into buffer: inout ByteBuffer) {
        var text = text
        text.withUTF8 { bytes in
            var clean = true
            for byte in bytes {
                if byte < 0x20 || byte >= 0x80 || (forCode && byte == UInt8(ascii: "]")) {
                    clean = false
                    break
                }
            }
            if clean {
                buffer.writeBytes(UnsafeRawBufferPointer(bytes))
                return
            }
            for byte in bytes {
                switch byte {
                case 0x00, 0x0A, 0x0D:
                    buffer.writeSpace()
                case UInt8(ascii: "]") where forCode:
                    buffer.writeSpace()
                case 0x80...0xBF where !utf8Enabled:
                    continue
                case 0xC0... where !utf8Enabled:
                    buffer.writeByte(UInt8(ascii: "?"))
                default:
                    buffer.writeByte(byte)
                }
            }
        }
    }

    // MARK: Forms

    /// Writes `quoted` (RFC 9051 §9), escaping `"` and `\`.
    static func writeQuoted(_ bytes: UnsafeBufferPointer<UInt8>, specials: Int,
                            into buffer: inout ByteBuffer) {
        buffer.writeByte(UInt8(ascii: "\""))
        let raw = UnsafeRawBufferPointer(bytes)
        if specials == 0 {
            buffer.writeBytes(raw)
        } else {
            var start = 0
            for (index, byte) in raw.enumerated() where byte == 0x22 || byte == 0x5C {
                buffer.writeBytes(UnsafeRawBufferPointer(rebasing: raw[start..<index]))
                buffer.writeByte(UInt8(ascii: "\\"))
                start = index
            }
            buffer.writeBytes(UnsafeRawBufferPointer(rebasing: raw[start...]))
        }
        buffer.writeByte(UInt8(ascii: "\""))
    }

    /// Writes a synchronizing `literal` (RFC 9051 §4.3): `{n}` CRLF and the bytes.
    static func writeLiteral(_ bytes: UnsafeBufferPointer<UInt8>, into buffer: inout ByteBuffer) {
        writeLiteralPrefix(size: UInt64(bytes.count), literal8: false, into: &buffer)
        buffer.writeBytes(UnsafeRawBufferPointer(bytes))
    }

    /// Writes `literal8` (RFC 3516 §4.2, RFC 9051 §4.3.1): `~{n}` CRLF and the bytes.
    static func writeLiteral8(_ bytes: UnsafeBufferPointer<UInt8>, into buffer: inout ByteBuffer) {
        writeLiteralPrefix(size: UInt64(bytes.count), literal8: true, into: &buffer)
        buffer.writeBytes(UnsafeRawBufferPointer(bytes))
    }

    /// Writes `{n}` CRLF or `~{n}` CRLF.
    static func writeLiteralPrefix(size: UInt64, literal8: Bool, into buffer: inout ByteBuffer) {
        if literal8 { buffer.writeByte(UInt8(ascii: "~")) }
        buffer.writeByte(UInt8(ascii: "{"))
        buffer.writeDecimal(size)
        buffer.writeStaticString("}\r\n")
    }
}
