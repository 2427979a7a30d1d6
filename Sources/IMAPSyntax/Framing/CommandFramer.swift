public import NIOCore

/// Cuts the client's byte stream into commands (RFC 9051 §2.2, §4.3; RFC 7888).
///
/// The incremental contract:
/// - `feed(_:)` adds bytes as they arrive, split anywhere; `next()` returns the next event, or
///   nil when it needs more bytes (or waits for a decision). Waiting consumes nothing, and no
///   byte is scanned twice: the search for a line end resumes where it stopped.
/// - A line that ends with a literal marker (`{n}`, `{n+}`, or `~{n}`) continues after `n`
///   bytes (RFC 7888 §3). Literals of ordinary commands are buffered within the limits; an
///   APPEND message literal is never buffered: its bytes come out as `.appendBytes` chunks.
/// - A synchronizing literal gets its `+` only when the session is ready: the framer emits
///   `.continuationRequest`, or for APPEND pauses at `.appendMessage` for a decision.
/// - Errors inside a command give `.invalid`/`.rejected` and the framer resynchronises at the
///   next command, skipping the rest of the command (and any non-synchronizing literals in
///   it). Only an oversized non-synchronizing literal that cannot be skipped is `.fatal`.
public struct CommandFramer: Sendable {
    public var limits: FramingLimits
    public var parserLimits: ParserLimits

    private var input = ByteBuffer()
    /// Bytes of the current line already searched for LF, counted from the reader index.
    private var scanned = 0
    /// The command so far: earlier lines and inline literals, or, in an APPEND after a message
    /// literal, the bytes of the current line.
    private var command: [UInt8] = []
    private var state = State.command
    /// The tag and mailbox of the APPEND (or REPLACE, which takes one message) in progress.
    private var append: (tag: Tag, mailbox: MailboxName, replacing: Bool)?
    /// The last bytes of a line being skipped, to find a literal marker at its end.
    private var skippedTail: [UInt8] = []

    private enum State: Sendable {
        /// Reading the lines of a command.
        case command
        /// Copying the remaining bytes of an inline literal into `command`.
        case inlineLiteral(remaining: Int)
        /// Paused at an APPEND message until `acceptAppendMessage`/`rejectAppendMessage`.
        case awaitingDecision(AppendMessageStart)
        /// Streaming an accepted message literal.
        case appendLiteral(remaining: UInt64)
        /// The message literal ended; `.appendMessageEnd` is due.
        case appendLiteralDone
        /// Reading what follows a message literal: CRLF or the next message's options.
        case afterAppendMessage
        /// Reading one raw line for the session.
        case continuationLine
        /// Discarding a rejected literal, then the rest of its command.
        case skipLiteral(remaining: UInt64)
        /// Discarding up to the end of the current line (and literals announced at its end).
        case skipLine
        /// A rejected literal was too large to skip: `.fatal` is due.
        case fatalPending
        /// The stream could not be resynchronised.
        case failed
    }

    public init(limits: FramingLimits = FramingLimits(), parserLimits: ParserLimits = ParserLimits()) {
        self.limits = limits
        self.parserLimits = parserLimits
    }

    /// Adds received bytes.
    public mutating func feed(_ bytes: ByteBuffer) {
        if input.readableBytes == 0 {
            input = bytes
            scanned = 0
        } else {
            var bytes = bytes
            input.writeBuffer(&bytes)
        }
    }

    /// Bytes received but not yet consumed by an event.
    public var bufferedByteCount: Int { input.readableBytes }

    /// Whether the framer is between commands, with no partial command pending.
    public var isIdle: Bool {
        if case .command = state, command.isEmpty { return true }
        return false
    }

    /// Whether a command has begun and is not complete: bytes of an unfinished line are
    /// buffered, or a literal is being read or skipped. Between commands, and while waiting for
    /// a continuation line that has not begun (IDLE's DONE), it is false.
    public var isInsideCommand: Bool {
        if input.readableBytes > 0 || !command.isEmpty { return true }
        switch state {
        case .command, .continuationLine, .failed: return false
        case .inlineLiteral, .awaitingDecision, .appendLiteral, .appendLiteralDone, .afterAppendMessage,
             .skipLiteral, .skipLine, .fatalPending:
            return true
        }
    }

    /// Drops every byte received so far: after STARTTLS, bytes sent before the handshake must
    /// not be read as commands (RFC 2595 §3.1; the STARTTLS injection attack).
    public mutating func discardBufferedInput() {
        input.clear()
        scanned = 0
        command.removeAll()
        state = .command
    }

    /// Makes the next complete line a `.continuationLine` (AUTHENTICATE, IDLE's DONE).
    public mutating func expectContinuationLine() {
        precondition(isIdle, "a continuation line is only expected between commands")
        state = .continuationLine
    }

    /// Accepts the announced APPEND message: its bytes follow as `.appendBytes`.
    public mutating func acceptAppendMessage() {
        guard case .awaitingDecision(let start) = state else {
            preconditionFailure("no APPEND message is waiting for a decision")
        }
        state = .appendLiteral(remaining: start.size)
    }

    /// Rejects the announced APPEND message after the session answered the command: the rest
    /// of the command is skipped (a non-synchronizing literal's bytes still arrive).
    public mutating func rejectAppendMessage() {
        guard case .awaitingDecision(let start) = state else {
            preconditionFailure("no APPEND message is waiting for a decision")
        }
        append = nil
        let marker = LiteralMarker(start: 0, size: start.size, synchronizing: start.synchronizing,
                                   binary: start.binary)
        if skip(after: marker) != nil { state = .fatalPending }
    }

    /// Abandons an APPEND whose message was accepted but cannot be stored (e.g. the disk
    /// failed): the remaining bytes of the command are skipped.
    public mutating func abandonAppend() {
        switch state {
        case .appendLiteral(let remaining): state = .skipLiteral(remaining: remaining)
        case .appendLiteralDone, .afterAppendMessage: state = .skipLine
        default: break
        }
        append = nil
        command.removeAll()
    }

    /// The next event, or nil if more bytes are needed (or a decision is pending). Once every
    /// received byte is consumed, the receive buffer is let go: an idle connection then holds
    /// no buffer (NIO's reads are 2 KiB and up, and thousands of connections idle at once).
    public mutating func next() -> FramingEvent? {
        let event = nextEvent()
        if event == nil && input.readableBytes == 0 && input.capacity > 0 { input = ByteBuffer() }
        return event
    }

    private mutating func nextEvent() -> FramingEvent? {
        while true {
            switch state {
            case .command:
                switch readLine() {
                case .needMore: return nil
                case .tooLong:
                    let tag = GrammarParser.parseTag(ofLine: command.isEmpty ? peekLineStart() : command)
                    command.removeAll()
                    state = .skipLine
                    return .rejected(tag: tag, .lineTooLong)
                case .line(let line):
                    // An empty line is a command without a tag: BAD like any syntax error.
                    if command.isEmpty && line.isEmpty { return .invalid(ParseError(.emptyCommand)) }
                    if let event = commandLine(line) { return event }
                }

            case .inlineLiteral(let remaining):
                let count = min(remaining, input.readableBytes)
                guard count > 0 || remaining == 0 else { return nil }
                if count > 0 {
                    input.withUnsafeReadableBytes { command.append(contentsOf: $0.prefix(count)) }
                    input.moveReaderIndex(forwardBy: count)
                    scanned = 0
                }
                state = remaining == count ? .command : .inlineLiteral(remaining: remaining - count)

            case .awaitingDecision:
                return nil

            case .appendLiteral(let remaining):
                if remaining == 0 {
                    state = .appendLiteralDone
                    continue
                }
                guard input.readableBytes > 0 else { return nil }
                let count = Int(min(UInt64(input.readableBytes), remaining))
                let chunk = input.readSlice(length: count)!
                scanned = 0
                state = remaining == UInt64(count) ? .appendLiteralDone
                    : .appendLiteral(remaining: remaining - UInt64(count))
                return .appendBytes(chunk)

            case .appendLiteralDone:
                state = .afterAppendMessage
                return .appendMessageEnd

            case .afterAppendMessage:
                switch readLine() {
                case .needMore: return nil
                case .tooLong:
                    let tag = append?.tag
                    append = nil
                    state = .skipLine
                    return .rejected(tag: tag, .lineTooLong)
                case .line(let line):
                    return afterAppendMessage(line)
                }

            case .continuationLine:
                switch readLine() {
                case .needMore: return nil
                case .tooLong:
                    state = .skipLine
                    return .rejected(tag: nil, .lineTooLong)
                case .line(let line):
                    state = .command
                    return .continuationLine(line)
                }

            case .skipLiteral(let remaining):
                let count = Int(min(UInt64(input.readableBytes), remaining))
                // A rejected `{0+}` has nothing to skip: go straight on to the rest of the line.
                guard count > 0 || remaining == 0 else { return nil }
                input.moveReaderIndex(forwardBy: count)
                scanned = 0
                state = remaining == UInt64(count) ? .skipLine : .skipLiteral(remaining: remaining - UInt64(count))

            case .skipLine:
                if let event = skipLine() { return event }
                if case .skipLine = state { return nil }

            case .fatalPending:
                state = .failed
                return .fatal(.literalTooLarge)

            case .failed:
                return nil
            }
        }
    }

    // MARK: - Commands

    /// A complete line of a command: either the command ends here or a literal follows.
    private mutating func commandLine(_ line: [UInt8]) -> FramingEvent? {
        if LiteralMarker.announcesInvalidLength(line) { return invalidLiteralLength(line) }
        guard let marker = LiteralMarker(endOf: line) else {
            command.append(contentsOf: line)
            let bytes = command
            command.removeAll(keepingCapacity: true)
            do {
                return .command(try GrammarParser.parseCommand(bytes, limits: parserLimits))
            } catch {
                return .invalid(error)
            }
        }
        var prefix = command
        prefix.append(contentsOf: line[..<marker.start])
        switch GrammarParser.parseAppendPrefix(prefix) {
        case .message(let tag, let mailbox, let options):
            return startMessage(AppendMessageStart(tag: tag, mailbox: mailbox, options: options,
                                                   size: marker.size, synchronizing: marker.synchronizing,
                                                   binary: marker.binary, isFirst: true))
        case .replacement(let tag, let target, let mailbox, let options):
            return startMessage(AppendMessageStart(tag: tag, mailbox: mailbox, options: options,
                                                   size: marker.size, synchronizing: marker.synchronizing,
                                                   binary: marker.binary, isFirst: true, replacing: target))
        case .invalid(let error):
            return reject(marker, with: .invalid(error))
        case .notAppend, .mailboxLiteral:
            let tag = GrammarParser.parseTag(ofLine: prefix)
            if marker.size > UInt64(limits.maxInlineLiteralSize) {
                return reject(marker, with: .rejected(tag: tag, .literalTooLarge))
            }
            if command.count + line.count + 2 + Int(marker.size) > limits.maxCommandSize {
                return reject(marker, with: .rejected(tag: tag, .commandTooLarge))
            }
            command.append(contentsOf: line)
            command.append(contentsOf: [UInt8(ascii: "\r"), UInt8(ascii: "\n")])
            state = .inlineLiteral(remaining: Int(marker.size))
            return marker.synchronizing ? .continuationRequest : nil
        }
    }

    /// The first message literal of an APPEND or REPLACE: paused for the session's decision.
    private mutating func startMessage(_ start: AppendMessageStart) -> FramingEvent {
        command.removeAll(keepingCapacity: true)
        append = (start.tag, start.mailbox, start.replacing != nil)
        state = .awaitingDecision(start)
        return .appendMessage(start)
    }

    /// What follows a message literal: CRLF ends the APPEND; another literal marker starts
    /// the next message of a MULTIAPPEND (RFC 3502 §6.3.11), which REPLACE has not (RFC 8508
    /// §4.7).
    private mutating func afterAppendMessage(_ line: [UInt8]) -> FramingEvent? {
        guard let (tag, mailbox, replacing) = append else {
            preconditionFailure("an APPEND message ended without an APPEND in progress")
        }
        if line.isEmpty {
            append = nil
            state = .command
            return .appendEnd(tag: tag)
        }
        guard let marker = LiteralMarker(endOf: line) else {
            append = nil
            state = .command
            return .appendInvalid(ParseError(tag: tag, .trailingCharacters))
        }
        if replacing {
            append = nil
            return reject(marker, with: .appendInvalid(ParseError(tag: tag, .trailingCharacters)))
        }
        do {
            let options = try GrammarParser.parseAppendContinuation(Array(line[..<marker.start]))
            let start = AppendMessageStart(tag: tag, mailbox: mailbox, options: options,
                                           size: marker.size, synchronizing: marker.synchronizing,
                                           binary: marker.binary, isFirst: false)
            state = .awaitingDecision(start)
            return .appendMessage(start)
        } catch {
            append = nil
            var error = error
            error.tag = tag
            return reject(marker, with: .appendInvalid(error))
        }
    }

    /// A line announcing a literal whose length is no `number64`: BAD with the command's tag.
    /// A synchronizing literal's bytes will not come (the client waits for `+`); a
    /// non-synchronizing one's would, and their count cannot be known, so the stream cannot be
    /// resynchronised (RFC 7888 §4 lets the server close it).
    private mutating func invalidLiteralLength(_ line: [UInt8]) -> FramingEvent {
        let tag = GrammarParser.parseTag(ofLine: command.isEmpty ? line : command)
        command.removeAll(keepingCapacity: true)
        if line.dropLast().last == UInt8(ascii: "+") {
            state = .failed
            return .fatal(.literalTooLarge)
        }
        return .invalid(ParseError(tag: tag, .invalidLiteralLength))
    }

    /// Turns a command away at a literal marker: a synchronizing literal will not be sent
    /// (the client waits for `+` and gets our answer instead); a non-synchronizing one arrives
    /// anyway and is skipped with the rest of its command.
    private mutating func reject(_ marker: LiteralMarker, with event: FramingEvent) -> FramingEvent {
        command.removeAll(keepingCapacity: true)
        if let fatal = skip(after: marker) {
            state = .failed
            return fatal
        }
        return event
    }

    /// Sets the state that skips a rejected literal (if its bytes will come) and the rest of
    /// its command; returns a fatal event if it is too large to skip.
    private mutating func skip(after marker: LiteralMarker) -> FramingEvent? {
        if marker.synchronizing {
            state = .command
            return nil
        }
        guard marker.size <= limits.maxDiscardedLiteralSize else { return .fatal(.literalTooLarge) }
        state = .skipLiteral(remaining: marker.size)
        return nil
    }

    // MARK: - Lines

    private enum LineRead {
        case line([UInt8])
        case needMore
        case tooLong
    }

    /// Consumes and returns the next line without its CRLF (a bare LF is tolerated).
    private mutating func readLine() -> LineRead {
        let limit = limits.maxLineLength + 2
        let start = scanned
        let found: Int? = input.withUnsafeReadableBytes { bytes in
            bytes[start...].firstIndex(of: UInt8(ascii: "\n"))
        }
        guard let lf = found else {
            scanned = input.readableBytes
            return scanned > limit ? .tooLong : .needMore
        }
        guard lf < limit else { return .tooLong }
        let end = lf > 0 && input.getInteger(at: input.readerIndex + lf - 1) == UInt8(ascii: "\r") ? lf - 1 : lf
        let line = input.readBytes(length: end)!
        input.moveReaderIndex(forwardBy: lf - end + 1)
        scanned = 0
        return .line(line)
    }

    /// The first bytes of the current line, enough to read a tag.
    private func peekLineStart() -> [UInt8] {
        input.getBytes(at: input.readerIndex, length: min(input.readableBytes, 256)) ?? []
    }

    /// Discards through the end of the current line; a non-synchronizing literal announced
    /// at its end is skipped too. Returns a fatal event if that literal is too large.
    private mutating func skipLine() -> FramingEvent? {
        let found: Int? = input.withUnsafeReadableBytes { $0.firstIndex(of: UInt8(ascii: "\n")) }
        guard let lf = found else {
            let keep = min(input.readableBytes, 32)
            skippedTail.append(contentsOf: input.getBytes(at: input.readerIndex + input.readableBytes - keep, length: keep)!)
            if skippedTail.count > 32 { skippedTail.removeFirst(skippedTail.count - 32) }
            input.moveReaderIndex(forwardBy: input.readableBytes)
            scanned = 0
            return nil
        }
        skippedTail.append(contentsOf: input.getBytes(at: input.readerIndex, length: lf)!)
        input.moveReaderIndex(forwardBy: lf + 1)
        scanned = 0
        if skippedTail.last == UInt8(ascii: "\r") { skippedTail.removeLast() }
        let marker = LiteralMarker(endOf: skippedTail)
        skippedTail.removeAll(keepingCapacity: true)
        state = .command
        if let marker, !marker.synchronizing {
            if let fatal = skip(after: marker) {
                state = .failed
                return fatal
            }
        }
        return nil
    }
}

/// A literal announcement at the end of a line: `{n}`, `{n+}` (RFC 7888), or `~{n}` /
/// `~{n+}` (literal8, RFC 3516 §4.4).
struct LiteralMarker {
    /// Index in the line where the marker begins (at `~` or `{`).
    var start: Int
    var size: UInt64
    var synchronizing: Bool
    var binary: Bool

    init(start: Int, size: UInt64, synchronizing: Bool, binary: Bool) {
        self.start = start
        self.size = size
        self.synchronizing = synchronizing
        self.binary = binary
    }

    init?(endOf line: [UInt8]) {
        guard line.last == UInt8(ascii: "}") else { return nil }
        var index = line.count - 2
        synchronizing = true
        if index >= 0 && line[index] == UInt8(ascii: "+") {
            synchronizing = false
            index -= 1
        }
        guard let (open, size) = Self.digits(endingAt: index, in: line) else { return nil }
        binary = open > 0 && line[open - 1] == UInt8(ascii: "~")
        start = binary ? open - 1 : open
        self.size = size
    }

    /// Whether the line ends in `{digits}` or `{digits+}` whose value is no `number64`
    /// (RFC 9051 §9: 0…9223372036854775807; leading zeros are allowed, as the grammar's
    /// `1*DIGIT` allows them).
    static func announcesInvalidLength(_ line: [UInt8]) -> Bool {
        guard line.last == UInt8(ascii: "}") else { return false }
        var index = line.count - 2
        if index >= 0 && line[index] == UInt8(ascii: "+") { index -= 1 }
        let end = index
        while index >= 0, line[index] >= UInt8(ascii: "0"), line[index] <= UInt8(ascii: "9") { index -= 1 }
        guard index < end, index >= 0, line[index] == UInt8(ascii: "{") else { return false }
        return digits(endingAt: end, in: line) == nil
    }

    /// The value of the digits that end at `last` after a `{` (the index of the `{` and the
    /// value), or nil if there are none, no `{` before them, or the value exceeds `number64`.
    private static func digits(endingAt last: Int, in line: [UInt8]) -> (open: Int, value: UInt64)? {
        var first = last + 1
        while first > 0, line[first - 1] >= UInt8(ascii: "0"), line[first - 1] <= UInt8(ascii: "9") { first -= 1 }
        guard first <= last, first > 0, line[first - 1] == UInt8(ascii: "{") else { return nil }
        var value: UInt64 = 0
        for byte in line[first...last] {
            let (times10, o1) = value.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(UInt64(byte - UInt8(ascii: "0")))
            guard !o1, !o2, sum <= UInt64(Int64.max) else { return nil }
            value = sum
        }
        return (first - 1, value)
    }
}
