/// A lexical token of a Sieve script (RFC 5228 §8.1) and the line it starts on.
struct Token: Hashable, Sendable {
    enum Kind: Hashable, Sendable {
        /// `identifier`, lower-cased (identifiers are case-insensitive).
        case identifier(String)
        /// `tag` without its colon, lower-cased.
        case tag(String)
        /// `number` with its quantifier applied.
        case number(Int)
        /// `quoted-string` or `multi-line`, unescaped / dot-unstuffed.
        case string(String)
        case leftBracket, rightBracket, leftParen, rightParen, leftBrace, rightBrace
        case comma, semicolon
        case end
    }

    var kind: Kind
    var line: Int

    /// How the token is named in "expected X, found Y" errors.
    var shown: String {
        switch kind {
        case .identifier(let name): return "identifier \"\(name)\""
        case .tag(let name): return "tag :\(name)"
        case .number(let value): return "number \(value)"
        case .string: return "string"
        case .leftBracket: return "'['"
        case .rightBracket: return "']'"
        case .leftParen: return "'('"
        case .rightParen: return "')'"
        case .leftBrace: return "'{'"
        case .rightBrace: return "'}'"
        case .comma: return "','"
        case .semicolon: return "';'"
        case .end: return "end of script"
        }
    }
}

/// Splits a script into tokens (RFC 5228 §8.1), skipping white space and comments. Lenient
/// in one way only: a bare LF counts as a line ending (scripts written on Unix systems).
struct Lexer {
    private let bytes: [UInt8]
    private var position = 0
    /// The current line, counting from 1.
    private(set) var line = 1

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    private var current: UInt8? { position < bytes.count ? bytes[position] : nil }

    private func peek(_ offset: Int) -> UInt8? {
        position + offset < bytes.count ? bytes[position + offset] : nil
    }

    private func fail(_ kind: SieveError.Kind) -> SieveError { SieveError(line: line, kind) }

    /// The length of the line ending at `position`: 2 for CRLF, 1 for LF, 0 otherwise.
    private func lineEndingLength(at index: Int) -> Int {
        guard index < bytes.count else { return 0 }
        if bytes[index] == Byte.lf { return 1 }
        if bytes[index] == Byte.cr, index + 1 < bytes.count, bytes[index + 1] == Byte.lf { return 2 }
        return 0
    }

    /// The next token.
    mutating func next() throws(SieveError) -> Token {
        try skipWhiteSpace()
        let startLine = line
        guard let byte = current else { return Token(kind: .end, line: line) }
        func single(_ kind: Token.Kind) -> Token {
            position += 1
            return Token(kind: kind, line: startLine)
        }
        switch byte {
        case UInt8(ascii: "["): return single(.leftBracket)
        case UInt8(ascii: "]"): return single(.rightBracket)
        case UInt8(ascii: "("): return single(.leftParen)
        case UInt8(ascii: ")"): return single(.rightParen)
        case UInt8(ascii: "{"): return single(.leftBrace)
        case UInt8(ascii: "}"): return single(.rightBrace)
        case UInt8(ascii: ","): return single(.comma)
        case UInt8(ascii: ";"): return single(.semicolon)
        case Byte.quote:
            return Token(kind: .string(try quotedString()), line: startLine)
        case UInt8(ascii: ":"):
            position += 1
            guard let first = current, Byte.isIdentifierStart(first) else {
                throw fail(.unexpectedCharacter(UInt8(ascii: ":")))
            }
            return Token(kind: .tag(identifier()), line: startLine)
        case UInt8(ascii: "0")...UInt8(ascii: "9"):
            return Token(kind: .number(try number()), line: startLine)
        default:
            guard Byte.isIdentifierStart(byte) else { throw fail(.unexpectedCharacter(byte)) }
            let name = identifier()
            if name == "text", current == UInt8(ascii: ":") {
                position += 1
                return Token(kind: .string(try multiLine()), line: startLine)
            }
            return Token(kind: .identifier(name), line: startLine)
        }
    }

    /// `white-space = 1*(SP / CRLF / HTAB) / comment`, `hash-comment`, `bracket-comment`.
    private mutating func skipWhiteSpace() throws(SieveError) {
        while let byte = current {
            switch byte {
            case Byte.space, Byte.tab:
                position += 1
            case Byte.lf, Byte.cr:
                let length = lineEndingLength(at: position)
                guard length > 0 else { throw fail(.unexpectedCharacter(byte)) }
                position += length
                line += 1
            case UInt8(ascii: "#"):
                hashComment()
            case UInt8(ascii: "/") where peek(1) == UInt8(ascii: "*"):
                try bracketComment()
            default:
                return
            }
        }
    }

    /// `hash-comment = "#" *octet-not-crlf CRLF`; the end of the script also ends it.
    private mutating func hashComment() {
        while let byte = current, byte != Byte.lf { position += 1 }
        if current == Byte.lf {
            position += 1
            line += 1
        }
    }

    /// `bracket-comment = "/*" ... "*/"`.
    private mutating func bracketComment() throws(SieveError) {
        let startLine = line
        position += 2
        while let byte = current {
            if byte == UInt8(ascii: "*"), peek(1) == UInt8(ascii: "/") {
                position += 2
                return
            }
            if byte == Byte.lf { line += 1 }
            position += 1
        }
        throw SieveError(line: startLine, .unterminatedComment)
    }

    /// `identifier = (ALPHA / "_") *(ALPHA / DIGIT / "_")`, lower-cased.
    private mutating func identifier() -> String {
        let start = position
        while let byte = current, Byte.isIdentifierStart(byte) || Byte.isDigit(byte) { position += 1 }
        return String(decoding: bytes[start..<position].map(Byte.lowercased), as: UTF8.self)
    }

    /// `number = 1*DIGIT [ QUANTIFIER ]`, `QUANTIFIER = "K" / "M" / "G"` (RFC 5228 §2.4.1).
    private mutating func number() throws(SieveError) -> Int {
        var value = 0
        while let byte = current, Byte.isDigit(byte) {
            let (times, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times.addingReportingOverflow(Int(byte - UInt8(ascii: "0")))
            guard !overflow1, !overflow2 else { throw fail(.numberTooLarge) }
            value = sum
            position += 1
        }
        let shift: Int
        switch current.map(Byte.lowercased) {
        case UInt8(ascii: "k"): shift = 10
        case UInt8(ascii: "m"): shift = 20
        case UInt8(ascii: "g"): shift = 30
        default: shift = 0
        }
        if shift > 0 {
            position += 1
            guard value <= Int.max >> shift else { throw fail(.numberTooLarge) }
            value <<= shift
        }
        if let byte = current, Byte.isIdentifierStart(byte) { throw fail(.unexpectedCharacter(byte)) }
        return value
    }

    /// `quoted-string = DQUOTE quoted-text DQUOTE` (RFC 5228 §2.4.2): `\"` and `\\` stand for
    /// the second character, any other backslash is dropped.
    private mutating func quotedString() throws(SieveError) -> String {
        let startLine = line
        position += 1
        var value: [UInt8] = []
        while let byte = current {
            switch byte {
            case Byte.quote:
                position += 1
                return try utf8(value, line: startLine)
            case Byte.backslash:
                guard let escaped = peek(1) else { throw SieveError(line: startLine, .unterminatedString) }
                if escaped == Byte.cr || escaped == Byte.lf {
                    // A backslash before a line ending escapes nothing: keep the line ending.
                    position += 1
                    continue
                }
                guard escaped != 0 else { throw fail(.unexpectedCharacter(0)) }
                value.append(escaped)
                position += 2
            case Byte.cr, Byte.lf:
                let length = lineEndingLength(at: position)
                guard length > 0 else { throw fail(.unexpectedCharacter(byte)) }
                value.append(contentsOf: bytes[position..<position + length])
                position += length
                line += 1
            case 0:
                throw fail(.unexpectedCharacter(0))
            default:
                value.append(byte)
                position += 1
            }
        }
        throw SieveError(line: startLine, .unterminatedString)
    }

    /// `multi-line` after "text:" (RFC 5228 §2.4.2): optional blanks and a hash comment to the
    /// end of the line, then lines up to one holding a single ".", a leading ".." losing one dot.
    /// Lines end in CRLF in the value, whatever they ended in in the script.
    private mutating func multiLine() throws(SieveError) -> String {
        let startLine = line
        while current == Byte.space || current == Byte.tab { position += 1 }
        if current == UInt8(ascii: "#") {
            hashComment()
        } else {
            let length = lineEndingLength(at: position)
            guard length > 0 else {
                throw fail(.expected("a line break after \"text:\"",
                                     found: current.map { "byte 0x\(String($0, radix: 16))" } ?? "end of script"))
            }
            position += length
            line += 1
        }
        var value: [UInt8] = []
        while position < bytes.count {
            var end = position
            while end < bytes.count, bytes[end] != Byte.lf, bytes[end] != Byte.cr { end += 1 }
            let ending = lineEndingLength(at: end)
            if end < bytes.count, ending == 0 { throw fail(.unexpectedCharacter(bytes[end])) }
            let content = bytes[position..<end]
            if content.contains(0) { throw fail(.unexpectedCharacter(0)) }
            position = end + ending
            if ending > 0 { line += 1 }
            if content.count == 1, content.first == UInt8(ascii: ".") {
                return try utf8(value, line: startLine)
            }
            if content.count >= 2, content.first == UInt8(ascii: "."),
               content[content.startIndex + 1] == UInt8(ascii: ".") {
                value.append(contentsOf: content.dropFirst())
            } else {
                value.append(contentsOf: content)
            }
            value.append(Byte.cr)
            value.append(Byte.lf)
        }
        throw SieveError(line: startLine, .unterminatedMultiLine)
    }

    private func utf8(_ value: [UInt8], line: Int) throws(SieveError) -> String {
        guard let text = String(validating: value, as: UTF8.self) else {
            throw SieveError(line: line, .invalidUTF8)
        }
        return text
    }
}

/// The ASCII bytes the lexer and the matchers look at.
enum Byte {
    static let tab: UInt8 = 0x09
    static let lf: UInt8 = 0x0A
    static let cr: UInt8 = 0x0D
    static let space: UInt8 = 0x20
    static let quote: UInt8 = 0x22
    static let backslash: UInt8 = 0x5C

    @inline(__always)
    static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    @inline(__always)
    static func isAlpha(_ byte: UInt8) -> Bool {
        (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
    }

    @inline(__always)
    static func isIdentifierStart(_ byte: UInt8) -> Bool { isAlpha(byte) || byte == UInt8(ascii: "_") }

    @inline(__always)
    static func lowercased(_ byte: UInt8) -> UInt8 {
        byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte
    }

    @inline(__always)
    static func uppercased(_ byte: UInt8) -> UInt8 {
        byte >= 0x61 && byte <= 0x7A ? byte - 0x20 : byte
    }
}
