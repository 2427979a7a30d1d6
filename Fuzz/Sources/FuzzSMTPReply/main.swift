// libFuzzer target: the SMTP client's pure pieces, `SMTPReplyParser` and `DotStuffer`.
//
// What must hold (checked with `precondition`):
// - the parser gives the same replies, or fails, whether the bytes come whole or one at a time;
// - every reply has a code from 200 to 559 and at least one line, and within the limits;
// - dot-stuffing: the stuffed text never holds CRLF "." CRLF before its end, ends with
//   CRLF "." CRLF, and unstuffing it gives the input with every line end as CRLF, however the
//   input is cut into chunks.

import FuzzSupport
import SieveDelivery

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSMTPReply(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = fuzzBytes(data, size)
    checkReplyParser(bytes)
    checkDotStuffing(bytes)
    return 0
}

private func parse(_ pieces: [ArraySlice<UInt8>]) -> [SMTPReply]? {
    var parser = SMTPReplyParser(maximumLineLength: 256, maximumLines: 16)
    var replies: [SMTPReply] = []
    for piece in pieces {
        guard let more = try? parser.feed(piece) else { return nil }
        replies += more
    }
    return replies
}

private func checkReplyParser(_ bytes: [UInt8]) {
    let whole = parse([bytes[...]])
    let byteWise = parse(bytes.indices.map { bytes[$0...$0] })
    precondition(whole == byteWise, "replies depend on how the bytes are cut")
    for reply in whole ?? [] {
        precondition((200...559).contains(reply.code), "reply code out of range")
        precondition(!reply.lines.isEmpty && reply.lines.count <= 16, "reply line count")
    }
}

private func checkDotStuffing(_ bytes: [UInt8]) {
    let cut = bytes.isEmpty ? 0 : Int(bytes[0]) % (bytes.count + 1)
    var stuffer = DotStuffer()
    let stuffed = stuffer.stuff(bytes[..<cut]) + stuffer.stuff(bytes[cut...]) + stuffer.finish()
    let terminator: [UInt8] = [13, 10, 46, 13, 10]
    precondition(stuffed.count >= 3, "missing terminator")
    let body = stuffed.dropLast(3)  // ".\r\n"
    precondition(body.isEmpty || body.suffix(2).elementsEqual([13, 10]), "last line not ended")
    var index = body.startIndex
    var lines: [[UInt8]] = []
    var line: [UInt8] = []
    while index < body.endIndex {
        if body[index] == 10 {
            precondition(line.last == 13, "bare LF in stuffed text")
            lines.append(Array(line.dropLast()))
            line = []
        } else {
            line.append(body[index])
        }
        index += 1
    }
    precondition(line.isEmpty, "stuffed text does not end with a line end")
    for line in lines where line.first == 46 {
        precondition(line.count > 1 && line[1] == 46, "a line starting with a dot was not stuffed")
    }
    precondition(!stuffed.dropLast(1).windowsContain(terminator), "terminator inside the data")
    // Unstuffed, the lines are the input's lines (LF or CRLF ends), the last one ended.
    let unstuffed = lines.map { $0.first == 46 ? Array($0.dropFirst()) : $0 }
    var expected: [[UInt8]] = []
    var current: [UInt8] = []
    for (position, byte) in bytes.enumerated() {
        if byte == 10 {
            if current.last == 13 { current.removeLast() }
            expected.append(current)
            current = []
        } else {
            current.append(byte)
        }
        // A bare CR at the very end is taken as the start of the last line end.
        if position == bytes.count - 1, current.last == 13 { current.removeLast() ; expected.append(current); current = [] }
    }
    if !current.isEmpty { expected.append(current) }
    precondition(unstuffed == expected, "unstuffing does not give the input back")
}

extension Collection where Element == UInt8 {
    fileprivate func windowsContain(_ needle: [UInt8]) -> Bool {
        let array = Array(self)
        guard array.count >= needle.count else { return false }
        return (0...(array.count - needle.count)).contains { array[$0..<($0 + needle.count)].elementsEqual(needle) }
    }
}
