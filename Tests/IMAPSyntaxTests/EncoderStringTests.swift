@testable import IMAPSyntax
import MailCore
import NIOCore
import Testing

/// `string` / `nstring` / `mailbox` / `text` forms (RFC 9051 §4.3, §9; RFC 6855 §3).
@Suite struct EncoderStringTests {
    private func string(_ bytes: [UInt8], utf8: Bool = false) -> [UInt8] {
        var buffer = ByteBuffer()
        ResponseEncoder(utf8Enabled: utf8).writeString(bytes, into: &buffer)
        return Array(buffer.readableBytesView)
    }

    private func string(_ text: String, utf8: Bool = false) -> String {
        var buffer = ByteBuffer()
        ResponseEncoder(utf8Enabled: utf8).writeString(text, into: &buffer)
        return String(decoding: buffer.readableBytesView, as: UTF8.self)
    }

    private func mailbox(_ name: String, utf8: Bool = false) -> String {
        var buffer = ByteBuffer()
        ResponseEncoder(utf8Enabled: utf8).writeMailbox(name, into: &buffer)
        return String(decoding: buffer.readableBytesView, as: UTF8.self)
    }

    @Test func shortSevenBitStringsAreQuoted() {
        #expect(string("hello") == "\"hello\"")
        #expect(string("") == "\"\"")
        #expect(string("tab\there") == "\"tab\there\"")
        #expect(string("(x) {3} %*]") == "\"(x) {3} %*]\"")
    }

    @Test func quotedSpecialsAreEscaped() {
        #expect(string("a\"b\\c") == #""a\"b\\c""#)
        #expect(string("\"") == #""\"""#)
        #expect(string("\\\\") == #""\\\\""#)
    }

    @Test func lineBreaksAndNULGoAsLiterals() {
        #expect(string("a\r\nb") == "{4}\r\na\r\nb")
        #expect(string("a\nb") == "{3}\r\na\nb")
        #expect(string([0x61, 0x00, 0x62]) == [UInt8](ascii: "{3}\r\n") + [0x61, 0x00, 0x62])
    }

    @Test func lengthLimitOfQuotedStrings() {
        let limit = String(repeating: "x", count: 1024)
        #expect(string(limit) == "\"" + limit + "\"")
        let over = limit + "x"
        #expect(string(over) == "{1025}\r\n" + over)
    }

    @Test func eightBitWithoutUTF8IsALiteral() {
        #expect(string("Grüße") == "{7}\r\nGrüße")
        #expect(string("Grüße", utf8: true) == "\"Grüße\"")
        #expect(string(Array("日本語".utf8), utf8: true) == Array("\"日本語\"".utf8))
    }

    @Test func invalidUTF8IsAlwaysALiteral() {
        // Latin-1 "Grüße" from a real-world header.
        let latin1: [UInt8] = [0x47, 0x72, 0xFC, 0xDF, 0x65]
        let expected = [UInt8](ascii: "{5}\r\n") + latin1
        #expect(string(latin1) == expected)
        #expect(string(latin1, utf8: true) == expected)
        // Overlong "/" and an encoded surrogate are not UTF-8 either.
        #expect(string([0xC0, 0xAF], utf8: true) == [UInt8](ascii: "{2}\r\n") + [0xC0, 0xAF])
        #expect(string([0xED, 0xA0, 0x80], utf8: true)
                == [UInt8](ascii: "{3}\r\n") + [0xED, 0xA0, 0x80])
        #expect(string([0xE6, 0x97], utf8: true) == [UInt8](ascii: "{2}\r\n") + [0xE6, 0x97])
    }

    @Test func utf8ValidationEdges() {
        func valid(_ bytes: [UInt8]) -> Bool {
            bytes.withUnsafeBufferPointer { UTF8Validation.isValid($0) }
        }
        #expect(valid(Array("aé€😀".utf8)))
        #expect(valid([0xF4, 0x8F, 0xBF, 0xBF]))
        #expect(!valid([0xF4, 0x90, 0x80, 0x80]))
        #expect(!valid([0xE0, 0x80, 0xAF]))
        #expect(!valid([0xF0, 0x80, 0x80, 0xAF]))
        #expect(!valid([0x80]))
        #expect(!valid([0xC3]))
        #expect(!valid([0xC3, 0x41]))
        #expect(!valid([0xFF]))
    }

    @Test func nstringNIL() {
        var buffer = ByteBuffer()
        ResponseEncoder().writeNString(nil as [UInt8]?, into: &buffer)
        ResponseEncoder().writeNString(nil as String?, into: &buffer)
        #expect(String(decoding: buffer.readableBytesView, as: UTF8.self) == "NILNIL")
    }

    @Test func mailboxNamesUseModifiedUTF7UnlessUTF8IsEnabled() {
        #expect(mailbox("INBOX") == "\"INBOX\"")
        #expect(mailbox("~peter/mail/台北/日本語") == "\"~peter/mail/&U,BTFw-/&ZeVnLIqe-\"")
        #expect(mailbox("~peter/mail/台北/日本語", utf8: true) == "\"~peter/mail/台北/日本語\"")
        #expect(mailbox("Tom & Jerry") == "\"Tom &- Jerry\"")
        #expect(mailbox("Tom & Jerry", utf8: true) == "\"Tom & Jerry\"")
        #expect(mailbox("a\"b") == #""a\"b""#)
        #expect(mailbox("new\nline") == "\"new&AAo-line\"")
        #expect(mailbox("new\nline", utf8: true) == "{8}\r\nnew\nline")
    }

    @Test func textNeverCarriesLineBreaks() {
        #expect(wire(.tagged("a1", .no, ResponseText("bad\r\nthing\rhere\n")))
                == "a1 NO bad  thing here \r\n")
        #expect(wire(.untagged(.condition(.bye, ResponseText("nul\u{0}byte"))))
                == "* BYE nul byte\r\n")
    }

    @Test func textIsSevenBitUnlessUTF8IsEnabled() {
        #expect(wire(.tagged("a1", .no, ResponseText("No mailbox 台北 é"))) == "a1 NO No mailbox ?? ?\r\n")
        #expect(wire(.tagged("a1", .no, ResponseText("No mailbox 台北 é")), utf8: true)
                == "a1 NO No mailbox 台北 é\r\n")
        #expect(wire(.continuation("Ready ✓")) == "+ Ready ?\r\n")
    }

    @Test func astringAndCharsetAtoms() {
        var buffer = ByteBuffer()
        let encoder = ResponseEncoder()
        encoder.writeAString("Message-ID", into: &buffer)
        buffer.writeSpace()
        encoder.writeAString("X(odd)", into: &buffer)
        buffer.writeSpace()
        encoder.writeAString("", into: &buffer)
        buffer.writeSpace()
        encoder.writeCharset("UTF-8", into: &buffer)
        buffer.writeSpace()
        encoder.writeCharset("x]y", into: &buffer)
        #expect(String(decoding: buffer.readableBytesView, as: UTF8.self)
                == "Message-ID \"X(odd)\" \"\" UTF-8 \"x]y\"")
    }
}
