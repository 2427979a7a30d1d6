/// Undoes the transparency of DATA (RFC 5321 §4.5.2) as bytes stream past: a line that starts
/// with `.` loses that dot, and `CRLF.CRLF` ends the message (the first CRLF belongs to it).
/// The terminator is found wherever the chunks split it; only `CRLF` counts as a line end, so
/// that a bare LF can never end a message early (SMTP smuggling).
///
/// Only a leading dot, and a `.CR` after it, are ever held back between calls.
public struct DotUnstuffer: Hashable, Sendable {
    private enum State: Hashable, Sendable {
        /// After CRLF (or at the very start): a dot here is stuffing.
        case lineStart
        case inLine
        case afterCR
        /// A dot at the start of a line, not yet written.
        case dot
        /// `.CR` at the start of a line, not yet written: LF makes it the terminator.
        case dotCR
    }

    private var state = State.lineStart

    public init() {}

    /// Appends the unstuffed content of `bytes` to `out`. Returns the number of bytes of
    /// `bytes` that the message used, terminator included, once the terminator was seen (the
    /// rest is the next command, pipelined); nil if the message goes on.
    public mutating func feed(_ bytes: UnsafeRawBufferPointer, into out: inout [UInt8]) -> Int? {
        var index = 0
        let count = bytes.count
        while index < count {
            let byte = bytes[index]
            switch state {
            case .inLine:
                // Copy up to and including the next CR in one go.
                var end = index
                while end < count && bytes[end] != 13 { end += 1 }
                if end < count {
                    out.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[index...end]))
                    state = .afterCR
                    index = end + 1
                } else {
                    out.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[index..<end]))
                    index = end
                }
            case .afterCR:
                out.append(byte)
                state = byte == 10 ? .lineStart : byte == 13 ? .afterCR : .inLine
                index += 1
            case .lineStart:
                if byte == UInt8(ascii: ".") {
                    state = .dot
                    index += 1
                } else {
                    state = .inLine
                }
            case .dot:
                if byte == 13 {
                    state = .dotCR
                    index += 1
                } else {
                    state = .inLine  // the stuffed dot is dropped; this byte starts the line
                }
            case .dotCR:
                if byte == 10 {
                    state = .lineStart
                    return index + 1
                }
                out.append(13)
                state = .afterCR  // reprocess this byte after the line's CR
            }
        }
        return nil
    }
}
