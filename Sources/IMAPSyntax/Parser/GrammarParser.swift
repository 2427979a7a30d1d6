/// The IMAP command grammar (RFC 3501 §9, RFC 9051 §9 and the extensions listed at `Command`):
/// bytes of one command in, typed values out.
///
/// The framer finds where a command ends (literal accounting is its job, not this parser's) and
/// hands over the whole command; every function here is pure and works on `[UInt8]`. Each ABNF
/// rule has one `parse…` function named after it, grouped by area in the `GrammarParser+…`
/// files; they all share one `ParseBuffer` cursor and throw `ParseError` without a tag, which
/// the entry points below add.
public enum GrammarParser {
    /// Parses one complete command, `tag SP command` (RFC 9051 §9 `command`), without the final
    /// CRLF. Literals appear inline as on the wire: `{n}` or `{n+}`, CRLF, then exactly n bytes.
    /// All input must be consumed, else `.trailingCharacters`. Every thrown error carries the
    /// tag when the line began with a valid tag followed by SP.
    ///
    /// APPEND is not a `Command`: the framer streams its message literals (see
    /// `parseAppendPrefix`), so an APPEND here is always incomplete or malformed.
    public static func parseCommand(_ bytes: [UInt8], limits: ParserLimits = ParserLimits())
        throws(ParseError) -> TaggedCommand {
        var buffer = ParseBuffer(bytes, limits: limits)
        let tag = parseTag(&buffer)
        // RFC 9051 §9 note 3: NUL is allowed nowhere in a command, not even in a literal (CHAR8),
        // except inside a literal8 (`~{n}`, OCTETs: RFC 3516 §4.2, RFC 5464 §5 values).
        if containsNUL(bytes) && hasNULOutsideLiteral8(bytes) { throw ParseError(tag: tag, .invalidCharacter(0)) }
        guard let tag else { throw ParseError(.invalidTag) }
        do throws(ParseError) {
            let command = try parseCommandBody(&buffer)
            guard buffer.isAtEnd else { throw ParseError(.trailingCharacters) }
            return TaggedCommand(tag: tag, command: command)
        } catch {
            throw ParseError(tag: tag, error.kind)
        }
    }

    /// The tag at the start of a line, if the line begins with a valid `tag` followed by SP;
    /// the server needs it to answer `tag BAD` to a line it cannot parse (RFC 9051 §7.1.3).
    public static func parseTag(ofLine bytes: [UInt8]) -> Tag? {
        var buffer = ParseBuffer(bytes)
        return parseTag(&buffer)
    }

    /// Decides where a literal announced at the end of a line belongs, when the framer sees a
    /// literal marker (`{n}`, `{n+}` or `~{n}`). `bytes` is the command so far, up to but not
    /// including the marker; it may hold earlier inline literals.
    ///
    /// - `.notAppend`: not an APPEND command (or no valid tag), the literal is an argument.
    /// - `.mailboxLiteral`: exactly `tag SP "APPEND" SP`: the literal is the mailbox name.
    /// - `.message`: `tag SP "APPEND" SP mailbox [SP flag-list] [SP date-time] SP`
    ///   (RFC 3501 §6.3.11, RFC 3502 §6.3.11): the literal is the first message.
    /// - `.replacement`: `tag SP ["UID" SP] "REPLACE" SP seq-number SP mailbox [SP flag-list]
    ///   [SP date-time] SP` (RFC 8508 §5): the literal is the replacing message.
    /// - `.invalid`: an APPEND that is malformed before its message; the error has the tag.
    public static func parseAppendPrefix(_ bytes: [UInt8]) -> AppendPrefix {
        var buffer = ParseBuffer(bytes)
        guard let tag = parseTag(&buffer) else { return .notAppend }
        guard let name = try? buffer.keyword() else { return .notAppend }
        if !("APPEND" ~= name) {
            // REPLACE and UID REPLACE (RFC 8508 §5) stream their message like APPEND.
            let byUID = "UID" ~= name && buffer.consume(.space)
            guard byUID ? buffer.consumeKeyword("REPLACE") : "REPLACE" ~= name else { return .notAppend }
            if containsNUL(bytes) { return .invalid(ParseError(tag: tag, .invalidCharacter(0))) }
            do throws(ParseError) {
                return try parseReplacePrefix(&buffer, tag: tag, byUID: byUID)
            } catch {
                return .invalid(ParseError(tag: tag, error.kind))
            }
        }
        if containsNUL(bytes) { return .invalid(ParseError(tag: tag, .invalidCharacter(0))) }
        do throws(ParseError) {
            try buffer.expectSP()
            if buffer.isAtEnd { return .mailboxLiteral }
            let mailbox = try parseMailbox(&buffer)
            let options = try parseAppendOpts(&buffer)
            return .message(tag: tag, mailbox: mailbox, options: options)
        } catch {
            return .invalid(ParseError(tag: tag, error.kind))
        }
    }

    /// MULTIAPPEND (RFC 3502 §6.3.11): what follows one message literal of an APPEND up to but
    /// not including the next literal marker, `SP [flag-list SP] [date-time SP]`. The error has
    /// no tag: the framer knows it.
    public static func parseAppendContinuation(_ bytes: [UInt8]) throws(ParseError) -> AppendMessageOptions {
        if containsNUL(bytes) { throw ParseError(.invalidCharacter(0)) }
        var buffer = ParseBuffer(bytes)
        return try parseAppendOpts(&buffer)
    }

    /// One client line during AUTHENTICATE (RFC 9051 §6.2.2), without its CRLF: `*` cancels the
    /// exchange; otherwise the line is base64 (maybe empty) and is decoded. nil if it is neither.
    public static func parseSASLResponse(_ line: [UInt8]) -> SASLResponse? {
        if line.count == 1, line[0] == .star { return .cancel }
        return decodeBase64(line).map(SASLResponse.data)
    }
}

extension GrammarParser {
    /// Whether NUL occurs anywhere (RFC 9051 §9 note 3: not even in a literal, whose bytes are
    /// CHAR8). Eight bytes at a time: every command passes through here once.
    static func containsNUL(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { raw in
            let count = raw.count
            var i = 0
            while i + 8 <= count {
                let word = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                if (word &- 0x0101_0101_0101_0101) & ~word & 0x8080_8080_8080_8080 != 0 { return true }
                i += 8
            }
            while i < count {
                if raw[i] == 0 { return true }
                i += 1
            }
            return false
        }
    }
}

extension GrammarParser {
    /// Whether a NUL lies outside every literal8 of a whole command (the slow path, taken only
    /// when `containsNUL`): walks the command, skipping over the n bytes after each
    /// `{n}`/`{n+}` CRLF (where NUL is refused) and each `~{n}` CRLF (where it is allowed).
    /// A quoted string cannot hide a literal marker, since it holds no CR or LF.
    static func hasNULOutsideLiteral8(_ bytes: [UInt8]) -> Bool {
        var i = 0
        while i < bytes.count {
            let byte = bytes[i]
            if byte == 0 { return true }
            if byte == .lf, i >= 2, bytes[i - 1] == .cr, bytes[i - 2] == .closeBrace,
               let marker = LiteralMarker(endOf: Array(bytes[max(0, i - 40)..<(i - 1)])) {
                let start = i + 1
                let end = min(bytes.count, start + Int(clamping: marker.size))
                if !marker.binary && bytes[start..<end].contains(0) { return true }
                i = end
                continue
            }
            i += 1
        }
        return false
    }
}

/// A client's answer to a SASL challenge during AUTHENTICATE (RFC 9051 §6.2.2).
public enum SASLResponse: Hashable, Sendable {
    /// The decoded response (empty for an empty line).
    case data([UInt8])
    /// `*`: the client cancels the exchange; the server answers BAD.
    case cancel
}
