import MailMessage
import Testing

@Suite("Transfer encodings (RFC 2045 §6)")
struct TransferDecodingTests {
    func base64(_ input: String) -> String { text(TransferDecoder.decodeBase64(Array(input.utf8))) }
    func qp(_ input: String) -> String { text(TransferDecoder.decodeQuotedPrintable(Array(input.utf8))) }

    @Test("Base64 skips line breaks, white space and garbage (§6.8)")
    func base64Lenient() {
        #expect(base64("SGVsbG8g\r\nV29ybGQ=") == "Hello World")
        #expect(base64(" SGVs bG8\t*!\n") == "Hello")
        #expect(base64("SGVsbG8") == "Hello")
        #expect(base64("SGk=SGk=") == "HiHi")
        #expect(base64("") == "")
        #expect(base64("S") == "")
        #expect(base64("-_-_") == text([0xFB, 0xFF, 0xBF]))
    }

    @Test("Quoted-printable: =XX either case, soft breaks, invalid sequences kept (§6.7)")
    func quotedPrintable() {
        #expect(qp("caf=C3=A9") == "café")
        #expect(qp("caf=c3=a9") == "café")
        #expect(qp("soft=\r\nbreak") == "softbreak")
        #expect(qp("soft= \t\r\nbreak") == "softbreak")
        #expect(qp("soft=\nbreak") == "softbreak")
        #expect(qp("a=ZZb=") == "a=ZZb")
        #expect(qp("100%=") == "100%")
        #expect(qp("x=4") == "x=4")
        #expect(qp("trailing   \r\nnext") == "trailing\r\nnext")
        #expect(qp("keep\nlf") == "keep\nlf")
        #expect(qp("=3D=0D=0A") == "=\r\n")
    }

    @Test("RFC 2047 Q text: underscore is a space")
    func qText() {
        let decoded = TransferDecoder.decodeQuotedPrintable(Array("a_b=5F".utf8), underscoreIsSpace: true)
        #expect(text(decoded) == "a b_")
    }

    @Test("Decoding by encoding name; unknown encodings pass through")
    func byName() {
        let input = Array("aGk=".utf8)
        input.withUnsafeBytes { buffer in
            #expect(TransferDecoder.decode(buffer, encoding: "BASE64") == Array("hi".utf8))
            #expect(TransferDecoder.decode(buffer, encoding: "x-uuencode") == input)
            #expect(TransferDecoder.decode(buffer, encoding: nil) == input)
        }
    }
}

@Suite("RFC 2047 encoded words")
struct EncodedWordTests {
    func decode(_ input: String) -> String { EncodedWordDecoder.decode(Array(input.utf8)) }

    @Test("B and Q words, any case")
    func bAndQ() {
        #expect(decode("=?UTF-8?B?R3LDvMOfZQ==?=") == "Grüße")
        #expect(decode("=?utf-8?q?Gr=C3=BC=C3=9Fe_aus?=") == "Grüße aus")
        #expect(decode("=?ISO-8859-1?Q?caf=E9?=") == "café")
        #expect(decode("=?iso-8859-1?b?Y2Fm6Q==?=") == "café")
    }

    @Test("White space between adjacent words is dropped, other text kept (§6.2)")
    func adjacentWords() {
        #expect(decode("=?utf-8?q?a?= =?utf-8?q?b?=") == "ab")
        #expect(decode("=?utf-8?q?a?=\r\n =?utf-8?q?b?=") == "ab")
        #expect(decode("=?utf-8?q?a?= x =?utf-8?q?b?=") == "a x b")
        #expect(decode("pre =?utf-8?q?a?= post") == "pre a post")
    }

    @Test("A character split across two words survives")
    func splitCharacter() {
        #expect(decode("=?utf-8?b?w6k=?= =?utf-8?b?w6k=?=") == "éé")
        #expect(decode("=?utf-8?q?=C3?= =?utf-8?q?=A9?=") == "é")
    }

    @Test("Malformed words are left as they are")
    func malformed() {
        #expect(decode("=?utf-8?x?abc?=") == "=?utf-8?x?abc?=")
        #expect(decode("=?utf-8?q?unterminated") == "=?utf-8?q?unterminated")
        #expect(decode("=??q?x?=") == "=??q?x?=")
        #expect(decode("a =? b") == "a =? b")
        #expect(decode("=?") == "=?")
    }

    @Test("Language suffix ignored (RFC 2231 §5); unknown charset falls back")
    func languageAndUnknown() {
        #expect(decode("=?utf-8*en?q?hi?=") == "hi")
        #expect(decode("=?x-unknown?q?caf=C3=A9?=") == "café")
        #expect(decode("=?x-unknown?q?caf=E9?=") == "café")
    }

    @Test("Raw 8-bit text around words is UTF-8, or else Windows-1252")
    func raw8Bit() {
        #expect(EncodedWordDecoder.decode(Array("Grüße".utf8)) == "Grüße")
        #expect(EncodedWordDecoder.decode([0x63, 0x61, 0x66, 0xE9]) == "café")
    }
}

@Suite("Charsets to Unicode")
struct CharsetTests {
    static let samples: [(String, String, String)] = [
        ("UTF-8", "Grüße – 日本", "4772c3bcc39f6520e2809320e697a5e69cac"),
        ("ISO-8859-1", "Grüße café", "4772fcdf6520636166e9"),
        ("ISO-8859-2", "Zażółć gęślą", "5a61bff3b3e62067eab66cb1"),
        ("ISO-8859-5", "Привет", "bfe0d8d2d5e2"),
        ("ISO-8859-7", "Ελληνικά", "c5ebebe7ede9eadc"),
        ("ISO-8859-15", "€ œuvre", "a420bd75767265"),
        ("Windows-1250", "Žluťoučký kůň", "8e6c759d6f75e86bfd206bf9f2"),
        ("Windows-1251", "Привет мир", "cff0e8e2e5f220ece8f0"),
        ("Windows-1252", "“quoted” – €", "9371756f7465649420962080"),
        ("KOI8-R", "Привет мир", "f0d2c9d7c5d420cdc9d2"),
        ("ISO-2022-JP", "日本語テキスト", "1b2442467c4b5c386c2546252d253925481b2842"),
        ("Shift_JIS", "日本語テキスト", "93fa967b8cea8365834c83588367"),
        ("EUC-JP", "日本語テキスト", "c6fccbdcb8eca5c6a5ada5b9a5c8"),
        ("GB2312", "中文报告", "d6d0cec4b1a8b8e6"),
        ("GBK", "中文報告", "d6d0cec488f3b8e6"),
        ("GB18030", "中文报告€", "d6d0cec4b1a8b8e6a2e3"),
        ("Big5", "中文報告", "a4a4a4e5b3f8a769"),
        ("EUC-KR", "회의 일정", "c8b8c0c720c0cfc1a4"),
    ]

    @Test("Each charset decodes a sample", arguments: samples.map { $0.0 })
    func sample(_ charset: String) throws {
        let entry = try #require(Self.samples.first { $0.0 == charset })
        #expect(CharsetDecoder.decode(hexBytes(entry.2), charset: charset) == entry.1)
        #expect(CharsetDecoder.decode(hexBytes(entry.2), charset: charset.lowercased()) == entry.1)
        #expect(CharsetDecoder.canDecode(charset))
    }

    @Test("Common aliases")
    func aliases() {
        #expect(CharsetDecoder.decode(hexBytes("93fa967b"), charset: "x-sjis") == "日本")
        #expect(CharsetDecoder.decode(hexBytes("c8b8c0c7"), charset: "ks_c_5601-1987") == "회의")
        #expect(CharsetDecoder.decode(hexBytes("636166e9"), charset: "\"latin1\"") == "café")
        #expect(CharsetDecoder.decode(Array("ok".utf8), charset: "utf8") == "ok")
    }

    @Test("US-ASCII and unknown charsets: UTF-8 when valid, else Windows-1252")
    func fallbacks() {
        #expect(CharsetDecoder.decode(Array("Grüße".utf8), charset: "us-ascii") == "Grüße")
        #expect(CharsetDecoder.decode(hexBytes("636166e9"), charset: "us-ascii") == "café")
        #expect(CharsetDecoder.decode(hexBytes("636166e9"), charset: "x-no-such-charset") == "café")
        #expect(CharsetDecoder.decode(hexBytes("636166e9"), charset: nil) == "café")
        #expect(!CharsetDecoder.canDecode("x-no-such-charset"))
    }

    @Test("Invalid sequences become U+FFFD; truncated input never traps")
    func invalidInput() {
        #expect(CharsetDecoder.decode(hexBytes("41ff42"), charset: "utf-8") == "A\u{FFFD}B")
        #expect(CharsetDecoder.decode(hexBytes("93"), charset: "shift_jis") == "\u{FFFD}")
        #expect(CharsetDecoder.decode(hexBytes("41ff42"), charset: "euc-jp") == "A\u{FFFD}B")
        #expect(CharsetDecoder.decode(hexBytes("1b2442467c"), charset: "iso-2022-jp").hasPrefix("日"))
        #expect(CharsetDecoder.decode([], charset: "big5") == "")
    }
}
