import IMAPSyntax
import MailCore
import NIOCore
import Testing

/// What a test session does at an APPEND message: accept or reject it.
fileprivate enum AppendPolicy {
    case acceptAll
    case rejectAll
}

/// Framer events with APPEND bytes joined, so that runs fed in different chunkings compare.
fileprivate enum Observed: Equatable {
    case command(TaggedCommand)
    case invalid(String?, ParseError.Kind)
    case rejected(String?, FramingRejection)
    case continuationRequest
    case appendMessage(tag: String, mailbox: String, size: UInt64, synchronizing: Bool, isFirst: Bool, flags: [Flag])
    case appendBytes(String)
    case appendMessageEnd
    case appendEnd(String)
    case appendInvalid(String?, ParseError.Kind)
    case continuationLine(String)
    case fatal(FramingRejection)
}

/// Feeds `input` in chunks of `chunkSize` bytes (everything at once if nil) and collects the
/// events, answering APPEND messages with `policy`.
fileprivate func frame(_ input: String, chunkSize: Int? = nil, policy: AppendPolicy = .acceptAll,
                   limits: FramingLimits = FramingLimits(),
                   continuationLineAfter: Set<Int> = []) -> [Observed] {
    var framer = CommandFramer(limits: limits)
    let bytes = Array(input.utf8)
    var observed: [Observed] = []
    var commandsSeen = 0
    func drain() {
        while let event = framer.next() {
            switch event {
            case .command(let command):
                observed.append(.command(command))
                commandsSeen += 1
                if continuationLineAfter.contains(commandsSeen) { framer.expectContinuationLine() }
            case .invalid(let error): observed.append(.invalid(error.tag, error.kind))
            case .rejected(let tag, let reason): observed.append(.rejected(tag, reason))
            case .continuationRequest: observed.append(.continuationRequest)
            case .appendMessage(let start):
                observed.append(.appendMessage(tag: start.tag, mailbox: start.mailbox.description, size: start.size,
                                               synchronizing: start.synchronizing, isFirst: start.isFirst,
                                               flags: start.options.flags))
                switch policy {
                case .acceptAll: framer.acceptAppendMessage()
                case .rejectAll: framer.rejectAppendMessage()
                }
            case .appendBytes(let buffer):
                let text = String(buffer: buffer)
                if case .appendBytes(let previous)? = observed.last {
                    observed[observed.count - 1] = .appendBytes(previous + text)
                } else {
                    observed.append(.appendBytes(text))
                }
            case .appendMessageEnd: observed.append(.appendMessageEnd)
            case .appendEnd(let tag): observed.append(.appendEnd(tag))
            case .appendInvalid(let error): observed.append(.appendInvalid(error.tag, error.kind))
            case .continuationLine(let line): observed.append(.continuationLine(String(decoding: line, as: UTF8.self)))
            case .fatal(let reason): observed.append(.fatal(reason))
            }
        }
    }
    let step = chunkSize ?? max(bytes.count, 1)
    var index = 0
    while index < bytes.count {
        let end = min(index + step, bytes.count)
        framer.feed(ByteBuffer(bytes: bytes[index..<end]))
        drain()
        index = end
    }
    drain()
    return observed
}

fileprivate func command(_ tag: String, _ command: Command) -> Observed { .command(TaggedCommand(tag: tag, command: command)) }

@Suite("CommandFramer: cutting the byte stream into commands (RFC 9051 §2.2, §4.3; RFC 7888)")
struct FramerTests {
    /// Inputs whose events must not depend on how the bytes are split.
    fileprivate static let transcripts: [(String, [Observed])] = [
        ("a NOOP\r\n", [command("a", .noop)]),
        ("a NOOP\r\nb CAPABILITY\r\nc LOGOUT\r\n",
         [command("a", .noop), command("b", .capability), command("c", .logout)]),
        ("a LOGIN {5}\r\nalice {6}\r\nsecret\r\n",
         [.continuationRequest, .continuationRequest, command("a", .login(username: "alice", password: "secret"))]),
        ("a LOGIN {5+}\r\nalice {6+}\r\nsecret\r\nb NOOP\r\n",
         [command("a", .login(username: "alice", password: "secret")), command("b", .noop)]),
        ("a APPEND INBOX (\\Seen) {11}\r\nHello world\r\n",
         [.appendMessage(tag: "a", mailbox: "INBOX", size: 11, synchronizing: true, isFirst: true, flags: [.seen]),
          .appendBytes("Hello world"), .appendMessageEnd, .appendEnd("a")]),
        ("a APPEND INBOX {3+}\r\nabc (\\Flagged) {4+}\r\ndefg\r\nb NOOP\r\n",
         [.appendMessage(tag: "a", mailbox: "INBOX", size: 3, synchronizing: false, isFirst: true, flags: []),
          .appendBytes("abc"), .appendMessageEnd,
          .appendMessage(tag: "a", mailbox: "INBOX", size: 4, synchronizing: false, isFirst: false, flags: [.flagged]),
          .appendBytes("defg"), .appendMessageEnd, .appendEnd("a"), command("b", .noop)]),
        ("a APPEND {6+}\r\nDrafts {2+}\r\nhi\r\n",
         [.appendMessage(tag: "a", mailbox: "Drafts", size: 2, synchronizing: false, isFirst: true, flags: []),
          .appendBytes("hi"), .appendMessageEnd, .appendEnd("a")]),
        // A literal that contains what looks like a line end and a command.
        ("a APPEND INBOX {13+}\r\nx\r\nb LOGOUT\r\n\r\nc NOOP\r\n",
         [.appendMessage(tag: "a", mailbox: "INBOX", size: 13, synchronizing: false, isFirst: true, flags: []),
          .appendBytes("x\r\nb LOGOUT\r\n"), .appendMessageEnd, .appendEnd("a"), command("c", .noop)]),
        // An empty line has no tag: an untagged BAD like any syntax error (RFC 9051 §2.2.1, §7.1.3).
        ("\r\n\r\na NOOP\r\n", [.invalid(nil, .emptyCommand), .invalid(nil, .emptyCommand), command("a", .noop)]),
        ("a NOOP\r\n\nb NOOP\r\n", [command("a", .noop), .invalid(nil, .emptyCommand), command("b", .noop)]),
        // number64 allows leading zeros (RFC 9051 §9): this is a literal of 5 octets.
        ("a LOGIN {00000000000000000000000000005}\r\nalice secret\r\n",
         [.continuationRequest, command("a", .login(username: "alice", password: "secret"))]),
        // A length above 2^63-1 is no number64: BAD with the tag, and no `+`.
        ("a LOGIN {99999999999999999999}\r\nb NOOP\r\n", [.invalid("a", .invalidLiteralLength), command("b", .noop)]),
        ("a LOGIN {9223372036854775808}\r\nb NOOP\r\n", [.invalid("a", .invalidLiteralLength), command("b", .noop)]),
        ("a NOOP\nb NOOP\n", [command("a", .noop), command("b", .noop)]),
        ("a FROB\r\nb NOOP\r\n", [.invalid("a", .unknownCommand("FROB")), command("b", .noop)]),
        ("a APPEND INBOX {3+}\r\nabc junk\r\nb NOOP\r\n",
         [.appendMessage(tag: "a", mailbox: "INBOX", size: 3, synchronizing: false, isFirst: true, flags: []),
          .appendBytes("abc"), .appendMessageEnd, .appendInvalid("a", .trailingCharacters), command("b", .noop)]),
    ]

    @Test("whole input gives the expected events", arguments: 0..<transcripts.count)
    func wholeInput(_ index: Int) {
        let (input, expected) = Self.transcripts[index]
        #expect(frame(input) == expected)
    }

    @Test("one byte at a time gives the same events", arguments: 0..<transcripts.count)
    func byteAtATime(_ index: Int) {
        let (input, expected) = Self.transcripts[index]
        #expect(frame(input, chunkSize: 1) == expected)
    }

    @Test("every chunk size gives the same events", arguments: 0..<transcripts.count)
    func everyChunkSize(_ index: Int) {
        let (input, expected) = Self.transcripts[index]
        for size in 2...max(2, input.utf8.count) {
            #expect(frame(input, chunkSize: size) == expected, "chunk size \(size)")
        }
    }

    @Test("a rejected synchronizing APPEND is not followed by its literal; the next command parses")
    func rejectedSynchronizingAppend() {
        let events = frame("a APPEND Nowhere {11}\r\nb NOOP\r\n", policy: .rejectAll)
        #expect(events == [.appendMessage(tag: "a", mailbox: "Nowhere", size: 11, synchronizing: true, isFirst: true, flags: []),
                           command("b", .noop)])
    }

    @Test("a rejected non-synchronizing APPEND's bytes and the rest of its command are skipped")
    func rejectedNonSynchronizingAppend() {
        let input = "a APPEND Nowhere {5+}\r\nb BAD (\\Seen) {3+}\r\nxyz\r\nc NOOP\r\n"
        for chunk in [nil, 1, 3] as [Int?] {
            let events = frame(input, chunkSize: chunk, policy: .rejectAll)
            #expect(events == [.appendMessage(tag: "a", mailbox: "Nowhere", size: 5, synchronizing: false, isFirst: true, flags: []),
                               command("c", .noop)])
        }
    }

    @Test("a rejected empty non-synchronizing APPEND literal is skipped; the next command parses")
    func rejectedEmptyNonSynchronizingAppend() {
        let input = "a APPEND INBOX {0+}\r\n\r\nb NOOP\r\n"
        for chunk in [nil, 1, 2] as [Int?] {
            let events = frame(input, chunkSize: chunk, policy: .rejectAll)
            #expect(events == [.appendMessage(tag: "a", mailbox: "INBOX", size: 0, synchronizing: false, isFirst: true, flags: []),
                               command("b", .noop)])
        }
    }

    @Test("a line over the limit is answered with its tag and skipped (RFC 2683 §3.2.1.5)")
    func lineTooLong() {
        let limits = FramingLimits(maxLineLength: 64)
        let long = "a SEARCH SUBJECT " + String(repeating: "x", count: 200) + "\r\nb NOOP\r\n"
        for chunk in [nil, 1, 7] as [Int?] {
            #expect(frame(long, chunkSize: chunk, limits: limits) == [.rejected("a", .lineTooLong), command("b", .noop)])
        }
    }

    @Test("a too-long line ending in a non-synchronizing literal skips that literal too")
    func lineTooLongWithLiteral() {
        let limits = FramingLimits(maxLineLength: 32)
        let input = "a LOGIN " + String(repeating: "y", count: 60) + " {4+}\r\nb NO\r\nc NOOP\r\n"
        #expect(frame(input, limits: limits) == [.rejected("a", .lineTooLong), command("c", .noop)])
    }

    @Test("an inline literal over the limit is refused before its bytes (synchronizing)")
    func literalTooLargeSynchronizing() {
        let limits = FramingLimits(maxInlineLiteralSize: 10)
        #expect(frame("a LOGIN {100}\r\nb NOOP\r\n", limits: limits) == [.rejected("a", .literalTooLarge), command("b", .noop)])
    }

    @Test("an inline non-synchronizing literal over the limit is read and thrown away")
    func literalTooLargeNonSynchronizing() {
        let limits = FramingLimits(maxInlineLiteralSize: 10)
        let input = "a LOGIN {20+}\r\n" + String(repeating: "z", count: 20) + " pw\r\nb NOOP\r\n"
        #expect(frame(input, chunkSize: 3, limits: limits) == [.rejected("a", .literalTooLarge), command("b", .noop)])
    }

    @Test("a non-synchronizing literal too large to skip ends the connection (RFC 7888 §4)")
    func literalTooLargeToSkip() {
        let limits = FramingLimits(maxInlineLiteralSize: 10, maxDiscardedLiteralSize: 100)
        #expect(frame("a LOGIN {1000+}\r\nxx", limits: limits) == [.fatal(.literalTooLarge)])
        let appendLimits = FramingLimits(maxDiscardedLiteralSize: 100)
        #expect(frame("a APPEND INBOX {1000+}\r\nxx", policy: .rejectAll, limits: appendLimits)
                == [.appendMessage(tag: "a", mailbox: "INBOX", size: 1000, synchronizing: false, isFirst: true, flags: []),
                    .fatal(.literalTooLarge)])
    }

    @Test("a non-synchronizing literal whose length is no number64 cannot be skipped: fatal (RFC 7888 §4)")
    func invalidNonSynchronizingLiteralLength() {
        #expect(frame("a LOGIN {99999999999999999999+}\r\nxx\r\nb NOOP\r\n") == [.fatal(.literalTooLarge)])
        #expect(frame("a LOGIN {9223372036854775807}\r\nb NOOP\r\n")
                == [.rejected("a", .literalTooLarge), command("b", .noop)])
    }

    @Test("the BAD texts say what is wrong")
    func descriptions() {
        #expect(ParseError(.emptyCommand).description == "Empty command line")
        #expect(ParseError(.invalidLiteralLength).description.hasPrefix("Invalid literal length"))
    }

    @Test("lines plus literals over the command limit are refused")
    func commandTooLarge() {
        let limits = FramingLimits(maxInlineLiteralSize: 100, maxCommandSize: 120)
        let input = "a LOGIN {90+}\r\n" + String(repeating: "u", count: 90) + " {90+}\r\n" + String(repeating: "p", count: 90)
            + "\r\nb NOOP\r\n"
        #expect(frame(input, limits: limits) == [.rejected("a", .commandTooLarge), command("b", .noop)])
    }

    @Test("a continuation line is delivered raw, then commands resume (AUTHENTICATE, IDLE)")
    func continuationLine() {
        let input = "a AUTHENTICATE PLAIN\r\nAGFsaWNlAHNlY3JldA==\r\nb NOOP\r\n"
        for chunk in [nil, 1] as [Int?] {
            let events = frame(input, chunkSize: chunk, continuationLineAfter: [1])
            #expect(events == [command("a", .authenticate(mechanism: "PLAIN", initialResponse: nil)),
                               .continuationLine("AGFsaWNlAHNlY3JldA=="), command("b", .noop)])
        }
    }

    @Test("bytes buffered before STARTTLS completes are discarded (RFC 2595 §3.1)")
    func discardBufferedInput() {
        var framer = CommandFramer()
        framer.feed(ByteBuffer(string: "a STARTTLS\r\nb LOGIN evil evil\r\n"))
        guard case .command(let first)? = framer.next() else {
            Issue.record("no STARTTLS command")
            return
        }
        #expect(first.command == .starttls)
        framer.discardBufferedInput()
        #expect(framer.next() == nil)
        #expect(framer.bufferedByteCount == 0)
        framer.feed(ByteBuffer(string: "c NOOP\r\n"))
        #expect(framer.next() == .command(TaggedCommand(tag: "c", command: .noop)))
    }

    @Test("needing more bytes consumes nothing and a partial command is reported as pending")
    func partialCommand() {
        var framer = CommandFramer()
        framer.feed(ByteBuffer(string: "a NO"))
        #expect(framer.next() == nil)
        #expect(framer.bufferedByteCount == 4)
        framer.feed(ByteBuffer(string: "OP\r\n"))
        #expect(framer.next() == .command(TaggedCommand(tag: "a", command: .noop)))
        #expect(framer.isIdle)
    }
}
