import MailCore
import MailStore
import Testing

@Suite("HeaderBoundaryScanner")
struct HeaderBoundaryScannerTests {
    static func scan(_ chunks: [[UInt8]]) -> HeaderBoundaryScanner {
        var scanner = HeaderBoundaryScanner()
        for chunk in chunks { chunk.withUnsafeBytes { scanner.scan($0) } }
        return scanner
    }

    static func headerSize(_ text: String) -> UInt64 {
        let bytes = Array(text.utf8)
        return scan([bytes]).headerSize(total: UInt64(bytes.count))
    }

    @Test func crlfHeaderEndsAfterTheEmptyLine() {
        let header = "Subject: hi\r\nFrom: a@example.org\r\n\r\n"
        #expect(Self.headerSize(header + "Body\r\n") == UInt64(header.utf8.count))
    }

    @Test func bareLFHeaderEndsAfterTheEmptyLine() {
        let header = "Subject: hi\nFrom: a@example.org\n\n"
        #expect(Self.headerSize(header + "Body\n\nMore\n") == UInt64(header.utf8.count))
    }

    @Test func mixedLineEndsAreRecognized() {
        #expect(Self.headerSize("A: 1\r\n\nbody") == 7)
        #expect(Self.headerSize("A: 1\n\r\nbody") == 7)
    }

    @Test func noEmptyLineMeansTheWholeMessage() {
        let message = "Subject: no body\r\nFrom: a@example.org\r\n"
        let scanner = Self.scan([Array(message.utf8)])
        #expect(scanner.headerSize == nil)
        #expect(scanner.headerSize(total: 41) == 41)
    }

    @Test func anEmptyFirstLineIsAnEmptyHeader() {
        #expect(Self.headerSize("\r\nBody") == 2)
        #expect(Self.headerSize("\nBody") == 1)
    }

    @Test func crInsideALineDoesNotEndTheHeader() {
        let header = "A: x\ry\r\nB: \r\r\n\r\n"
        #expect(Self.headerSize(header + "body") == UInt64(header.utf8.count))
    }

    @Test func emptyInputHasNoBoundary() {
        #expect(Self.scan([[]]).headerSize == nil)
        #expect(Self.scan([]).headerSize(total: 0) == 0)
    }

    @Test func laterBytesDoNotMoveTheBoundary() {
        let scanner = Self.scan([Array("A: 1\r\n\r\n".utf8), Array("\r\n\r\nmore\n\n".utf8)])
        #expect(scanner.headerSize == 8)
    }

    /// Every split of the message into two chunks, and into single bytes, gives the same size.
    @Test(arguments: ["Subject: split\r\nTo: b@example.org\r\n\r\nBody line\r\n",
                      "Subject: split\nTo: b@example.org\n\nBody\n",
                      "Subject: only header\r\n"])
    func splitAtEveryPosition(_ message: String) {
        let bytes = Array(message.utf8)
        let expected = Self.scan([bytes]).headerSize
        for split in 0...bytes.count {
            let scanner = Self.scan([Array(bytes[..<split]), Array(bytes[split...])])
            #expect(scanner.headerSize == expected, "split at \(split)")
        }
        #expect(Self.scan(bytes.map { [$0] }).headerSize == expected)
        for first in 0...bytes.count {
            for second in first...bytes.count {
                let chunks = [Array(bytes[..<first]), Array(bytes[first..<second]), Array(bytes[second...])]
                #expect(Self.scan(chunks).headerSize == expected, "splits at \(first), \(second)")
            }
        }
    }
}
