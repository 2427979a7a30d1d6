import IMAPSyntax
import MailCore
import Testing
import TestSupport

/// Modified UTF-7 mailbox names (RFC 3501 §5.1.3).
@Suite struct ModifiedUTF7Tests {
    private func decode(_ text: String) throws(ModifiedUTF7Error) -> String {
        try ModifiedUTF7.decode(Array(text.utf8))
    }

    private func encode(_ name: String) -> String {
        String(decoding: ModifiedUTF7.encode(name), as: UTF8.self)
    }

    @Test func rfc3501Example() throws {
        #expect(encode("~peter/mail/台北/日本語") == "~peter/mail/&U,BTFw-/&ZeVnLIqe-")
        #expect(try decode("~peter/mail/&U,BTFw-/&ZeVnLIqe-") == "~peter/mail/台北/日本語")
    }

    @Test func rfc3501CorrectedForms() throws {
        // §5.1.3: "&Jjo-!" is the correct form of "&Jjo!"; "&U,BTF2XlZyyKng-" of the
        // superfluous shift "&U,BTFw-&ZeVnLIqe-".
        #expect(try decode("&Jjo-!") == "\u{263A}!")
        #expect(encode("\u{263A}!") == "&Jjo-!")
        #expect(try decode("&U,BTF2XlZyyKng-") == "台北日本語")
        #expect(encode("台北日本語") == "&U,BTF2XlZyyKng-")
    }

    @Test func asciiAndAmpersand() throws {
        #expect(encode("INBOX") == "INBOX")
        #expect(encode("") == "")
        #expect(encode("&") == "&-")
        #expect(encode("Tom & Jerry") == "Tom &- Jerry")
        #expect(encode("a-b+c,d") == "a-b+c,d")
        #expect(try decode("Tom &- Jerry") == "Tom & Jerry")
        #expect(try decode("&-&-") == "&&")
        #expect(try decode("") == "")
    }

    @Test func nonPrintableASCIIAndAstralCharacters() throws {
        #expect(encode("\u{0}") == "&AAA-")
        #expect(encode("\u{7F}") == "&AH8-")
        #expect(encode("é") == "&AOk-")
        #expect(encode("été") == "&AOk-t&AOk-")
        #expect(encode("😀") == "&2D3eAA-")
        #expect(encode("😀&") == "&2D3eAA-&-")
        #expect(try decode("&2D3eAA-") == "😀")
        #expect(try decode("&AOk-t&AOk-") == "été")
        #expect(try decode("&2D3eAA-&-") == "😀&")
    }

    @Test func rejectsBytesOutsidePrintableASCII() {
        #expect(throws: ModifiedUTF7Error.invalidByte(0x0A, offset: 1)) {
            try ModifiedUTF7.decode([0x61, 0x0A])
        }
        #expect(throws: ModifiedUTF7Error.invalidByte(0xC3, offset: 0)) {
            try ModifiedUTF7.decode(Array("é".utf8))
        }
        #expect(throws: ModifiedUTF7Error.invalidByte(0x7F, offset: 0)) {
            try ModifiedUTF7.decode([0x7F])
        }
        #expect(throws: ModifiedUTF7Error.invalidByte(0x80, offset: 2)) {
            try ModifiedUTF7.decode([0x26, 0x55, 0x80, 0x2D])
        }
    }

    @Test func rejectsAmpersandNotWrittenAsAmpersandHyphen() {
        #expect(throws: ModifiedUTF7Error.unescapedAmpersand(offset: 0)) { try decode("&") }
        #expect(throws: ModifiedUTF7Error.unescapedAmpersand(offset: 1)) { try decode("a&!") }
        #expect(throws: ModifiedUTF7Error.unescapedAmpersand(offset: 3)) { try decode("Tom& Jerry") }
    }

    @Test func rejectsRunsNotClosedWithHyphen() {
        #expect(throws: ModifiedUTF7Error.missingRunTerminator(offset: 4)) { try decode("&Jjo!") }
        #expect(throws: ModifiedUTF7Error.missingRunTerminator(offset: 4)) { try decode("&Jjo/") }
        #expect(throws: ModifiedUTF7Error.unterminatedRun(offset: 0)) { try decode("&U,BTFw") }
        #expect(throws: ModifiedUTF7Error.unterminatedRun(offset: 2)) { try decode("a/&Jjo") }
    }

    @Test func rejectsEncodedPrintableASCII() {
        // "a" (U+0061) and "&" (U+0026) in base64 instead of themselves.
        #expect(throws: ModifiedUTF7Error.encodedPrintableASCII(0x61, offset: 3)) {
            try decode("&AGE-")
        }
        #expect(throws: ModifiedUTF7Error.encodedPrintableASCII(0x26, offset: 3)) {
            try decode("&ACY-")
        }
        #expect(throws: ModifiedUTF7Error.encodedPrintableASCII(0x74, offset: 6)) {
            try decode("&AOkAdADp-")
        }
    }

    @Test func rejectsPaddingAndLengthErrors() {
        #expect(throws: ModifiedUTF7Error.nonZeroPaddingBits(offset: 4)) { try decode("&U,B-") }
        #expect(throws: ModifiedUTF7Error.incompleteCodeUnit(offset: 5)) { try decode("&U,AA-") }
        #expect(throws: ModifiedUTF7Error.incompleteCodeUnit(offset: 2)) { try decode("&A-") }
    }

    @Test func rejectsLoneSurrogates() {
        #expect(throws: ModifiedUTF7Error.loneSurrogate(0xD800, offset: 3)) { try decode("&2AA-") }
        #expect(throws: ModifiedUTF7Error.loneSurrogate(0xDC00, offset: 3)) { try decode("&3AA-") }
        #expect(throws: ModifiedUTF7Error.loneSurrogate(0xD800, offset: 3)) {
            try decode("&2AAA6Q-")
        }
        #expect(throws: ModifiedUTF7Error.loneSurrogate(0xDC00, offset: 6)) {
            try decode("&AOncAA-")
        }
        // A surrogate pair split over two runs is two lone surrogates (and adjacent runs).
        #expect(throws: ModifiedUTF7Error.loneSurrogate(0xD83D, offset: 3)) {
            try decode("&2D0-&3gA-")
        }
    }

    @Test func rejectsAdjacentRuns() {
        #expect(throws: ModifiedUTF7Error.adjacentRuns(offset: 8)) {
            try decode("&U,BTFw-&ZeVnLIqe-")
        }
        #expect(throws: ModifiedUTF7Error.adjacentRuns(offset: 5)) { try decode("&AOk-&AOk-") }
    }

    @Test func roundTripsRandomStrings() throws {
        var random = SplitMix64(seed: 0x5EED_0F_7E57)
        for _ in 0..<5000 {
            let length = Int(random.next() % 24)
            var scalars = String.UnicodeScalarView()
            for _ in 0..<length { scalars.append(randomScalar(&random)) }
            let name = String(scalars)
            let encoded = ModifiedUTF7.encode(name)
            #expect(encoded.allSatisfy { $0 >= 0x20 && $0 <= 0x7E })
            let decoded = try ModifiedUTF7.decode(encoded)
            #expect(Array(decoded.unicodeScalars) == Array(name.unicodeScalars),
                    "\(Array(name.unicodeScalars.map(\.value)))")
        }
    }

    /// Every byte string that decodes has exactly one spelling: encoding the decoded name gives
    /// back the same bytes.
    @Test func decodedNamesHaveOneSpelling() {
        var random = SplitMix64(seed: 42)
        let alphabet = Array("&-AGOUZaegkz029+,!/ ".utf8)
        var accepted = 0
        for _ in 0..<50_000 {
            let length = Int(random.next() % 12)
            let bytes = (0..<length).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] }
            guard let name = try? ModifiedUTF7.decode(bytes) else { continue }
            accepted += 1
            #expect(ModifiedUTF7.encode(name) == bytes, "\(String(decoding: bytes, as: UTF8.self))")
        }
        #expect(accepted > 1000)
    }

    private func randomScalar(_ random: inout SplitMix64) -> Unicode.Scalar {
        while true {
            let value: UInt32
            switch random.next() % 6 {
            case 0: value = UInt32(0x20 + random.next() % 0x5F)
            case 1: value = [0x26, 0x2D, 0x2B, 0x2C][Int(random.next() % 4)]
            case 2: value = UInt32(random.next() % 0x20) | (random.next() % 8 == 0 ? 0x7F : 0)
            case 3: value = UInt32(0x80 + random.next() % 0x780)
            case 4: value = UInt32(0x800 + random.next() % 0xF800)
            default: value = UInt32(0x10000 + random.next() % 0x100000)
            }
            if let scalar = Unicode.Scalar(value) { return scalar }
        }
    }
}
