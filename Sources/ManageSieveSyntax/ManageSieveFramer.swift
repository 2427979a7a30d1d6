/// Splits the client's byte stream into frames (`ManageSieveFrame`), incrementally: bytes may
/// arrive split anywhere, and each byte is looked at once.
///
/// Strings come quoted (`"..."` with `\"` and `\\`, RFC 5804 §4 `quoted`) or as literals.
/// A literal is `{n+}` CRLF and n octets (`literal-c2s`, the non-synchronizing form that RFC
/// 5804 allows from clients); `{n}` is accepted the same way, with no continuation request
/// (ManageSieve has none), as Dovecot and Cyrus accept it.
///
/// Errors never lose the framing: after one, the framer skips to the end of the line (and
/// over the octets of a literal too large to take), then reports `.error`, so the session
/// answers `NO` and reads the next command. Memory is bounded by the limits: a line longer
/// than `maximumLineLength` or a literal larger than `maximumLiteralSize` is skipped, not kept.
public struct ManageSieveFramer: Sendable {
    private enum State: Sendable {
        /// Between tokens, or at the start of a line.
        case between
        case atom
        case quoted(escaped: Bool)
        /// After `{`: digits, then an optional `+`, then `}`.
        case literalHeader(size: UInt64, digits: Int, plus: Bool)
        /// After `}`: expecting CR then LF (`afterCR`).
        case literalHeaderEnd(size: UInt64, afterCR: Bool)
        /// Inside a literal's octets.
        case literal(remaining: Int)
        /// A CR was read outside a string: the frame ends with LF.
        case lineEnd
        /// After an error: skipping `remaining` literal octets, then to the LF.
        case skipping(ManageSieveFramingError, literalRemaining: UInt64)
    }

    /// May change between frames (the literal limit grows at login).
    public var limits: ManageSieveFramingLimits
    private var state = State.between
    private var tokens: [ManageSieveToken] = []
    private var current: [UInt8] = []
    /// Octets of the current line outside literals.
    private var lineLength = 0

    public init(limits: ManageSieveFramingLimits = ManageSieveFramingLimits()) {
        self.limits = limits
    }

    /// Whether a frame has begun and is not complete (for the server's command timer).
    public var isInsideFrame: Bool {
        if case .between = state { return !tokens.isEmpty || lineLength > 0 }
        return true
    }

    /// Feeds bytes; returns the frames and errors they complete, in order.
    public mutating func feed(_ bytes: [UInt8]) -> [ManageSieveFramerEvent] {
        var events: [ManageSieveFramerEvent] = []
        var rest = bytes[...]
        while !rest.isEmpty {
            let (event, consumed) = next(in: rest)
            rest = rest.dropFirst(consumed)
            if let event { events.append(event) }
        }
        return events
    }

    /// Reads `bytes` up to the end of the first frame or error they complete: the event (nil
    /// if all of them were consumed without completing one) and how many bytes were used. The
    /// caller keeps the rest for the next call, so that a limit changed by that event (a
    /// login raises the literal limit) applies to the commands that follow it.
    public mutating func next(in bytes: ArraySlice<UInt8>) -> (event: ManageSieveFramerEvent?, consumed: Int) {
        var index = bytes.startIndex
        while index != bytes.endIndex {
            if case .literal(let remaining) = state {
                // Literal octets are copied in bulk, never scanned.
                let take = min(remaining, bytes.endIndex - index)
                current.append(contentsOf: bytes[index..<index + take])
                index += take
                if take == remaining {
                    tokens.append(.string(current))
                    current = []
                    state = .between
                } else {
                    state = .literal(remaining: remaining - take)
                }
                continue
            }
            if case .skipping(let error, let literalRemaining) = state, literalRemaining > 0 {
                let take = min(literalRemaining, UInt64(bytes.endIndex - index))
                index += Int(take)
                state = .skipping(error, literalRemaining: literalRemaining - take)
                continue
            }
            let event = step(bytes[index])
            index += 1
            if let event { return (event, index - bytes.startIndex) }
        }
        return (nil, index - bytes.startIndex)
    }

    /// Forgets any partial frame: after a new layer (TLS) is put in place, nothing read
    /// before it may count (RFC 5804 §2.2, RFC 2595 §3.1).
    public mutating func discardPending() {
        reset()
    }

    /// One byte outside literal octets.
    private mutating func step(_ byte: UInt8) -> ManageSieveFramerEvent? {
        if case .skipping(let error, _) = state {
            if byte == lf {
                reset()
                return .error(error)
            }
            return nil
        }
        lineLength += 1
        if lineLength > limits.maximumLineLength {
            return fail(.lineTooLong(limit: limits.maximumLineLength), byte: byte)
        }
        switch state {
        case .between:
            return startToken(byte)
        case .atom:
            if Self.isAtomChar(byte) {
                guard current.count < 1024 else { return fail(.atomTooLong, byte: byte) }
                current.append(byte)
                return nil
            }
            tokens.append(.atom(current))
            current = []
            state = .between
            return startToken(byte)
        case .quoted(let escaped):
            if byte == cr || byte == lf || byte == 0 { return fail(.badQuotedString, byte: byte) }
            if escaped {
                guard byte == quote || byte == backslash else { return fail(.badQuotedString, byte: byte) }
                current.append(byte)
                state = .quoted(escaped: false)
            } else if byte == backslash {
                state = .quoted(escaped: true)
            } else if byte == quote {
                tokens.append(.string(current))
                current = []
                state = .between
            } else {
                current.append(byte)
            }
            return nil
        case .literalHeader(let size, let digits, let plus):
            if !plus, byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
                // number = (NZDIGIT *DIGIT) / "0", below 2^32 (RFC 5804 §4).
                if digits == 1 && size == 0 { return fail(.badLiteralHeader, byte: byte) }
                let grown = size * 10 + UInt64(byte - UInt8(ascii: "0"))
                guard grown < (1 << 32) else { return fail(.badLiteralHeader, byte: byte) }
                state = .literalHeader(size: grown, digits: digits + 1, plus: false)
            } else if !plus, byte == UInt8(ascii: "+"), digits > 0 {
                state = .literalHeader(size: size, digits: digits, plus: true)
            } else if byte == UInt8(ascii: "}"), digits > 0 {
                state = .literalHeaderEnd(size: size, afterCR: false)
            } else {
                return fail(.badLiteralHeader, byte: byte)
            }
            return nil
        case .literalHeaderEnd(let size, let afterCR):
            if !afterCR, byte == cr {
                state = .literalHeaderEnd(size: size, afterCR: true)
                return nil
            }
            guard afterCR, byte == lf else { return fail(.badLiteralHeader, byte: byte) }
            guard size <= UInt64(limits.maximumLiteralSize) else {
                let error = ManageSieveFramingError.literalTooLarge(size: size, limit: limits.maximumLiteralSize)
                discardFrame()
                state = .skipping(error, literalRemaining: size)
                return nil
            }
            if size == 0 {
                tokens.append(.string([]))
                state = .between
            } else {
                current.reserveCapacity(Int(size))
                state = .literal(remaining: Int(size))
            }
            return nil
        case .lineEnd:
            guard byte == lf else { return fail(.unexpectedByte(cr), byte: byte) }
            let frame = ManageSieveFrame(tokens: tokens)
            reset()
            return .frame(frame)
        case .literal, .skipping:
            return nil  // handled in feed
        }
    }

    /// The first byte of a token, a separator, or the line end.
    private mutating func startToken(_ byte: UInt8) -> ManageSieveFramerEvent? {
        switch byte {
        case sp:
            return nil
        case cr:
            state = .lineEnd
        case lf:
            // A bare LF ends the line too: lenient, as most servers are.
            let frame = ManageSieveFrame(tokens: tokens)
            reset()
            return .frame(frame)
        case quote:
            state = .quoted(escaped: false)
        case UInt8(ascii: "{"):
            state = .literalHeader(size: 0, digits: 0, plus: false)
        default:
            guard Self.isAtomChar(byte) else { return fail(.unexpectedByte(byte), byte: byte) }
            current = [byte]
            state = .atom
        }
        return nil
    }

    /// Drops the frame and skips to the end of the line; a LF ends the skip at once.
    private mutating func fail(_ error: ManageSieveFramingError, byte: UInt8) -> ManageSieveFramerEvent? {
        discardFrame()
        if byte == lf {
            reset()
            return .error(error)
        }
        state = .skipping(error, literalRemaining: 0)
        return nil
    }

    private mutating func discardFrame() {
        tokens = []
        current = []
    }

    private mutating func reset() {
        discardFrame()
        lineLength = 0
        state = .between
    }

    /// `ATOM-CHAR = "!" / %x23-27 / %x2A-5B / %x5D-7A / %x7C-7E` (RFC 5804 §4).
    static func isAtomChar(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x21, 0x23...0x27, 0x2A...0x5B, 0x5D...0x7A, 0x7C...0x7E: return true
        default: return false
        }
    }
}

private let cr = UInt8(ascii: "\r")
private let lf = UInt8(ascii: "\n")
private let sp = UInt8(ascii: " ")
private let quote = UInt8(ascii: "\"")
private let backslash = UInt8(ascii: "\\")
