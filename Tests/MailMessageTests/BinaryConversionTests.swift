import MailMessage
import Testing
import TestSupport

/// RFC 3516 §4.4 APPEND of binary content: what `BinaryConversion` stores instead.
@Suite("Binary conversion (RFC 3516 §4.4, §6)")
struct BinaryConversionTests {
    /// Converts `message` and checks what every conversion must keep: the converted message
    /// has the same MIME tree, holds no NUL, names no `binary` encoding in a leaf, and each
    /// leaf decodes (BINARY[part]) to the same bytes as the original leaf.
    @discardableResult
    func convertedChecked(_ message: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) throws -> [UInt8] {
        let converted = try #require(BinaryConversion.convert(message), sourceLocation: sourceLocation)
        let before = MessageParser.parse(message)
        let after = MessageParser.parse(converted)
        #expect(!converted.contains(0), "NUL left in the converted message", sourceLocation: sourceLocation)
        let oldParts = before.allParts(), newParts = after.allParts()
        #expect(oldParts.map { $0.path } == newParts.map { $0.path }, "MIME tree changed", sourceLocation: sourceLocation)
        for ((path, old), (_, new)) in zip(oldParts, newParts) {
            #expect(old.mediaType == new.mediaType && old.mediaSubtype == new.mediaSubtype,
                    "type of \(path)", sourceLocation: sourceLocation)
            guard case .single = new.kind else { continue }
            #expect(!isBinary(new.transferEncoding), "\(path) still binary", sourceLocation: sourceLocation)
            #expect(decoded(old, in: message) == decoded(new, in: converted),
                    "BINARY[\(path)] differs", sourceLocation: sourceLocation)
        }
        return converted
    }

    func decoded(_ part: MessagePart, in message: [UInt8]) -> [UInt8] {
        message[part.bodyRange].withUnsafeBytes { TransferDecoder.decode($0, encoding: part.transferEncoding) }
    }

    func isBinary(_ encoding: String) -> Bool { encoding.lowercased() == "binary" }

    @Test("A binary part with NUL becomes base64; everything else is copied (as Dovecot stores it)")
    func binaryPartInMultipart() throws {
        let message = crlf("""
            From: a@example.org
            Subject: bin
            MIME-Version: 1.0
            Content-Type: multipart/mixed; boundary=XX

            preamble
            --XX
            Content-Type: text/plain

            hello
            --XX
            Content-Type: application/octet-stream
            Content-Transfer-Encoding: binary

            ab\u{0}cd
            ef\u{0}\u{1}\u{2}
            --XX--
            epilogue

            """)
        let converted = try convertedChecked(message)
        // Dovecot 2.3.19 stores exactly these bytes for the same APPEND.
        #expect(text(converted) == text(crlf("""
            From: a@example.org
            Subject: bin
            MIME-Version: 1.0
            Content-Type: multipart/mixed; boundary=XX

            preamble
            --XX
            Content-Type: text/plain

            hello
            --XX
            Content-Type: application/octet-stream
            Content-Transfer-Encoding: base64

            YWIAY2QNCmVmAAEC
            --XX--
            epilogue

            """)))
    }

    @Test("A single-part message: the trailing line break is part of the encoded body")
    func singlePart() throws {
        let message = crlf("Subject: s\nContent-Type: text/plain\nContent-Transfer-Encoding: binary\n\nhello there\u{0} world\nsecond line\n")
        let converted = try convertedChecked(message)
        #expect(text(converted) == text(crlf("Subject: s\nContent-Type: text/plain\nContent-Transfer-Encoding: base64\n\n"))
                + "aGVsbG8gdGhlcmUAIHdvcmxkDQpzZWNvbmQgbGluZQ0K")
        let structure = MessageParser.parse(converted)
        #expect(structure.root.transferEncoding == "base64")
        #expect(structure.root.bodyLines == 0)
    }

    @Test("Binary without NUL is converted too; NUL in a 7bit, 8bit or unlabelled part as well")
    func whatIsConverted() throws {
        let binary = crlf("Subject: x\nContent-Type: application/x\nContent-Transfer-Encoding: BINARY\n\nhe\u{FF}llo\n")
        #expect(text(try convertedChecked(binary)).contains("Content-Transfer-Encoding: base64\r\n\r\naGXDv2xsbw0K"))
        // Without MIME-Version or Content-Type a message header's encoding does not count
        // (RFC 2045 §4): MIME-Version is added so that the new one does.
        let eightBit = crlf("Subject: x\nContent-Transfer-Encoding: 8bit\n\na\u{0}b\n")
        #expect(text(try convertedChecked(eightBit))
                .hasSuffix("Content-Transfer-Encoding: base64\r\nMIME-Version: 1.0\r\n\r\nYQBiDQo="))
        // No field: one is added at the end of the header.
        let unlabelled = crlf("Subject: x\nX-Other: 1\n\na\u{0}b")
        #expect(text(try convertedChecked(unlabelled))
                == text(crlf("Subject: x\nX-Other: 1\nMIME-Version: 1.0\nContent-Transfer-Encoding: base64\n\n")) + "YQBi")
        let typed = crlf("Subject: x\nContent-Type: application/x\n\na\u{0}b")
        #expect(text(try convertedChecked(typed))
                == text(crlf("Subject: x\nContent-Type: application/x\nContent-Transfer-Encoding: base64\n\n")) + "YQBi")
        // A part with an empty header.
        let emptyHeader = crlf("Content-Type: multipart/mixed; boundary=b\n\n--b\n\na\u{0}c\n--b--\n")
        #expect(text(try convertedChecked(emptyHeader)).contains("--b\r\nContent-Transfer-Encoding: base64\r\n\r\nYQBj\r\n--b--"))
    }

    @Test("Nothing to do: 7bit, 8bit without NUL, base64 and quoted-printable parts stay as they are")
    func unchanged() throws {
        let message = crlf("""
            Content-Type: multipart/mixed; boundary=b

            --b
            Content-Type: text/plain; charset=utf-8
            Content-Transfer-Encoding: 8bit

            Grüße
            --b
            Content-Type: application/pdf
            Content-Transfer-Encoding: base64

            JVBERi0xLjQK
            --b--

            """)
        #expect(BinaryConversion.convert(message) == message)
        message.withUnsafeBytes { buffer in
            #expect(BinaryConversion.plan(for: MessageParser.parse(buffer), in: buffer) == .unchanged)
        }
    }

    @Test("A part already in base64 next to a converted one is left alone")
    func besideBase64() throws {
        let message = crlf("""
            Content-Type: multipart/mixed; boundary=b

            --b
            Content-Type: application/x
            Content-Transfer-Encoding: base64

            AAE=
            --b
            Content-Type: application/x
            Content-Transfer-Encoding: binary

            \u{0}\u{1}
            --b--

            """)
        let converted = try convertedChecked(message)
        #expect(text(converted).components(separatedBy: "AAE=").count == 3)
    }

    @Test("Nested multiparts and message/rfc822 parts: the leaves inside are converted")
    func nested() throws {
        let message = crlf("""
            From: a@example.org
            Content-Type: multipart/mixed; boundary=outer

            --outer
            Content-Type: multipart/alternative; boundary=inner

            --inner
            Content-Type: text/plain
            Content-Transfer-Encoding: binary

            one\u{0}
            --inner
            Content-Type: text/html

            <p>two</p>
            --inner--
            --outer
            Content-Type: message/rfc822

            From: b@example.org
            Subject: inner
            Content-Type: multipart/mixed; boundary=deep

            --deep
            Content-Type: image/png
            Content-Transfer-Encoding: binary

            \u{89}PNG\u{0}\u{0}
            --deep--
            --outer
            Content-Type: message/rfc822

            Subject: single
            Content-Transfer-Encoding: binary

            x\u{0}y
            --outer--

            """)
        let converted = try convertedChecked(message)
        let structure = MessageParser.parse(converted)
        let encodings = structure.allParts().filter { if case .single = $0.part.kind { true } else { false } }
            .map { "\($0.path.map(String.init).joined(separator: ".")) \($0.part.transferEncoding)" }
        #expect(encodings == ["1.1 base64", "1.2 7bit", "2.1 base64", "3.1 base64"])
        #expect(structure.envelope.from.first?.host.map(text) == "example.org")
    }

    @Test("Bare LF messages: base64 lines end as the part's header lines end")
    func bareLineFeeds() throws {
        let body = [UInt8](repeating: 0, count: 100) + Array("\nend".utf8)
        let message = Array("Subject: x\nMIME-Version: 1.0\nContent-Transfer-Encoding: binary\n\n".utf8) + body
        let converted = try convertedChecked(message)
        let header = Array("Subject: x\nMIME-Version: 1.0\nContent-Transfer-Encoding: base64\n\n".utf8)
        #expect(Array(converted.prefix(header.count)) == header)
        let encoded = Array(converted[header.count...])
        #expect(!encoded.contains(13))
        #expect(text(encoded).split(separator: "\n").map(\.count) == [76, 64])
    }

    @Test("Folded fields, comments and repeated fields all say base64 afterwards")
    func fieldForms() throws {
        let message = crlf("""
            Content-Type: multipart/mixed; boundary=b

            --b
            Content-Type: application/x
            content-transfer-encoding:
              Binary (raw bytes)
            X-After: 1
            Content-Transfer-Encoding: 7bit

            \u{0}
            --b--

            """)
        let converted = text(try convertedChecked(message))
        #expect(converted.contains("content-transfer-encoding: base64\r\nX-After: 1\r\nContent-Transfer-Encoding: base64\r\n\r\nAA==\r\n"))
    }

    @Test("NUL where no re-encoding can carry it refuses the message, at its offset")
    func refusals() {
        func outcome(_ message: [UInt8]) -> BinaryConversion.Outcome {
            message.withUnsafeBytes { BinaryConversion.plan(for: MessageParser.parse($0), in: $0) }
        }
        #expect(outcome(crlf("Subject: a\u{0}b\n\nbody\n")) == .refused(offset: 10))
        let preamble = crlf("Content-Type: multipart/mixed; boundary=b\n\npre\u{0}\n--b\n\nx\n--b--\n")
        #expect(outcome(preamble) == .refused(offset: 48))
        let epilogue = crlf("Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Transfer-Encoding: binary\n\n\u{0}\n--b--\nafter\u{0}\n")
        #expect(outcome(epilogue) == .refused(offset: epilogue.count - 3))
        let mime = "MIME-Version: 1.0\n"  // 19 bytes with CRLF
        let base64 = crlf(mime + "Content-Transfer-Encoding: base64\n\nYWJj\u{0}ZGVm\n")
        #expect(outcome(base64) == .refused(offset: 19 + 41))
        let quoted = crlf(mime + "Content-Transfer-Encoding: quoted-printable\n\na\u{0}\n")
        #expect(outcome(quoted) == .refused(offset: 19 + 48))
        let unknown = crlf(mime + "Content-Transfer-Encoding: x-uuencode\n\na\u{0}\n")
        #expect(outcome(unknown) == .refused(offset: 19 + 42))
        let embeddedHeader = crlf("Content-Type: message/rfc822\n\nSubject: \u{0}\n\nbody\n")
        #expect(outcome(embeddedHeader) == .refused(offset: 41))
        #expect(BinaryConversion.convert(base64) == nil)
    }

    @Test("Large parts: many lines, the sizes the plan announced, any piece size")
    func largeParts() throws {
        var generator = SplitMix64(seed: 7)
        let payload = (0..<300_001).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
        let message = crlf("Subject: big\nContent-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: application/octet-stream\nContent-Transfer-Encoding: binary\n\n")
            + payload + crlf("\n--b\nContent-Type: text/plain\n\nafter\n--b--\n")
        let converted = try convertedChecked(message)
        let structure = MessageParser.parse(converted)
        let part = try #require(structure.part(at: [1]))
        #expect(part.bodyLines == (payload.count + 56) / 57 - 1)
        try message.withUnsafeBytes { buffer in
            guard case .converted(let plan) = BinaryConversion.plan(for: MessageParser.parse(buffer), in: buffer) else {
                Issue.record("not converted")
                return
            }
            #expect(plan.convertedSize == converted.count)
            for piece in [1, 1000, 65_536] {
                var converter = BinaryConverter(plan: plan)
                var output: [UInt8] = []
                while let chunk = converter.next(from: buffer, maximumCount: piece) {
                    #expect(chunk.count <= max(piece, 57) + 80)
                    output += chunk
                }
                try #require(output == converted, "piece size \(piece)")
            }
        }
    }

    @Test("Random bytes and corpus messages with NUL sprinkled in: never a crash, always a sound result")
    func robustness() throws {
        var generator = SplitMix64(seed: 11)
        let skeleton = ["Content-Type: multipart/mixed; boundary=a", "Content-Type: message/rfc822",
                        "Content-Transfer-Encoding: binary", "Content-Transfer-Encoding: base64", "--a", "--a--",
                        "", "", "text", "\u{0}\u{1}", "Subject: x"]
        for _ in 0..<3_000 {
            let count = Int(generator.next() % 30) + 1
            let lineEnd = generator.next() % 3 == 0 ? "\n" : "\r\n"
            let message = Array((0..<count).map { _ in skeleton[Int(generator.next() % UInt64(skeleton.count))] }
                .joined(separator: lineEnd).utf8)
            if let converted = BinaryConversion.convert(message), converted != message {
                try convertedChecked(message)
            }
        }
        for message in (Corpus.messages ?? []).prefix(60) {
            var mutated = message
            for _ in 0..<3 { mutated[Int(generator.next() % UInt64(mutated.count))] = 0 }
            if let converted = BinaryConversion.convert(mutated), converted != mutated {
                try convertedChecked(mutated)
            }
        }
    }
}
