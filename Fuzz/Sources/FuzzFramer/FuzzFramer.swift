// libFuzzer target: the command framer (IMAPSyntax.CommandFramer) as a session drives it.
//
// Input layout (FuzzSupport.SectionedInput): a config byte choosing the framing limits, then
// decision bytes (accept/reject/abandon an APPEND message, switch to continuation-line mode)
// and chunk-size bytes, then the client's byte stream. The stream is fed in chunks of those
// sizes, draining `next()` after each feed, with the decisions taken in event order.
//
// Checked with `precondition`, so a violation is reported as a crash:
// - the APPEND protocol: bytes come only for an accepted message, never more than announced,
//   and `.appendMessageEnd` comes exactly when they add up to the announced size; a next
//   message or `.appendEnd` only after a message ended, with the APPEND's own tag;
// - after continuation-line mode is chosen the next event is that line (or its rejection);
// - nothing after `.fatal`, however many bytes follow;
// - memory stays bounded: when the framer waits for bytes it holds at most one line;
// - no loop: each drain yields at most two events per byte it was given, plus a few;
// - the events do not depend on the chunking: the same stream fed whole, with the same
//   decisions, gives the same events (APPEND bytes joined).

import FuzzSupport
import IMAPSyntax
import NIOCore

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFramer(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = SectionedInput(fuzzBytes(data, size))
    let limits = framingLimits(config: input.config)
    var chunked = FramerRun(limits: limits, decisions: input.decisions)
    chunked.run(input.data, chunkSizes: input.chunks)
    if !input.chunks.isEmpty {
        var whole = FramerRun(limits: limits, decisions: input.decisions)
        whole.run(input.data, chunkSizes: ControlBytes([]))
        precondition(chunked.observed == whole.observed, "events depend on how the stream was split")
    }
    return 0
}

/// The framing limits a config byte selects: two bits each for line length, inline literal
/// size, command size and discarded literal size; 0 is the default, the others are small so
/// that inputs of a few kilobytes reach every limit.
private func framingLimits(config: UInt8) -> FramingLimits {
    func pick<T>(_ shift: UInt8, _ choices: [T]) -> T? {
        let index = Int(config >> shift & 3)
        return index == 0 ? nil : choices[index - 1]
    }
    var limits = FramingLimits()
    if let value = pick(0, [8, 40, 300]) { limits.maxLineLength = value }
    if let value = pick(2, [0, 10, 200]) { limits.maxInlineLiteralSize = value }
    if let value = pick(4, [16, 100, 1000]) { limits.maxCommandSize = value }
    if let value = pick(6, [0, 20, 500] as [UInt64]) { limits.maxDiscardedLiteralSize = value }
    return limits
}

/// An event as compared between runs: APPEND bytes joined into one value per message, and
/// the tag of an over-long line left out, since the framer reads it from whatever part of
/// the line has arrived (at most 256 bytes).
private enum Observed: Equatable {
    case event(FramingEvent)
    case appendBytes([UInt8])
    case lineTooLong
}

/// Where the session is in an APPEND, as the events tell it.
private enum AppendPhase: Equatable {
    /// No APPEND message in progress.
    case none
    /// An accepted message with this many bytes still due.
    case streaming(remaining: UInt64)
    /// A message ended: CRLF, a next message, or an error follows.
    case messageEnded
}

/// One session's use of a framer: feeding, draining, deciding, and checking every event.
private struct FramerRun {
    let limits: FramingLimits
    var framer: CommandFramer
    var decisions: ControlBytes
    var observed: [Observed] = []

    var appendTag: Tag?
    var phase = AppendPhase.none
    var expectingLine = false
    var failed = false

    init(limits: FramingLimits, decisions: ControlBytes) {
        self.limits = limits
        self.framer = CommandFramer(limits: limits)
        self.decisions = decisions
    }

    mutating func run(_ stream: ArraySlice<UInt8>, chunkSizes: ControlBytes) {
        var chunkSizes = chunkSizes
        decideAtIdle()
        var start = stream.startIndex
        while start < stream.endIndex {
            let end: Int
            if chunkSizes.isEmpty {
                end = stream.endIndex
            } else {
                end = min(stream.endIndex, start + chunkSize(chunkSizes.next(or: 0)))
            }
            framer.feed(ByteBuffer(bytes: stream[start..<end]))
            drain()
            start = end
        }
    }

    /// 1...240 bytes, or a multiple of 256 up to 4 KiB.
    private func chunkSize(_ byte: UInt8) -> Int {
        byte < 0xF0 ? Int(byte) + 1 : Int(byte - 0xEF) * 256
    }

    private mutating func drain() {
        let bound = 2 * framer.bufferedByteCount + 4
        var events = 0
        while let event = framer.next() {
            precondition(!failed, "an event after .fatal")
            events += 1
            precondition(events <= bound, "the framer keeps producing events without input")
            check(event)
            decideAtIdle()
        }
        if !failed {
            precondition(framer.bufferedByteCount <= limits.maxLineLength + 2,
                         "the framer waits for bytes while holding more than a line")
        }
    }

    private mutating func record(_ event: FramingEvent) {
        switch event {
        case .appendBytes(let buffer):
            let bytes = Array(buffer.readableBytesView)
            if case .appendBytes(let previous)? = observed.last {
                observed[observed.count - 1] = .appendBytes(previous + bytes)
            } else {
                observed.append(.appendBytes(bytes))
            }
        case .rejected(_, .lineTooLong):
            observed.append(.lineTooLong)
        default:
            observed.append(.event(event))
        }
    }

    private mutating func check(_ event: FramingEvent) {
        record(event)
        if expectingLine {
            switch event {
            case .continuationLine, .rejected(nil, .lineTooLong): expectingLine = false
            default: preconditionFailure("continuation-line mode ignored")
            }
        }
        switch event {
        case .command, .invalid, .continuationRequest, .continuationLine:
            precondition(phase == .none && appendTag == nil, "a command event inside an APPEND")
        case .rejected(let tag, _):
            if phase == .messageEnded {
                precondition(tag == appendTag, "an APPEND's rejection without its tag")
                endAppend()
            } else {
                precondition(phase == .none && appendTag == nil, "a rejection inside an APPEND message")
            }
        case .appendMessage(let start):
            if start.isFirst {
                precondition(phase == .none && appendTag == nil, "an APPEND inside an APPEND")
                appendTag = start.tag
            } else {
                precondition(phase == .messageEnded && appendTag == start.tag,
                             "a next APPEND message not after a message of the same APPEND")
            }
            decideMessage(start)
        case .appendBytes(let buffer):
            guard case .streaming(let remaining) = phase else {
                preconditionFailure("APPEND bytes without an accepted message")
            }
            let count = UInt64(buffer.readableBytes)
            precondition(count > 0 && count <= remaining, "APPEND bytes beyond the announced size")
            phase = .streaming(remaining: remaining - count)
        case .appendMessageEnd:
            precondition(phase == .streaming(remaining: 0), "message end before its announced size")
            phase = .messageEnded
            if decisions.next(or: 0) % 8 == 7 {
                framer.abandonAppend()
                endAppend()
            }
        case .appendEnd(let tag):
            precondition(phase == .messageEnded && tag == appendTag, "APPEND end out of place")
            endAppend()
        case .appendInvalid(let error):
            precondition(phase == .messageEnded && error.tag == appendTag, "APPEND error out of place")
            endAppend()
        case .fatal:
            failed = true
        }
    }

    /// Accept, reject, or accept and at once abandon (a store failure) an APPEND message.
    private mutating func decideMessage(_ start: AppendMessageStart) {
        switch decisions.next(or: 0) % 4 {
        case 1:
            framer.rejectAppendMessage()
            endAppend()
        case 2:
            framer.acceptAppendMessage()
            framer.abandonAppend()
            endAppend()
        default:
            framer.acceptAppendMessage()
            phase = .streaming(remaining: start.size)
        }
    }

    /// Between commands, maybe read the next line raw (as AUTHENTICATE and IDLE do).
    private mutating func decideAtIdle() {
        guard framer.isIdle, !failed, decisions.next(or: 0) % 4 == 3 else { return }
        framer.expectContinuationLine()
        expectingLine = true
    }

    private mutating func endAppend() {
        appendTag = nil
        phase = .none
    }
}
