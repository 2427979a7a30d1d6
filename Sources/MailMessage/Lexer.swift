/// How a lexical step ended: `invalid` input, the `end` of the input reached (a value may still
/// have been produced), or `more` input follows. White space and comments after a token are
/// skipped, before it they are not (the caller skips them first).
enum LexOutcome: Equatable {
    case invalid
    case end
    case more
}

/// Character classes of RFC 5322 §3.2.3 `atext` and RFC 2045 §5.1 `token`; 8-bit bytes count
/// as atext, as mature servers accept them (RFC 6532 §3.2 allows UTF-8 there).
enum CharacterClass {
    /// Bit 0: atext. Bit 1: MIME token character (atext minus the tspecials "/", "=", "?").
    static let table: [UInt8] = {
        var table = [UInt8](repeating: 0, count: 256)
        for byte in 0..<256 {
            let alphanumeric = (48...57).contains(byte) || (65...90).contains(byte)
                || (97...122).contains(byte) || byte >= 128
            if alphanumeric { table[byte] = 3 }
        }
        for byte in "!#$%&'*+-^_`{|}~".utf8 { table[Int(byte)] = 3 }
        for byte in "/=?".utf8 { table[Int(byte)] = 1 }
        return table
    }()

    @inline(__always) static func isAtext(_ byte: UInt8) -> Bool { table[Int(byte)] & 1 != 0 }
    @inline(__always) static func isTokenCharacter(_ byte: UInt8) -> Bool {
        table[Int(byte)] & 2 != 0
    }
}

/// The lexical layer of RFC 5322 §3.2 (atoms, quoted strings, comments, phrases, domains) and
/// of RFC 2045 §5.1 (tokens, parameters), lenient the way Dovecot's lib-mail is, so that
/// ENVELOPE and BODYSTRUCTURE come out the same for broken input.
struct Lexer {
    let data: [UInt8]
    var position = 0
    /// When set, the text of the most recent comment is kept in `lastComment`.
    var recordsComments = false
    var lastComment: [UInt8] = []

    init(_ data: [UInt8], recordsComments: Bool = false) {
        self.data = data
        self.recordsComments = recordsComments
    }

    var atEnd: Bool { position >= data.count }
    /// The current byte, nil at the end.
    var current: UInt8? { position < data.count ? data[position] : nil }

    private var afterValue: LexOutcome { atEnd ? .end : .more }

    /// `comment` (RFC 5322 §3.2.2), nested; the lexer is at "(".
    mutating func skipComment() -> LexOutcome {
        var level = 1
        if recordsComments { lastComment.removeAll(keepingCapacity: true) }
        position += 1
        var start = position
        while position < data.count {
            switch data[position] {
            case ASCII.openParen:
                level += 1
            case ASCII.closeParen:
                level -= 1
                if level == 0 {
                    if recordsComments { lastComment += data[start..<position] }
                    position += 1
                    return afterValue
                }
            case ASCII.lf:
                if recordsComments {
                    var end = position
                    if end > start, data[end - 1] == ASCII.cr { end -= 1 }
                    lastComment += data[start..<end]
                    start = position + 1
                }
            case ASCII.backslash:
                position += 1
                guard position < data.count else { return .invalid }
                let escaped = data[position]
                if escaped == ASCII.cr || escaped == ASCII.lf || escaped == ASCII.nul {
                    position -= 1
                } else {
                    if recordsComments { lastComment += data[start..<position - 1] }
                    start = position
                }
            default:
                break
            }
            position += 1
        }
        return .invalid
    }

    /// `CFWS` (RFC 5322 §3.2.2): white space, line breaks and comments.
    mutating func skipCFWS() -> LexOutcome {
        while position < data.count {
            let byte = data[position]
            if byte == ASCII.space || byte == ASCII.tab || byte == ASCII.cr || byte == ASCII.lf {
                position += 1
            } else if byte == ASCII.openParen {
                if skipComment() == .invalid { return .invalid }
            } else {
                break
            }
        }
        return afterValue
    }

    /// `atom` (RFC 5322 §3.2.3).
    mutating func atom(into output: inout [UInt8]) -> LexOutcome {
        guard let first = current, CharacterClass.isAtext(first) else { return .invalid }
        let start = position
        position += 1
        while position < data.count, CharacterClass.isAtext(data[position]) { position += 1 }
        output += data[start..<position]
        return atEnd ? .end : skipCFWS()
    }

    /// `dot-atom` (RFC 5322 §3.2.3), allowing CFWS around the dots (RFC 822 compatibility)
    /// but not empty atoms.
    mutating func dotAtom(into output: inout [UInt8]) -> LexOutcome {
        guard let first = current, CharacterClass.isAtext(first) else { return .invalid }
        var start = position
        position += 1
        while position < data.count {
            if CharacterClass.isAtext(data[position]) {
                position += 1
                continue
            }
            if start == position { return .invalid }
            output += data[start..<position]
            let outcome = skipCFWS()
            guard outcome == .more else { return outcome }
            guard data[position] == ASCII.dot else { return .more }
            position += 1
            output.append(ASCII.dot)
            guard skipCFWS() == .more else { return .invalid }
            start = position
        }
        output += data[start..<position]
        return .end
    }

    /// `obs-local-part` leniency (RFC 5322 §4.4): dots anywhere, leading, doubled or trailing.
    mutating func looseDotAtom(into output: inout [UInt8]) -> LexOutcome {
        var outcome = LexOutcome.invalid
        repeat {
            while current == ASCII.dot {
                output.append(ASCII.dot)
                position += 1
                if atEnd { return .end }
                outcome = .more
            }
            if current == ASCII.at { break }
            outcome = atom(into: &output)
        } while outcome == .more && current == ASCII.dot
        return outcome
    }

    /// `token` (RFC 2045 §5.1), which may be empty; dots are accepted.
    mutating func mimeToken(into output: inout [UInt8]) -> LexOutcome {
        let start = position
        while position < data.count,
              CharacterClass.isTokenCharacter(data[position]) || data[position] == ASCII.dot {
            position += 1
        }
        output += data[start..<position]
        return atEnd ? .end : skipCFWS()
    }

    /// `quoted-string` (RFC 5322 §3.2.4): quotes and quoted-pair backslashes removed, folding
    /// line breaks removed; the lexer is at the opening quote.
    mutating func quotedString(into output: inout [UInt8]) -> LexOutcome {
        position += 1
        var start = position
        while position < data.count {
            switch data[position] {
            case ASCII.quote:
                output += data[start..<position]
                position += 1
                return skipCFWS()
            case ASCII.lf:
                var end = position
                if end > start, data[end - 1] == ASCII.cr { end -= 1 }
                output += data[start..<end]
                start = position + 1
            case ASCII.backslash:
                position += 1
                guard position < data.count else { return .invalid }
                let escaped = data[position]
                if escaped == ASCII.cr || escaped == ASCII.lf || escaped == ASCII.nul {
                    position -= 1
                } else {
                    output += data[start..<position - 1]
                    start = position
                }
            default:
                break
            }
            position += 1
        }
        return .invalid
    }

    private mutating func atomOrDot(into output: inout [UInt8]) -> LexOutcome {
        let start = position
        while position < data.count,
              CharacterClass.isAtext(data[position]) || data[position] == ASCII.dot {
            position += 1
        }
        output += data[start..<position]
        return atEnd ? .end : skipCFWS()
    }

    /// `phrase` with `obs-phrase` (RFC 5322 §3.2.5, §4.1): words joined by one space, quoted
    /// strings unquoted, comments dropped. May produce nothing.
    mutating func phrase(into output: inout [UInt8]) -> LexOutcome {
        guard let first = current else { return .end }
        if first == ASCII.dot { return .invalid }
        while true {
            let outcome = current == ASCII.quote ? quotedString(into: &output)
                                                 : atomOrDot(into: &output)
            guard outcome == .more, let next = current else { return outcome }
            guard CharacterClass.isAtext(next) || next == ASCII.quote || next == ASCII.dot else {
                break
            }
            output.append(ASCII.space)
        }
        return skipCFWS()
    }

    /// `domain-literal` (RFC 5322 §3.4.1), brackets kept; the lexer is at "[".
    private mutating func domainLiteral(into output: inout [UInt8]) -> LexOutcome {
        var start = position
        position += 1
        while position < data.count {
            switch data[position] {
            case ASCII.openBracket:
                return .invalid
            case ASCII.closeBracket:
                output += data[start...position]
                position += 1
                return skipCFWS()
            case ASCII.lf:
                var end = position
                if end > start, data[end - 1] == ASCII.cr { end -= 1 }
                output += data[start..<end]
                start = position + 1
            case ASCII.backslash:
                position += 1
                guard position < data.count else { return .invalid }
                let escaped = data[position]
                if escaped == ASCII.cr || escaped == ASCII.lf || escaped == ASCII.nul {
                    output += data[start..<position]
                    start = position
                    position -= 1
                }
            default:
                break
            }
            position += 1
        }
        return .invalid
    }

    /// "@" `domain` (RFC 5322 §3.4.1 with `obs-domain`, §4.4); the lexer is at "@".
    mutating func domain(into output: inout [UInt8]) -> LexOutcome {
        position += 1
        guard skipCFWS() == .more else { return .invalid }
        return current == ASCII.openBracket ? domainLiteral(into: &output)
                                            : dotAtom(into: &output)
    }

    /// `type "/" subtype` of Content-Type (RFC 2045 §5.1). On failure `output` keeps what
    /// Dovecot keeps: a lone type token, or nothing.
    mutating func contentType(into output: inout [UInt8]) -> LexOutcome {
        let start = output.count
        guard skipCFWS() == .more else { return .invalid }
        guard mimeToken(into: &output) == .more, output.count > start else { return .invalid }
        guard current == ASCII.slash else {
            output.removeSubrange(start...)
            return .invalid
        }
        position += 1
        guard skipCFWS() == .more else {
            output.removeSubrange(start...)
            return .invalid
        }
        output.append(ASCII.slash)
        let subtypeStart = output.count
        let outcome = mimeToken(into: &output)
        if outcome == .invalid || output.count == subtypeStart
            || (current != nil && current != ASCII.semicolon) {
            output.removeSubrange(start...)
            return .invalid
        }
        return outcome
    }

    enum ParameterOutcome {
        case none
        case invalid
        case parameter(name: [UInt8], value: [UInt8])
    }

    /// One `";" parameter` (RFC 2045 §5.1); a value may be a token or a quoted string, and an
    /// unquoted RFC 2047 word after "=" is taken whole (a common violation).
    mutating func contentParameter() -> ParameterOutcome {
        guard let first = current else { return .none }
        guard first == ASCII.semicolon else { return .invalid }
        position += 1
        guard skipCFWS() == .more else { return .invalid }
        var name: [UInt8] = []
        guard mimeToken(into: &name) == .more, current == ASCII.equals else { return .invalid }
        position += 1
        var value: [UInt8] = []
        var outcome = skipCFWS()
        if outcome == .more {
            if current == ASCII.quote {
                outcome = quotedString(into: &value)
            } else if current == ASCII.equals {
                while let byte = current, byte != ASCII.semicolon, byte != ASCII.space,
                      byte != ASCII.tab, byte != ASCII.cr, byte != ASCII.lf {
                    value.append(byte)
                    position += 1
                }
            } else {
                outcome = mimeToken(into: &value)
            }
        }
        return outcome == .invalid ? .invalid : .parameter(name: name, value: value)
    }
}
