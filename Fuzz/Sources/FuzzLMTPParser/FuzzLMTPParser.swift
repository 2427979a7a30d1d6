// libFuzzer target: LMTPSyntax as an LMTP session drives it: the framer cuts the stream into
// command lines, DATA content (dot-unstuffed) and BDAT chunks; every line goes through the
// command parser; every reply is encoded.
//
// Input layout (FuzzSupport.SectionedInput): a config byte choosing the line limit, chunk-size
// bytes, then the client's byte stream, fed in chunks of those sizes.
//
// Checked with `precondition`, so a violation is reported as a crash:
// - a line handed out is never longer than the limit and holds no LF;
// - an encoded reply is lines of `ddd[ -]text` each ending in CRLF, with no other CR or LF;
// - DATA ends exactly at CRLF.CRLF, and its content is what the client sent before it with
//   the first dot of every line removed (a simple reference unstuffer over the whole data);
//   BDAT content is exactly the announced size;
// - memory stays bounded: between commands the framer holds at most one line;
// - the events do not depend on the chunking: the stream fed whole gives the same events.

import FuzzSupport
import LMTPSyntax

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzLMTP(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = SectionedInput(fuzzBytes(data, size))
    let limit = [4096, 8, 40, 512][Int(input.config & 3)]
    var chunked = Run(maxLineLength: limit)
    chunked.feed(input.data, chunkSizes: input.chunks)
    if !input.chunks.isEmpty {
        var whole = Run(maxLineLength: limit)
        whole.feed(input.data, chunkSizes: ControlBytes([]))
        precondition(chunked.events == whole.events, "events depend on how the stream was split")
    }
    return 0
}

private struct Run {
    var framer: LMTPFramer
    var events: [String] = []
    var content: [UInt8] = []
    /// The size of the BDAT chunk being read; nil for DATA.
    var chunkSize: UInt64?
    let maxLineLength: Int
    /// Every byte fed so far, and where the current DATA's content began in it.
    var stream: [UInt8] = []
    var dataStart = 0

    init(maxLineLength: Int) {
        self.maxLineLength = maxLineLength
        framer = LMTPFramer(maxLineLength: maxLineLength)
    }

    mutating func feed(_ data: ArraySlice<UInt8>, chunkSizes: ControlBytes) {
        var sizes = chunkSizes
        var index = data.startIndex
        while index < data.endIndex {
            let step = max(1, Int(sizes.next(or: 255)))
            let end = min(data.endIndex, index + step)
            framer.append(data[index..<end])
            stream += data[index..<end]
            index = end
            drain()
        }
    }

    mutating func drain() {
        while let event = framer.next() {
            switch event {
            case .line(let line):
                precondition(line.count <= maxLineLength && !line.contains(10), "line over the limit or holding LF")
                handle(line)
            case .lineTooLong:
                events.append("too-long")
                check(LMTPSyntaxError.lineTooLong.reply)
            case .content(let bytes):
                content += bytes
            case .contentEnd:
                if let chunkSize {
                    precondition(UInt64(content.count) == chunkSize, "BDAT chunk of the wrong size")
                } else {
                    let raw = Array(stream[dataStart..<(stream.count - framer.bufferedCount)])
                    precondition(raw.suffix(3) == Array(".\r\n".utf8) && (raw.count == 3 || raw.suffix(5) == Array("\r\n.\r\n".utf8)),
                                 "DATA ended elsewhere than at CRLF.CRLF")
                    precondition(unstuffed(raw.dropLast(3)) == content, "DATA content is not the stream unstuffed")
                }
                events.append("content \(content.count) \(content.reduce(UInt64(14695981039346656037)) { ($0 ^ UInt64($1)) &* 1099511628211 })")
                content = []
            }
        }
        if framer.isReadingCommands {
            precondition(framer.bufferedCount <= maxLineLength + 2, "the framer holds more than a line")
        }
    }

    mutating func handle(_ line: [UInt8]) {
        switch LMTPCommandParser.parse(line) {
        case .failure(let error):
            events.append("error \(error)")
            check(error.reply)
        case .success(let command):
            events.append(String(describing: command))
            switch command {
            case .data:
                chunkSize = nil
                dataStart = stream.count - framer.bufferedCount
                framer.beginData()
            case .bdat(let size, _):
                let bounded = min(size, 100_000)
                chunkSize = bounded
                framer.beginChunk(size: bounded)
            case .vrfy(let text), .lhlo(let text), .rcptTo(let text), .mailFrom(let text, _):
                check(LMTPReply(250, "2.0.0", "<\(text)> OK"))
            default: break
            }
        }
    }

    func check(_ reply: LMTPReply) {
        let encoded = reply.encoded
        precondition(encoded.count >= 6 && encoded.suffix(2) == [13, 10], "reply not ended by CRLF")
        var lines = 0
        var lineStart = 0
        for (index, byte) in encoded.enumerated() where byte == 10 {
            precondition(index > 0 && encoded[index - 1] == 13, "bare LF in a reply")
            let line = encoded[lineStart..<index - 1]
            precondition(!line.contains(13) && line.count >= 4, "CR inside a reply line")
            lineStart = index + 1
            lines += 1
        }
        precondition(lines == reply.lines.count, "a reply line was split")
    }

    /// RFC 5321 §4.5.2 transparency undone the simple way: the first dot of every line (lines
    /// end at CRLF) is dropped.
    func unstuffed(_ raw: ArraySlice<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        var lineStart = true
        var previous: UInt8 = 0
        for byte in raw {
            if !(lineStart && byte == UInt8(ascii: ".")) { out.append(byte) }
            lineStart = byte == 10 && previous == 13
            previous = byte
        }
        return out
    }
}
