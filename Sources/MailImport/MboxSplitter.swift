/// Splits an mbox file (RFC 4155) into messages as its bytes arrive, holding no more than one
/// header block and one line at a time: a 10 GB file streams through.
///
/// A message starts at a `From ` line that parses as one (`MboxFromLine`: a sender and a
/// date), so that an unquoted "From " in a body does not split it. The empty line before the
/// next `From ` line belongs to the file, not to the message (RFC 4155 §2). Formats:
/// - `mboxrd`: a body line `>From `, `>>From `, ... lost one `>` when written; it is given back;
/// - `mboxo`: body lines are taken as written (`>From ` stays: the quoting cannot be undone);
/// - `mboxcl2`: after the header, exactly `Content-Length:` body bytes are the body, unquoted,
///   whatever they hold; a message without the field is read as `mboxo`.
///
/// Events come in order: `start` (once the header is complete, with what it says), then
/// `content` pieces (the header without the mbox fields, then the body), then `end`. A message
/// cut off by the end of the file (in its header, inside its `Content-Length`, or in the
/// middle of a line) ends with `truncated`.
public struct MboxSplitter: Sendable {
    public enum Format: String, Sendable, CaseIterable {
        case mboxrd, mboxo, mboxcl2
    }

    public enum Event: Hashable, Sendable {
        case start(MboxFromLine, MboxHeader)
        case content([UInt8])
        case end(truncated: Bool)
        /// Bytes before the first `From ` line that are not empty lines: not a message.
        case garbage(byteCount: Int)
    }

    private enum State: Sendable {
        case beforeFirst
        case header(MboxFromLine)
        case body
        /// mboxcl2: this many body bytes are still to come, raw.
        case counted(UInt64)
    }

    public let format: Format
    /// A header longer than this is taken as ended (and the rest as body).
    public let maxHeaderBytes: Int
    private var state = State.beforeFirst
    /// The bytes of an incomplete line.
    private var carry: [UInt8] = []
    private var header: [UInt8] = []
    /// An empty line seen in a body, kept back until it is known not to precede a `From ` line.
    private var heldBlank: [UInt8]?
    private var output: [UInt8] = []
    private var events: [Event] = []
    private var garbage = 0

    public init(format: Format = .mboxrd, maxHeaderBytes: Int = 1 << 20) {
        self.format = format
        self.maxHeaderBytes = maxHeaderBytes
    }

    /// Feeds the next bytes of the file and returns the events they complete.
    public mutating func feed<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> [Event] {
        var input = ArraySlice(bytes)
        while !input.isEmpty {
            if case .counted(let remaining) = state {
                let take = Int(min(remaining, UInt64(input.count)))
                output += input.prefix(take)
                input = input.dropFirst(take)
                state = remaining == UInt64(take) ? .body : .counted(remaining - UInt64(take))
                continue
            }
            guard let newline = input.firstIndex(of: 0x0A) else {
                carry += input
                break
            }
            let end = input.index(after: newline)
            if carry.isEmpty {
                line(Array(input[..<end]))
            } else {
                carry += input[..<end]
                let whole = carry
                carry = []
                line(whole)
            }
            input = input[end...]
        }
        return drain()
    }

    /// Ends the file: the message in progress ends, truncated if it was cut off.
    public mutating func finish() -> [Event] {
        var truncated = !carry.isEmpty
        switch state {
        case .beforeFirst:
            if carry.contains(where: { $0 != 0x0D && $0 != 0x20 && $0 != 0x09 }) { garbage += carry.count }
            carry = []
            flushGarbage()
            return drain()
        case .header(let from):
            header += carry
            carry = []
            beginBody(from, endingLine: [])
            truncated = true
        case .counted:
            truncated = true
        case .body:
            output += carry
            carry = []
        }
        heldBlank = nil
        flushOutput()
        events.append(.end(truncated: truncated))
        state = .beforeFirst
        return drain()
    }

    private mutating func line(_ line: [UInt8]) {
        switch state {
        case .beforeFirst:
            if let from = MboxFromLine.parse(Self.content(of: line)) {
                flushGarbage()
                state = .header(from)
            } else if !Self.isBlank(line) {
                garbage += line.count
            }
        case .header(let from):
            if Self.isBlank(line) {
                beginBody(from, endingLine: line)
            } else {
                header += line
                if header.count > maxHeaderBytes { beginBody(from, endingLine: []) }
            }
        case .body:
            if Self.isBlank(line) {
                if let held = heldBlank { output += held }
                heldBlank = line
                return
            }
            if line.first == 0x46, let from = MboxFromLine.parse(Self.content(of: line)) {
                // The held empty line is the separator's.
                heldBlank = nil
                flushOutput()
                events.append(.end(truncated: false))
                state = .header(from)
                return
            }
            if let held = heldBlank {
                output += held
                heldBlank = nil
            }
            if format == .mboxrd, Self.isQuotedFrom(line) {
                output += line.dropFirst()
            } else {
                output += line
            }
        case .counted:
            preconditionFailure("counted bytes are not read as lines")
        }
    }

    /// The header is complete: announce the message and write the header without its mbox
    /// fields, then the empty line that ended it.
    private mutating func beginBody(_ from: MboxFromLine, endingLine: [UInt8]) {
        let parsed = MboxHeader(parsing: header)
        header = []
        events.append(.start(from, parsed))
        output += parsed.strippedHeader
        output += endingLine
        if format == .mboxcl2, let length = parsed.contentLength, !endingLine.isEmpty {
            state = length > 0 ? .counted(length) : .body
        } else {
            state = .body
        }
    }

    private mutating func flushOutput() {
        guard !output.isEmpty else { return }
        events.append(.content(output))
        output = []
    }

    private mutating func flushGarbage() {
        guard garbage > 0 else { return }
        events.append(.garbage(byteCount: garbage))
        garbage = 0
    }

    private mutating func drain() -> [Event] {
        flushOutput()
        defer { events = [] }
        return events
    }

    /// A line holding nothing but its line end.
    static func isBlank(_ line: [UInt8]) -> Bool {
        line == [0x0A] || line == [0x0D, 0x0A]
    }

    /// The line without its LF or CRLF.
    static func content(of line: [UInt8]) -> ArraySlice<UInt8> {
        var slice = line[...]
        if slice.last == 0x0A { slice = slice.dropLast() }
        if slice.last == 0x0D { slice = slice.dropLast() }
        return slice
    }

    /// `>From `, `>>From `, ...: a body line mboxrd quoted.
    static func isQuotedFrom(_ line: [UInt8]) -> Bool {
        var index = 0
        while index < line.count && line[index] == 0x3E { index += 1 }
        return index > 0 && line[index...].starts(with: MboxFromLine.prefix)
    }
}

/// Converts bare LF line ends to CRLF as bytes stream through (RFC 5322 §2.1, and what
/// Dovecot sends for a Maildir or mbox file written with LF), so that the stored message is
/// byte for byte what the old server's clients fetched and RFC822.SIZE is its `W=` size.
public struct CRLFConverter: Sendable {
    private var lastWasCR = false

    public init() {}

    public mutating func convert<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + bytes.count / 32)
        for byte in bytes {
            if byte == 0x0A && !lastWasCR { out.append(0x0D) }
            out.append(byte)
            lastWasCR = byte == 0x0D
        }
        return out
    }
}
