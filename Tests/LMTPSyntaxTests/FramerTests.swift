import LMTPSyntax
import Testing

@Suite struct FramerTests {
    /// Feeds `input` in pieces of `step` bytes and gathers the events.
    private func events(_ input: String, step: Int, maxLineLength: Int = 64,
                        onLine: (inout LMTPFramer, String) -> Void = { _, _ in }) -> [String] {
        var framer = LMTPFramer(maxLineLength: maxLineLength)
        var out: [String] = []
        var content: [UInt8] = []
        let bytes = Array(input.utf8)
        var index = 0
        while index < bytes.count {
            framer.append(bytes[index..<min(index + step, bytes.count)])
            index += step
            while let event = framer.next() {
                switch event {
                case .line(let line):
                    let text = String(decoding: line, as: UTF8.self)
                    out.append("line:" + text)
                    onLine(&framer, text)
                case .lineTooLong: out.append("too-long")
                case .content(let bytes): content += bytes
                case .contentEnd:
                    out.append("content:" + String(decoding: content, as: UTF8.self))
                    content = []
                }
            }
        }
        return out
    }

    private func startContent(_ framer: inout LMTPFramer, _ line: String) {
        if line == "DATA" { framer.beginData() }
        if line.hasPrefix("BDAT "), let size = UInt64(line.split(separator: " ")[1]) { framer.beginChunk(size: size) }
    }

    @Test(arguments: [1, 2, 3, 5, 7, 1000])
    func dotUnstuffingAcrossChunkBoundaries(step: Int) {
        let input = "DATA\r\nSubject: x\r\n\r\n..leading\r\n.\r\r\nmid.\r\n.x\r\nlast\r\n.\r\nQUIT\r\n"
        #expect(events(input, step: step, onLine: startContent) == [
            "line:DATA", "content:Subject: x\r\n\r\n.leading\r\n\r\r\nmid.\r\nx\r\nlast\r\n", "line:QUIT",
        ])
    }

    @Test(arguments: [1, 4, 1000])
    func emptyMessageAndBareLineFeeds(step: Int) {
        #expect(events("DATA\r\n.\r\nNOOP\r\n", step: step, onLine: startContent) == ["line:DATA", "content:", "line:NOOP"])
        // A bare LF never ends the message (SMTP smuggling): only CRLF.CRLF does.
        #expect(events("DATA\r\na\n.\nb\r\n.\r\n", step: step, onLine: startContent) == ["line:DATA", "content:a\n.\nb\r\n"])
    }

    @Test(arguments: [1, 3, 1000])
    func bdatChunks(step: Int) {
        let input = "BDAT 5\r\nab\r\nBDAT 0\r\nBDAT 3 LAST\r\n.\r\nNOOP\r\n"
        #expect(events(input, step: step, onLine: startContent) == [
            "line:BDAT 5", "content:ab\r\nB", "line:DAT 0", "line:BDAT 3 LAST", "content:.\r\n", "line:NOOP",
        ])
    }

    @Test func bdatZeroEndsAtOnce() {
        #expect(events("BDAT 0 LAST\r\nQUIT\r\n", step: 100, onLine: startContent) == ["line:BDAT 0 LAST", "content:", "line:QUIT"])
    }

    @Test(arguments: [1, 10, 1000])
    func longLinesAreSkippedAndTheSessionGoesOn(step: Int) {
        let long = String(repeating: "x", count: 200)
        #expect(events("NOOP\r\n\(long)\r\nQUIT\r\n", step: step) == ["line:NOOP", "too-long", "line:QUIT"])
        #expect(events(String(repeating: "a", count: 64) + "\r\n", step: step) == ["line:" + String(repeating: "a", count: 64)])
    }

    @Test func unstufferFindsTheTerminatorSplitAnywhere() {
        let message = Array("a\r\n..b\r\n.\r\n".utf8)
        for cut in 0...message.count {
            var unstuffer = DotUnstuffer()
            var out: [UInt8] = []
            let first = message[..<cut].withUnsafeBytes { unstuffer.feed($0, into: &out) }
            var used = first
            if first == nil {
                used = message[cut...].withUnsafeBytes { unstuffer.feed($0, into: &out) }.map { $0 + cut }
            }
            #expect(used == message.count)
            #expect(out == Array("a\r\n.b\r\n".utf8))
        }
    }
}
