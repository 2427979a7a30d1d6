import Glibc

/// Parses a message once into its `MessageStructure` (RFC 5322 header, RFC 2045/2046 MIME tree).
///
/// Any byte string is a message: parsing never fails. Broken structure is handled the way
/// Dovecot handles it, so that BODYSTRUCTURE and BODY[n] agree with it:
/// - a boundary line is any line that starts with "--" and the boundary (RFC 2046 §5.1.1 says
///   the whole line need not match); among several matching boundaries the longest wins;
/// - a boundary of an enclosing multipart ends all inner parts (missing close delimiters);
/// - a multipart whose boundary never appears has no parts; its body is all preamble;
/// - a boundary line may end a part's header before its empty line; the part's body is empty;
/// - CRLF and bare LF line ends are both accepted.
///
/// Multiparts and embedded messages nested deeper than `maximumDepth`, or beyond
/// `maximumParts` parts in total, are kept as leaves, which bounds time and memory.
public enum MessageParser {
    /// The deepest nesting of multiparts and embedded messages that is parsed.
    public static let maximumDepth = 100
    /// The most parts parsed in one message.
    public static let maximumParts = 10_000
    /// Longer boundary parameters are cut to this length (RFC 2046 §5.1.1 allows 70).
    static let maximumBoundaryLength = 80

    /// Parses a message.
    public static func parse(_ bytes: [UInt8]) -> MessageStructure {
        bytes.withUnsafeBytes { parse($0) }
    }

    /// Parses a message held in memory.
    public static func parse(_ buffer: UnsafeRawBufferPointer) -> MessageStructure {
        var builder = StructureBuilder(buffer: buffer)
        let parsed = builder.entity(at: 0, origin: .message, depth: 0)
        return MessageStructure(size: buffer.count, envelope: parsed.envelope ?? Envelope(),
                                root: parsed.part)
    }
}

/// The single forward pass behind `MessageParser`.
struct StructureBuilder {
    let buffer: UnsafeRawBufferPointer
    let end: Int
    /// The boundaries of the enclosing multiparts, outermost first.
    private var boundaries: [[UInt8]] = []
    private var lineCounter = RunningLineCounter()
    private var partCount = 1

    init(buffer: UnsafeRawBufferPointer) {
        self.buffer = buffer
        self.end = buffer.count
    }

    enum Origin {
        /// A message header follows: the top level or the body of a message/rfc822 part.
        case message
        /// A body part of a multipart; in a multipart/digest the default type is message/rfc822.
        case bodyPart(inDigest: Bool)
    }

    /// A boundary line that ended a scan.
    struct BoundaryHit {
        /// Index into the boundary stack of the multipart it belongs to.
        var level: Int
        /// Where the line break before the boundary line starts (the end of what precedes it).
        var delimiterStart: Int
        /// Where the boundary line starts ("--").
        var lineStart: Int
        /// After the boundary line's LF (or the end of the message).
        var lineEnd: Int
        var hasLineFeed: Bool
        /// Whether it is a close delimiter, "--boundary--".
        var isClose: Bool
    }

    struct Parsed {
        var part: MessagePart
        var envelope: Envelope?
        var hit: BoundaryHit?
        /// Whether the enclosing parts, up to the multipart that owns the boundary, end at the
        /// boundary line itself rather than before its line break: when a boundary line cuts a
        /// header short, Dovecot gives that line break to the parent of the cut entity, and
        /// every part around it grows by it.
        var claimsLineBreak: Bool
    }

    private enum Shape {
        case single
        case multipart(boundary: [UInt8]?, digest: Bool)
        case message
    }

    /// Parses the entity (header and body) that starts at `start`.
    mutating func entity(at start: Int, origin: Origin, depth: Int) -> Parsed {
        // The header block, which a boundary line may cut short.
        var fields = HeaderScanner.FieldBuilder()
        var position = start
        var headerEnd = end
        var hit: BoundaryHit?
        var lineBreakStart: Int?
        var emptyLine: HeaderScanner.Line?
        while position < end {
            if !boundaries.isEmpty, buffer[position] == ASCII.dash,
               let found = boundary(at: position, after: lineBreakStart ?? position) {
                hit = found
                headerEnd = found.delimiterStart
                fields.flush(cutLineEndingAt: headerEnd)
                break
            }
            let line = HeaderScanner.line(in: buffer, at: position, end: end)
            if line.isEmpty {
                fields.flush()
                headerEnd = line.next
                emptyLine = line
                break
            }
            fields.add(line, in: buffer)
            lineBreakStart = line.hasLineFeed ? line.contentEnd : nil
            position = line.next
        }
        if position >= end { fields.flush() }

        var isMIMEChild = false
        var inDigest = false
        if case let .bodyPart(digest) = origin {
            isMIMEChild = true
            inDigest = digest
        }
        let interpreted = HeaderInterpreter.interpret(fields.fields, in: buffer,
                                                      isMIMEChild: isMIMEChild,
                                                      wantsEnvelope: isMessage(origin))
        let shape = shape(of: interpreted, inDigest: inDigest, depth: depth)
        if let emptyLine, !boundaries.isEmpty,
           let found = boundaryAfterHeader(emptyLine, shape: shape) {
            // An enclosing boundary line right after the empty line: that line break is the
            // boundary's (as Dovecot sees it), so the header ends before it.
            hit = found
            headerEnd = emptyLine.start
        }
        let bodyStart = headerEnd
        let linesBefore = lineCounter.lines(before: bodyStart, in: buffer)
        var bodyEnd: Int
        var kind: MessagePart.Kind

        let headerCut = hit != nil
        var claimsLineBreak = headerCut
        if headerCut {
            // The header ended at a boundary: the body is empty.
            bodyEnd = bodyStart
            switch shape {
            case .single: kind = .single
            case .multipart: kind = .multipart([])
            case .message:
                let empty = MessagePart(headerRange: bodyStart..<bodyStart,
                                        bodyRange: bodyStart..<bodyStart, bodyLines: 0)
                kind = .message(Envelope(), empty)
            }
        } else {
            switch shape {
            case .single, .multipart(boundary: nil, _):
                let scanned = scanBody(from: bodyStart)
                bodyEnd = scanned.end
                hit = scanned.hit
                if case .single = shape { kind = .single } else { kind = .multipart([]) }
            case let .multipart(.some(boundary), digest):
                let parsed = multipartBody(from: bodyStart, boundary: boundary, digest: digest,
                                           depth: depth)
                bodyEnd = parsed.end
                hit = parsed.hit
                claimsLineBreak = parsed.claimsLineBreak
                kind = .multipart(parsed.parts)
            case .message:
                partCount += 1
                let inner = entity(at: bodyStart, origin: .message, depth: depth + 1)
                bodyEnd = inner.part.bodyRange.upperBound
                hit = inner.hit
                if inner.claimsLineBreak, let cut = inner.hit {
                    bodyEnd = cut.lineStart
                    claimsLineBreak = true
                }
                kind = .message(inner.envelope ?? Envelope(), inner.part)
            }
        }
        let lines = lineCounter.lines(before: bodyEnd, in: buffer) - linesBefore
        let part = MessagePart(headerRange: start..<headerEnd, bodyRange: bodyStart..<bodyEnd,
                               bodyLines: lines, content: interpreted.content, kind: kind)
        return Parsed(part: part, envelope: interpreted.envelope, hit: hit,
                      claimsLineBreak: claimsLineBreak)
    }

    /// The enclosing boundary line that directly follows a header's empty line, unless the
    /// entity's own boundary (a multipart starting with its first delimiter) matches it better.
    private mutating func boundaryAfterHeader(_ emptyLine: HeaderScanner.Line,
                                              shape: Shape) -> BoundaryHit? {
        guard emptyLine.next < end, buffer[emptyLine.next] == ASCII.dash else { return nil }
        var pushedOwn = false
        if case let .multipart(.some(own), _) = shape {
            boundaries.append(own)
            pushedOwn = true
        }
        defer { if pushedOwn { boundaries.removeLast() } }
        guard let found = boundary(at: emptyLine.next, after: emptyLine.start) else { return nil }
        if pushedOwn, found.level == boundaries.count - 1 { return nil }
        return found
    }

    private func isMessage(_ origin: Origin) -> Bool {
        if case .message = origin { return true }
        return false
    }

    private func shape(of header: HeaderInterpreter.Result, inDigest: Bool, depth: Int) -> Shape {
        let nestable = depth < MessageParser.maximumDepth && partCount < MessageParser.maximumParts
        guard header.content.type != nil, let contentType = header.contentType else {
            return inDigest && nestable ? .message : .single
        }
        guard nestable, contentType.isValid else { return .single }
        if ASCII.equalsIgnoringCase(contentType.type.utf8, "multipart") {
            let boundary = contentType.parameters.first {
                ASCII.equalsIgnoringCase($0.name.utf8, "boundary")
            }.map { parameter in
                let value = parameter.value.prefix(MessageParser.maximumBoundaryLength)
                return Array(value.prefix { $0 != ASCII.nul })
            }
            let digest = ASCII.equalsIgnoringCase(contentType.subtype.utf8, "digest")
            return .multipart(boundary: boundary, digest: digest)
        }
        if ASCII.equalsIgnoringCase(contentType.type.utf8, "message"),
           ASCII.equalsIgnoringCase(contentType.subtype.utf8, "rfc822")
            || ASCII.equalsIgnoringCase(contentType.subtype.utf8, "global") {
            return .message
        }
        return .single
    }

    /// Parses a multipart body: preamble, body parts, epilogue (RFC 2046 §5.1.1).
    private mutating func multipartBody(from start: Int, boundary: [UInt8], digest: Bool,
                                        depth: Int)
        -> (parts: [MessagePart], end: Int, hit: BoundaryHit?, claimsLineBreak: Bool) {
        boundaries.append(boundary)
        let level = boundaries.count - 1
        defer { boundaries.removeSubrange(min(level, boundaries.count)...) }
        var parts: [MessagePart] = []
        var hit = scanBody(from: start).hit
        var claimed = false
        while let found = hit {
            if found.level < level {
                // An enclosing multipart's boundary ends this multipart.
                return (parts, claimed ? found.lineStart : found.delimiterStart, found, claimed)
            }
            if found.isClose {
                boundaries.removeSubrange(level...)
                let epilogue = scanBody(from: found.lineEnd)
                return (parts, epilogue.end, epilogue.hit, false)
            }
            guard found.hasLineFeed else { break }
            if partCount >= MessageParser.maximumParts {
                // No more parts: the rest belongs to this multipart, like an epilogue.
                boundaries.removeSubrange(level...)
                let rest = scanBody(from: found.lineEnd)
                return (parts, rest.end, rest.hit, false)
            }
            partCount += 1
            let child = entity(at: found.lineEnd, origin: .bodyPart(inDigest: digest),
                               depth: depth + 1)
            parts.append(child.part)
            hit = child.hit
            claimed = child.claimsLineBreak
        }
        return (parts, end, nil, false)
    }

    /// Finds the end of a body: the first boundary line of an enclosing multipart, or the end
    /// of the message. The body ends before the line break that precedes the boundary line.
    private func scanBody(from start: Int) -> (end: Int, hit: BoundaryHit?) {
        guard !boundaries.isEmpty else { return (end, nil) }
        if start < end, buffer[start] == ASCII.dash, let found = boundary(at: start, after: start) {
            return (start, found)
        }
        var position = start
        while let lf = buffer.firstIndex(of: ASCII.lf, from: position, to: end) {
            let lineStart = lf + 1
            if lineStart + 1 < end, buffer[lineStart] == ASCII.dash {
                let delimiterStart = lf > start && buffer[lf - 1] == ASCII.cr ? lf - 1 : lf
                if let found = boundary(at: lineStart, after: delimiterStart) {
                    return (delimiterStart, found)
                }
            }
            position = lineStart
        }
        return (end, nil)
    }

    /// Whether the line at `lineStart` is a boundary line of an enclosing multipart.
    /// `delimiterStart` is where the line break before it starts.
    ///
    /// A delimiter line is "--" and the boundary, a close delimiter line has "--" more
    /// (RFC 2046 §5.1.1), and a boundary may itself end in "--" (Mailman's `__--__--`), so a
    /// line ending in "--" is matched whole first: `--__--__--` is a delimiter of `__--__--`,
    /// not the close delimiter of a boundary `__--__`. The search goes from the innermost
    /// multipart outwards; the longest boundary that starts the line wins, and one that is the
    /// whole line, or the whole line but a trailing "--", ends the search (as in Dovecot).
    private func boundary(at lineStart: Int, after delimiterStart: Int) -> BoundaryHit? {
        guard lineStart + 2 <= end, buffer[lineStart] == ASCII.dash,
              buffer[lineStart + 1] == ASCII.dash else { return nil }
        let textStart = lineStart + 2
        let lf = buffer.firstIndex(of: ASCII.lf, from: textStart, to: end)
        let lineContentEnd = lf ?? end
        var matchEnd = lineContentEnd
        var trailingDashes = false
        if lf != nil {
            if matchEnd > textStart, buffer[matchEnd - 1] == ASCII.cr { matchEnd -= 1 }
            trailingDashes = matchEnd - textStart > 2 && buffer[matchEnd - 1] == ASCII.dash
                && buffer[matchEnd - 2] == ASCII.dash
        } else {
            matchEnd = min(matchEnd, textStart + MessageParser.maximumBoundaryLength + 4)
        }
        let available = matchEnd - textStart
        var best: Int?
        var level = boundaries.count - 1
        while level >= 0 {
            let candidate = boundaries[level]
            if candidate.count <= available,
               best.map({ boundaries[$0].count < candidate.count }) ?? true,
               matches(candidate, at: textStart) {
                best = level
                if candidate.count == available || (trailingDashes && candidate.count == available - 2) {
                    break
                }
            }
            level -= 1
        }
        guard let best else { return nil }
        let length = boundaries[best].count
        let isClose = lineContentEnd - textStart >= length + 2
            && buffer[textStart + length] == ASCII.dash
            && buffer[textStart + length + 1] == ASCII.dash
        return BoundaryHit(level: best, delimiterStart: delimiterStart, lineStart: lineStart,
                           lineEnd: lf.map { $0 + 1 } ?? end, hasLineFeed: lf != nil,
                           isClose: isClose)
    }

    private func matches(_ boundary: [UInt8], at offset: Int) -> Bool {
        guard !boundary.isEmpty else { return true }
        return boundary.withUnsafeBytes { candidate in
            memcmp(buffer.baseAddress! + offset, candidate.baseAddress!, candidate.count) == 0
        }
    }
}
