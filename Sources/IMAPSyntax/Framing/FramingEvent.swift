public import NIOCore

/// Limits the framer enforces while it cuts the byte stream into commands (RFC 2683 §3.2.1.5,
/// RFC 7888 §4, RFC 7889). They belong to the server's one configuration type.
public struct FramingLimits: Hashable, Sendable {
    /// Longest line (bytes between line starts and CRLF, literals not counted).
    public var maxLineLength: Int
    /// Largest literal inside a command other than APPEND's message (these are buffered).
    public var maxInlineLiteralSize: Int
    /// Largest whole command other than APPEND's messages: lines plus inline literals.
    public var maxCommandSize: Int
    /// A rejected non-synchronizing literal up to this size is read and thrown away so the
    /// session can go on; a larger one ends the connection (RFC 7888 §4 lets us choose).
    public var maxDiscardedLiteralSize: UInt64

    public init(maxLineLength: Int = 64 * 1024, maxInlineLiteralSize: Int = 64 * 1024,
                maxCommandSize: Int = 256 * 1024, maxDiscardedLiteralSize: UInt64 = 64 << 20) {
        self.maxLineLength = maxLineLength
        self.maxInlineLiteralSize = maxInlineLiteralSize
        self.maxCommandSize = maxCommandSize
        self.maxDiscardedLiteralSize = maxDiscardedLiteralSize
    }
}

/// The start of one message literal of an APPEND (RFC 3501 §6.3.11, RFC 3502 MULTIAPPEND):
/// the framer pauses here until the session accepts or rejects it, because a synchronizing
/// literal must only get its `+` once the server is ready for the bytes.
public struct AppendMessageStart: Hashable, Sendable {
    public var tag: Tag
    public var mailbox: MailboxName
    public var options: AppendMessageOptions
    /// The announced octet count.
    public var size: UInt64
    /// `{n}` (the client waits for `+`) rather than `{n+}`.
    public var synchronizing: Bool
    /// `~{n}`: a literal8 (RFC 3516 §4.4), which may hold NUL.
    public var binary: Bool
    /// False for the second and later messages of a MULTIAPPEND.
    public var isFirst: Bool
    /// The message a REPLACE or UID REPLACE replaces (RFC 8508); nil for APPEND.
    public var replacing: ReplaceTarget? = nil
}

/// Why the framer turned a command away without parsing it. The session answers with the
/// command's tag (or `*` if none could be read) and, unless `.fatal`, goes on.
public enum FramingRejection: Hashable, Sendable {
    /// A line longer than `FramingLimits.maxLineLength` (RFC 2683 §3.2.1.5).
    case lineTooLong
    /// An inline literal above `maxInlineLiteralSize` (`[TOOBIG]`, RFC 4469 §5 / RFC 7888).
    case literalTooLarge
    /// Lines plus literals above `maxCommandSize`.
    case commandTooLarge
}

/// What the framer hands to the session, in order. `next()` returns these one at a time so
/// the session can change the framer's mode (IDLE, AUTHENTICATE, STARTTLS) between commands.
public enum FramingEvent: Hashable, Sendable {
    /// A complete, parsed command.
    case command(TaggedCommand)
    /// A complete command that does not parse: answer `tag BAD` (RFC 9051 §7.1.3).
    case invalid(ParseError)
    /// A command turned away by a framing limit.
    case rejected(tag: Tag?, FramingRejection)
    /// A synchronizing inline literal fits: send a `+` continuation (RFC 9051 §7.5).
    case continuationRequest
    /// An APPEND message literal is announced; call `acceptAppendMessage()` (then send `+`
    /// if synchronizing) or `rejectAppendMessage()` (after answering the command).
    case appendMessage(AppendMessageStart)
    /// Bytes of the accepted message, in order, as they arrive.
    case appendBytes(ByteBuffer)
    /// The accepted message is complete.
    case appendMessageEnd
    /// The APPEND command ended (its final CRLF arrived): commit and answer it.
    case appendEnd(tag: Tag)
    /// Something other than CRLF or a next message followed a message literal.
    case appendInvalid(ParseError)
    /// A raw line read in continuation-line mode (AUTHENTICATE responses, IDLE's DONE).
    case continuationLine([UInt8])
    /// The stream cannot be resynchronised: send `* BYE` and close.
    case fatal(FramingRejection)
}
