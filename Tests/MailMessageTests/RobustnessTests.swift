import Foundation
import MailMessage
import Testing
import TestSupport

/// Parsing and decoding must never trap or hang, whatever the input (DESIGN.md: robustness).
@Suite("No crash, no hang")
struct RobustnessTests {
    /// Parses, checks invariants, runs every consumer of the structure over the bytes.
    func exercise(_ message: [UInt8]) {
        let structure = MessageParser.parse(message)
        let problems = Invariants.check(structure, message: message)
        #expect(problems.isEmpty, "\(problems)")
        #expect((try? MessageStructure(decoding: structure.encoded())) == structure)
        message.withUnsafeBytes { buffer in
            MessageText.forEachBodyText(in: buffer, structure: structure,
                                        options: .init(includesNonText: true)) { _ in true }
            _ = MessageText.headerText(in: buffer, range: structure.root.headerRange)
        }
        for (path, _) in structure.allParts().prefix(50) {
            for section in [SectionText.full, .mime, .header, .text] {
                if let range = structure.range(of: path, section) {
                    #expect(range.lowerBound >= 0 && range.upperBound <= message.count)
                }
            }
        }
        _ = HeaderFieldSelection(names: ["subject", "from"], excluding: true)
            .select(from: message, range: structure.root.headerRange)
    }

    @Test("Random bytes")
    func randomBytes() {
        var generator = SplitMix64(seed: 1)
        let alphabet = Array("--b\r\n: ;=\"()<>@,.\\content-type multipart/mixed boundary message/rfc822 =?q?B?".utf8)
        for round in 0..<2_000 {
            let length = Int(generator.next() % 600)
            let message = (0..<length).map { _ -> UInt8 in
                let value = generator.next()
                return round % 2 == 0 ? UInt8(truncatingIfNeeded: value)
                                      : alphabet[Int(value % UInt64(alphabet.count))]
            }
            exercise(message)
        }
    }

    /// Lines that make MIME structure: boundaries that prefix each other, multiparts, digests,
    /// embedded messages, empty lines, header and body lines.
    static let skeletonLines = [
        "Content-Type: multipart/mixed; boundary=a", "Content-Type: multipart/mixed; boundary=b",
        "Content-Type: multipart/digest; boundary=ab", "Content-Type: message/rfc822",
        "Content-Type: multipart/alternative; boundary=\"a\"", "Content-Type: text/plain",
        "--a", "--a--", "--b", "--b--", "--ab", "--ab--", "--abc", "", "", "", "Subject: x",
        " folded", "From: a@b", "text line", "Content-Transfer-Encoding: base64", "aGVsbG8=",
    ]

    @Test("Random MIME skeletons: boundaries, nesting and cut headers in every order")
    func mimeSkeletons() {
        var generator = SplitMix64(seed: 3)
        for _ in 0..<6_000 {
            let count = Int(generator.next() % 40) + 1
            let lineEnd = generator.next() % 4 == 0 ? "\n" : "\r\n"
            var message = ""
            for index in 0..<count {
                message += Self.skeletonLines[Int(generator.next() % UInt64(Self.skeletonLines.count))]
                if index < count - 1 || generator.next() % 2 == 0 { message += lineEnd }
            }
            exercise(Array(message.utf8))
        }
    }

    @Test("Truncations and byte mutations of corpus messages")
    func mutatedCorpus() throws {
        let messages = try #require(Corpus.messages, "corpus generator not available")
        var generator = SplitMix64(seed: 2)
        for message in messages.prefix(120) {
            let cut = Int(generator.next() % UInt64(message.count + 1))
            exercise(Array(message[..<cut]))
            var mutated = message
            for _ in 0..<8 {
                let index = Int(generator.next() % UInt64(mutated.count))
                switch generator.next() % 4 {
                case 0: mutated[index] = UInt8(truncatingIfNeeded: generator.next())
                case 1: mutated.insert(contentsOf: Array("\r\n--".utf8), at: index)
                case 2: mutated.remove(at: index)
                default: mutated[index] = [10, 13, 45, 58][Int(generator.next() % 4)]
                }
            }
            exercise(mutated)
        }
    }

    @Test("1,000 nested multiparts, with CRLF and with bare LF")
    func deepMultiparts() {
        for lineEnd in ["\r\n", "\n"] {
            var message = ""
            for level in 0..<1_000 {
                message += "Content-Type: multipart/mixed; boundary=\"x\(level)\"\(lineEnd)\(lineEnd)--x\(level)\(lineEnd)"
            }
            message += "\(lineEnd)deep\(lineEnd)"
            for level in (0..<1_000).reversed() { message += "--x\(level)--\(lineEnd)" }
            exercise(Array(message.utf8))
        }
    }

    @Test("1,000 nested message/rfc822 parts")
    func deepMessages() {
        let message = String(repeating: "Subject: s\r\nContent-Type: message/rfc822\r\n\r\n", count: 1_000)
            + "Subject: last\r\n\r\nbody\r\n"
        exercise(Array(message.utf8))
    }

    @Test("Tens of thousands of parts and boundary-like lines finish quickly")
    func manyParts() {
        var message = "Content-Type: multipart/mixed; boundary=b\r\n\r\n"
        message += String(repeating: "--b\r\n\r\nx\r\n--bb\r\n--\r\n", count: 20_000)
        let start = ContinuousClock.now
        let structure = MessageParser.parse(Array(message.utf8))
        #expect(structure.root.children.count == MessageParser.maximumParts - 1)
        #expect(ContinuousClock.now - start < .seconds(20))
        exercise(Array(message.utf8))
    }

    @Test("Long lines and huge headers")
    func longLines() {
        let header = "Subject: " + String(repeating: "a", count: 200_000) + "\r\n"
            + String(repeating: "X-Fold: a\r\n b\r\n", count: 5_000)
        exercise(Array((header + "\r\n" + String(repeating: "=", count: 100_000)).utf8))
        let addresses = "To: " + String(repeating: "a@b, \"q\" <c@d>, g: e@f;, ", count: 3_000) + "\r\n\r\n"
        let structure = MessageParser.parse(Array(addresses.utf8))
        #expect(structure.envelope.to.count == 15_000)
    }
}
