/// One lexical item of a ManageSieve client line (RFC 5804 §1.2, §4): an atom (command names,
/// numbers, `ACTIVE`) or a string, quoted or literal.
public enum ManageSieveToken: Hashable, Sendable {
    /// `atom = 1*1024ATOM-CHAR`; numbers arrive as atoms of digits.
    case atom([UInt8])
    /// `string = quoted / literal-c2s`: the octets, unquoted and unescaped.
    case string([UInt8])
}

/// One complete client command or SASL response: the tokens of its lines and literals, up to
/// the CRLF that ends it (RFC 5804 §1.1: "a line, or a sequence of octets with a known count
/// followed by a line").
public struct ManageSieveFrame: Hashable, Sendable {
    public var tokens: [ManageSieveToken]

    public init(tokens: [ManageSieveToken]) {
        self.tokens = tokens
    }
}

/// A frame that could not be read; the framer has skipped to the end of it, so the session
/// answers `NO` and goes on (RFC 5804 §2: bad commands get `NO`).
public enum ManageSieveFramingError: Error, Hashable, Sendable {
    /// A byte that starts no token (`(`, `)`, a control character, a bare CR).
    case unexpectedByte(UInt8)
    /// The line, without its literals, is longer than the limit.
    case lineTooLong(limit: Int)
    /// A literal announces more octets than the limit; they were skipped.
    case literalTooLarge(size: UInt64, limit: Int)
    /// A quoted string holds a CR, LF or NUL, or ends the line unclosed.
    case badQuotedString
    /// `{` not followed by `number ["+"] "}" CRLF`.
    case badLiteralHeader
    /// An atom longer than 1024 characters (RFC 5804 §4 `atom`).
    case atomTooLong
}

/// What the framer hands over.
public enum ManageSieveFramerEvent: Hashable, Sendable {
    case frame(ManageSieveFrame)
    case error(ManageSieveFramingError)
}

/// The framer's limits (STYLE.md §5): set by the server from its configuration.
public struct ManageSieveFramingLimits: Hashable, Sendable {
    /// The longest line, literals excluded, in octets.
    public var maximumLineLength: Int
    /// The largest literal accepted, in octets (the largest script, RFC 5804 §1.5).
    public var maximumLiteralSize: Int

    public init(maximumLineLength: Int = 8192, maximumLiteralSize: Int = 1 << 20) {
        self.maximumLineLength = maximumLineLength
        self.maximumLiteralSize = maximumLiteralSize
    }
}
