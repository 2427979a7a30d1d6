import MailMessage
import Testing

@Suite("The generated corpus (../shared/corpus)")
struct CorpusTests {
    @Test("Every message: ranges nest, parts in order, line counts right, round trip exact")
    func invariants() throws {
        let messages = try #require(Corpus.messages, "corpus generator not available")
        #expect(messages.count == Corpus.count)
        for message in messages {
            let structure = MessageParser.parse(message)
            let problems = Invariants.check(structure, message: message)
            #expect(problems.isEmpty, "\(problems)")
            let decoded = try MessageStructure(decoding: structure.encoded())
            #expect(decoded == structure)
        }
    }

    @Test("Text parts decode to valid text; base64 parts decode to whole bytes")
    func decodedText() throws {
        let messages = try #require(Corpus.messages, "corpus generator not available")
        var textParts = 0
        var encodedTextParts = 0
        for message in messages {
            let structure = MessageParser.parse(message)
            for (_, part) in structure.allParts() {
                guard case .single = part.kind else { continue }
                let encoding = part.transferEncoding.lowercased()
                let decoded = message.withUnsafeBytes {
                    MessageText.transferDecodedBody(of: part, in: $0)
                }
                if encoding == "base64" {
                    let alphabet = message[part.bodyRange].filter { $0 > 32 }.count
                    #expect(decoded.count == alphabet / 4 * 3 - padding(message[part.bodyRange]))
                }
                guard part.isText else { continue }
                textParts += 1
                if encoding != "7bit" && encoding != "8bit" { encodedTextParts += 1 }
                let string = message.withUnsafeBytes { MessageText.text(of: part, in: $0) }
                #expect(!string.contains("\u{FFFD}"), "invalid text in a \(encoding) part")
                #expect(!string.isEmpty)
                if encoding == "quoted-printable" {
                    #expect(!string.contains("=\r\n"), "soft line break left in")
                }
            }
        }
        #expect(textParts > Corpus.count)
        #expect(encodedTextParts > 50)
    }

    @Test("Envelopes: every message has From, Date, Message-ID; subjects decode cleanly")
    func envelopes() throws {
        let messages = try #require(Corpus.messages, "corpus generator not available")
        for message in messages {
            let structure = MessageParser.parse(message)
            let envelope = structure.envelope
            #expect(!envelope.from.isEmpty)
            #expect(envelope.from.allSatisfy { $0.host != nil && $0.host != Array("MISSING_DOMAIN".utf8) })
            #expect(envelope.date != nil)
            #expect(envelope.messageID != nil)
            let subject = message.withUnsafeBytes {
                MessageText.headerValues(named: "Subject", in: $0, range: structure.root.headerRange)
            }
            #expect(subject.count == 1)
            #expect(!(subject.first ?? "").contains("=?"), "undecoded word in \(subject)")
            #expect(!(subject.first ?? "").contains("\u{FFFD}"))
        }
    }

    private func padding(_ body: ArraySlice<UInt8>) -> Int {
        let significant = body.filter { $0 > 32 }
        return significant.suffix(2).filter { $0 == UInt8(ascii: "=") }.count
    }
}
