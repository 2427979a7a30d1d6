import MailMessage
import Testing
import TestSupport

@Suite("Stored form of MessageStructure")
struct StructureCodingTests {
    let message = crlf("""
        From: "Jürgen" <j@example.com>, undisclosed-recipients:;
        To: <@r:a@b>
        Subject: =?utf-8?q?caf=C3=A9?=
        Date: Mon, 1 Jan 2024 00:00:00 +0000
        Message-ID: <1@x>
        MIME-Version: 1.0
        Content-Type: multipart/mixed; boundary=b

        --b
        Content-Type: text/plain; charset=utf-8; format=flowed
        Content-Language: en, de

        hello
        --b
        Content-Type: application/pdf; name=x.pdf
        Content-Disposition: attachment; filename*=utf-8''r%C3%A9sum%C3%A9.pdf
        Content-Transfer-Encoding: base64
        Content-ID: <c@x>
        Content-Description: desc
        Content-MD5: md5==
        Content-Location: http://x/

        AAAA
        --b
        Content-Type: message/rfc822

        Subject: inner
        Cc: c@d

        body
        --b--
        """)

    @Test("Encoding then decoding gives the same structure")
    func roundTrip() throws {
        let structure = MessageParser.parse(message)
        let encoded = structure.encoded()
        #expect(try MessageStructure(decoding: encoded) == structure)
        let fromBuffer = try encoded.withUnsafeBytes { try MessageStructure(decoding: $0) }
        #expect(fromBuffer == structure)
    }

    @Test("The stored form is small")
    func compact() {
        let encoded = MessageParser.parse(message).encoded()
        #expect(encoded.count < 400)
        let simple = MessageParser.parse(crlf("Subject: hi\nFrom: a@b\n\nbody\n")).encoded()
        #expect(simple.count < 30)
    }

    @Test("Every truncation of a stored form throws")
    func truncations() {
        let encoded = MessageParser.parse(message).encoded()
        for length in 0..<encoded.count {
            #expect(throws: StructureDecodingError.self) {
                try MessageStructure(decoding: Array(encoded[..<length]))
            }
        }
    }

    @Test("Wrong marker or version, trailing bytes: errors, not traps")
    func badHeaders() {
        var encoded = MessageParser.parse(message).encoded()
        #expect(throws: StructureDecodingError.unsupportedFormat) {
            try MessageStructure(decoding: [0x00] + encoded.dropFirst())
        }
        encoded[1] = 99
        #expect(throws: StructureDecodingError.unsupportedFormat) {
            try MessageStructure(decoding: encoded)
        }
        #expect(throws: StructureDecodingError.self) {
            try MessageStructure(decoding: MessageParser.parse(message).encoded() + [0])
        }
    }

    @Test("Changed bytes either decode to some structure whose ranges fit, or throw")
    func mutations() {
        let encoded = MessageParser.parse(message).encoded()
        var generator = SplitMix64(seed: 7)
        for _ in 0..<20_000 {
            var mutated = encoded
            for _ in 0..<Int(generator.next() % 4 + 1) {
                let index = Int(generator.next() % UInt64(mutated.count))
                mutated[index] = UInt8(truncatingIfNeeded: generator.next())
            }
            if let decoded = try? MessageStructure(decoding: mutated) {
                #expect(Invariants.check(decoded).isEmpty)
            }
        }
    }

    @Test("Deeply nested stored forms are rejected, not recursed into without bound")
    func deepNesting() {
        // marker, version, size 100, empty envelope, then message parts nested 10,000 deep.
        var bytes: [UInt8] = [0x4D, 0x01, 100, 0]
        for _ in 0..<10_000 { bytes += [0, 0, 100, 0, 0x80, 0x20, 0] }
        #expect(throws: StructureDecodingError.self) { try MessageStructure(decoding: bytes) }
    }

    /// Found by Fuzz/FuzzMessageParser: a message/rfc822 part whose embedded message starts
    /// 8 bytes into the part's body decoded without complaint, although no parse gives that.
    @Test("Fuzz finding: an embedded message must start its part's body, the root the message")
    func anchoredParts() throws {
        let found: [UInt8] = [0x4D, 0x01, 0xFF, 0x00, 0x00, 0x0A, 0x00, 0x69, 0x63, 0xA8, 0x26,
                              0x00, 0x00, 0x00, 0x00, 0x00, 0x08, 0x00, 0x00, 0x00, 0x00]
        #expect(throws: StructureDecodingError.self) { try MessageStructure(decoding: found) }

        // size 20, no envelope fields; the root a message/rfc822 part (kind 2: flags 0x80 0x20)
        // holding 20 body bytes, with an empty envelope and an inner part of 10 body bytes
        // that starts `offset` bytes into the root's body.
        func embedded(offset: UInt8) -> [UInt8] {
            [0x4D, 0x01, 20, 0, 0, 0, 20, 0, 0x80, 0x20, 0, offset, 0, 10, 0, 0]
        }
        let anchored = try MessageStructure(decoding: embedded(offset: 0))
        #expect(Invariants.check(anchored).isEmpty)
        #expect(throws: StructureDecodingError.self) { try MessageStructure(decoding: embedded(offset: 2)) }

        // A single-part root: starting at `start`, with `length` body bytes.
        func root(start: UInt8, length: UInt8) -> [UInt8] { [0x4D, 0x01, 20, 0, start, 0, length, 0, 0] }
        #expect(try MessageStructure(decoding: root(start: 0, length: 20)).root.range == 0..<20)
        #expect(throws: StructureDecodingError.self) { try MessageStructure(decoding: root(start: 3, length: 17)) }
        #expect(throws: StructureDecodingError.self) { try MessageStructure(decoding: root(start: 0, length: 10)) }
    }
}

@Suite("Partial decoding of the stored form")
struct PartialDecodingTests {
    let message = crlf("""
        From: a@b
        To: "C" <c@d>, g: e@f;
        Subject: s
        Content-Type: multipart/mixed; boundary=b

        --b
        Content-Type: message/rfc822

        Subject: inner

        x
        --b--
        """)

    @Test("Skipping the envelope keeps the whole part tree, embedded envelopes included")
    func skipEnvelope() throws {
        let structure = MessageParser.parse(message)
        let decoded = try MessageStructure(decoding: structure.encoded(), skippingEnvelope: true)
        #expect(decoded.envelope == Envelope())
        #expect(decoded.root == structure.root)
    }

    @Test("The envelope alone")
    func envelopeOnly() throws {
        let structure = MessageParser.parse(message)
        #expect(try MessageStructure.decodeEnvelope(from: structure.encoded()) == structure.envelope)
        #expect(throws: StructureDecodingError.self) {
            try MessageStructure.decodeEnvelope(from: Array(structure.encoded().prefix(8)))
        }
    }
}
