/// Cuts an LMTP connection's bytes into what the session acts on: command lines (at most
/// `maxLineLength` bytes, RFC 5321 §4.5.3.1.4), the content of DATA (dot-unstuffed) and the
/// chunks of BDAT (exactly the announced size, RFC 3030 §2). Content comes out as it arrives,
/// never gathered whole. The session says when content starts (`beginData`, `beginChunk`)
/// because only it knows whether DATA or BDAT was accepted.
public struct LMTPFramer: Sendable {
    public enum Event: Hashable, Sendable {
        /// A command line without its line end.
        case line([UInt8])
        /// A command line longer than the limit was skipped up to its line end.
        case lineTooLong
        /// Content bytes of the current DATA or BDAT chunk.
        case content([UInt8])
        /// The current DATA (after `CRLF.CRLF`) or BDAT chunk is complete.
        case contentEnd
    }

    private enum Mode: Sendable {
        case commands
        /// Skipping the rest of an over-long line.
        case skippingLine
        case data(DotUnstuffer)
        case chunk(remaining: UInt64)
        /// The content ended; `.contentEnd` is still to be told.
        case endingContent
    }

    public let maxLineLength: Int
    private var buffer: [UInt8] = []
    private var start = 0
    private var mode = Mode.commands

    public init(maxLineLength: Int) {
        self.maxLineLength = maxLineLength
    }

    /// Bytes received and not yet handed out.
    public var bufferedCount: Int { buffer.count - start }

    /// Whether the framer is between commands (not inside DATA or a BDAT chunk).
    public var isReadingCommands: Bool {
        switch mode {
        case .commands, .skippingLine: return true
        default: return false
        }
    }

    public mutating func append<Bytes: Sequence<UInt8>>(_ bytes: Bytes) {
        if start > 0 && start >= buffer.count / 2 {
            buffer.removeSubrange(0..<start)
            start = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// DATA was answered 354: what follows is content up to `CRLF.CRLF`.
    public mutating func beginData() { mode = .data(DotUnstuffer()) }

    /// BDAT was accepted (or is being read to be discarded): `size` bytes of content follow.
    public mutating func beginChunk(size: UInt64) {
        mode = size == 0 ? .endingContent : .chunk(remaining: size)
    }

    /// The next event, or nil when more bytes are needed.
    public mutating func next() -> Event? {
        switch mode {
        case .endingContent:
            mode = .commands
            return .contentEnd
        case .chunk(let remaining):
            guard bufferedCount > 0 else { return nil }
            let take = Int(min(UInt64(bufferedCount), remaining))
            let content = Array(buffer[start..<start + take])
            start += take
            mode = remaining == UInt64(take) ? .endingContent : .chunk(remaining: remaining - UInt64(take))
            return .content(content)
        case .data(var unstuffer):
            guard bufferedCount > 0 else { return nil }
            var content: [UInt8] = []
            content.reserveCapacity(bufferedCount)
            let used = buffer.withUnsafeBytes { unstuffer.feed(UnsafeRawBufferPointer(rebasing: $0[start...]), into: &content) }
            if let used {
                start += used
                mode = .endingContent
            } else {
                start = buffer.count
                mode = .data(unstuffer)
            }
            return content.isEmpty ? next() : .content(content)
        case .skippingLine:
            if let newline = buffer[start...].firstIndex(of: 10) {
                start = newline + 1
                mode = .commands
                return next()
            }
            start = buffer.count
            return nil
        case .commands:
            let limit = min(buffer.count, start + maxLineLength + 2)
            if let newline = buffer[start..<limit].firstIndex(of: 10) {
                var end = newline
                if end > start && buffer[end - 1] == 13 { end -= 1 }
                let line = Array(buffer[start..<end])
                start = newline + 1
                return line.count > maxLineLength ? .lineTooLong : .line(line)
            }
            if bufferedCount > maxLineLength + 1 {
                if let newline = buffer[limit...].firstIndex(of: 10) {
                    start = newline + 1
                } else {
                    mode = .skippingLine
                    start = buffer.count
                }
                return .lineTooLong
            }
            return nil
        }
    }
}
