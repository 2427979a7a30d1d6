/// A read cursor over the bytes of one command: the grammar functions advance `index` as they
/// recognise their rule. It never copies the input; values are built only from the byte ranges
/// the rules accept.
///
/// Conventions shared by every rule (RFC 9051 §9, notes 1–3): keywords match case-insensitively,
/// `SP` is exactly one space, NUL never appears outside OCTET, and a CTL or 8-bit byte found where
/// the grammar wanted an ASCII token is reported as `.invalidCharacter`.
struct ParseBuffer {
    let bytes: [UInt8]
    var index: Int
    /// The deepest nesting of parentheses and search keys allowed (`ParserLimits`).
    let maxDepth: Int
    /// The current nesting depth, maintained by `enterNesting` / `leaveNesting`.
    var depth: Int = 0

    init(_ bytes: [UInt8], limits: ParserLimits = ParserLimits()) {
        self.bytes = bytes
        self.index = 0
        self.maxDepth = limits.maxNestingDepth
    }

    var isAtEnd: Bool { index >= bytes.count }

    /// The byte at the cursor, or nil at the end.
    var current: UInt8? { index < bytes.count ? bytes[index] : nil }

    /// The byte `offset` positions after the cursor, or nil past the end.
    func peek(_ offset: Int = 0) -> UInt8? {
        let i = index + offset
        return i < bytes.count ? bytes[i] : nil
    }

    /// Consumes `byte` if it is next.
    mutating func consume(_ byte: UInt8) -> Bool {
        guard index < bytes.count, bytes[index] == byte else { return false }
        index += 1
        return true
    }

    /// Consumes `byte` or throws the error for a missing `rule`.
    mutating func expect(_ byte: UInt8, rule: String) throws(ParseError) {
        guard consume(byte) else { throw failure(rule) }
    }

    /// `SP`: exactly one space (RFC 9051 §9, note 2).
    mutating func expectSP() throws(ParseError) {
        guard consume(.space) else { throw failure("SP") }
    }

    /// The error for "expected `rule` here": `.unexpectedEnd` at the end of the input,
    /// `.invalidCharacter` on a CTL or 8-bit byte, `.expected(rule:)` otherwise.
    func failure(_ rule: String) -> ParseError {
        guard index < bytes.count else { return ParseError(.unexpectedEnd) }
        let byte = bytes[index]
        if byte.isControlOrEightBit { return ParseError(.invalidCharacter(byte)) }
        return ParseError(.expected(rule: rule))
    }

    // MARK: Runs of characters

    /// Advances over the longest run of bytes in `charClass` and returns its range (maybe
    /// empty). A CTL or 8-bit byte right after the run is an invalid character: no token of the
    /// command grammar may be followed by one.
    mutating func scan(_ charClass: CharClass) throws(ParseError) -> Range<Int> {
        let start = index
        while index < bytes.count, charClass.contains(bytes[index]) { index += 1 }
        if index < bytes.count, bytes[index].isControlOrEightBit {
            throw ParseError(.invalidCharacter(bytes[index]))
        }
        return start..<index
    }

    /// A non-empty run of `charClass`, or the error for a missing `rule`.
    mutating func scanNonEmpty(_ charClass: CharClass, rule: String) throws(ParseError) -> Range<Int> {
        let range = try scan(charClass)
        guard !range.isEmpty else { throw failure(rule) }
        return range
    }

    /// The bytes of `range` as a string, ASCII letters folded to upper case.
    func uppercased(_ range: Range<Int>) -> String {
        Token(bytes: bytes, range: range).text
    }

    /// The bytes of `range` as a string, unchanged (UTF-8; invalid sequences are replaced).
    func string(_ range: Range<Int>) -> String {
        String(decoding: bytes[range], as: UTF8.self)
    }

    /// An atom-like token: the name of a command, fetch attribute, search key, option...,
    /// to be matched against upper-case literals (see `Token`). Empty when the next byte
    /// cannot start one.
    mutating func keyword(_ charClass: CharClass = .atom) throws(ParseError) -> Token {
        Token(bytes: bytes, range: try scan(charClass))
    }

    /// Whether the bytes at the cursor spell `word` (upper-case ASCII), case-insensitively,
    /// and are not followed by another atom character. Consumes nothing.
    func hasKeyword(_ word: StaticString) -> Bool {
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count else { return false }
        let matches = word.withUTF8Buffer { letters -> Bool in
            for i in 0..<count where bytes[index + i].asciiUppercased != letters[i] { return false }
            return true
        }
        guard matches else { return false }
        return index + count == bytes.count || !CharClass.atom.contains(bytes[index + count])
    }

    /// Consumes `word` if `hasKeyword(word)`.
    mutating func consumeKeyword(_ word: StaticString) -> Bool {
        guard hasKeyword(word) else { return false }
        index += word.utf8CodeUnitCount
        return true
    }

    // MARK: Nesting

    /// Enters one level of parentheses or search-key nesting; throws past `maxDepth`.
    mutating func enterNesting() throws(ParseError) {
        depth += 1
        guard depth <= maxDepth else { throw ParseError(.nestingTooDeep) }
    }

    mutating func leaveNesting() {
        depth -= 1
    }
}

/// A keyword-like token of the input. `switch` statements match it against upper-case string
/// literals case-insensitively (RFC 9051 §9, note 1) through `~=`, comparing bytes in place:
/// no String is built unless a name has to go into an error or an unknown option.
struct Token {
    let bytes: [UInt8]
    let range: Range<Int>

    var isEmpty: Bool { range.isEmpty }

    /// The token in upper case.
    var text: String {
        String(unsafeUninitializedCapacity: range.count) { buffer in
            var out = 0
            for i in range {
                buffer[out] = bytes[i].asciiUppercased
                out += 1
            }
            return out
        }
    }

    /// Whether the token spells `word` (upper-case ASCII), case-insensitively.
    @inline(__always)
    func matches(_ word: UnsafeBufferPointer<UInt8>) -> Bool {
        guard word.count == range.count else { return false }
        var i = range.lowerBound
        for letter in word {
            guard bytes[i].asciiUppercased == letter else { return false }
            i += 1
        }
        return true
    }
}

/// `case "FETCH":` on a `Token`: a case-insensitive match without building a String.
@inline(__always)
func ~= (pattern: StaticString, token: Token) -> Bool {
    guard pattern.utf8CodeUnitCount == token.range.count else { return false }
    return pattern.withUTF8Buffer { token.matches($0) }
}

/// The character classes of RFC 9051 §9 that tokens are made of.
enum CharClass {
    /// `ATOM-CHAR`: any CHAR except `atom-specials` (`(` `)` `{` SP CTL `%` `*` `"` `\` `]`).
    case atom
    /// `ASTRING-CHAR = ATOM-CHAR / resp-specials`.
    case astring
    /// `list-char = ATOM-CHAR / list-wildcards / resp-specials`.
    case list
    /// `tag = 1*<any ASTRING-CHAR except "+">`.
    case tag
    /// ATOM-CHAR except `[`: the name of a fetch attribute before its section (`BODY[`).
    case fetchName
    /// `DIGIT`.
    case digit
    /// `objectid` characters (RFC 8474 §7): ALPHA / DIGIT / "_" / "-".
    case objectID
    /// `base64-char` (RFC 9051 §9): ALPHA / DIGIT / "+" / "/".
    case base64
    /// The characters of `tagged-ext-simple = sequence-set / number / number64` (RFC 4466).
    case taggedExtSimple

    @inline(__always)
    func contains(_ byte: UInt8) -> Bool {
        switch self {
        case .atom: return byte.isAtomChar
        case .astring: return byte.isAtomChar || byte == .closeBracket
        case .list: return byte.isAtomChar || byte == .closeBracket || byte == .percent || byte == .star
        case .tag: return (byte.isAtomChar && byte != .plus) || byte == .closeBracket
        case .fetchName: return byte.isAtomChar && byte != .openBracket
        case .digit: return byte.isDigit
        case .objectID: return byte.isAlphaNumeric || byte == .underscore || byte == .minus
        case .base64: return byte.isAlphaNumeric || byte == .plus || byte == .slash
        case .taggedExtSimple:
            return byte.isDigit || byte == .star || byte == .colon || byte == .comma || byte == .dollar
        }
    }
}

extension UInt8 {
    static let space: UInt8 = 0x20
    static let dquote: UInt8 = 0x22
    static let dollar: UInt8 = 0x24
    static let percent: UInt8 = 0x25
    static let openParen: UInt8 = 0x28
    static let closeParen: UInt8 = 0x29
    static let star: UInt8 = 0x2A
    static let plus: UInt8 = 0x2B
    static let comma: UInt8 = 0x2C
    static let minus: UInt8 = 0x2D
    static let dot: UInt8 = 0x2E
    static let slash: UInt8 = 0x2F
    static let zero: UInt8 = 0x30
    static let colon: UInt8 = 0x3A
    static let lessThan: UInt8 = 0x3C
    static let equals: UInt8 = 0x3D
    static let greaterThan: UInt8 = 0x3E
    static let openBracket: UInt8 = 0x5B
    static let backslash: UInt8 = 0x5C
    static let closeBracket: UInt8 = 0x5D
    static let underscore: UInt8 = 0x5F
    static let openBrace: UInt8 = 0x7B
    static let closeBrace: UInt8 = 0x7D
    static let tilde: UInt8 = 0x7E
    static let cr: UInt8 = 0x0D
    static let lf: UInt8 = 0x0A

    /// `CTL` (%x00-1F / %x7F) or a byte outside `CHAR` (%x80-FF).
    var isControlOrEightBit: Bool { self < 0x20 || self >= 0x7F }

    var isDigit: Bool { self &- 0x30 < 10 }

    var isAlphaNumeric: Bool { isDigit || (self | 0x20) &- 0x61 < 26 }

    var asciiUppercased: UInt8 { self &- 0x61 < 26 ? self &- 0x20 : self }

    /// `ATOM-CHAR` (RFC 9051 §9).
    var isAtomChar: Bool {
        switch self {
        case 0x21, 0x23, 0x24, 0x26, 0x27, 0x2B...0x5B, 0x5E...0x7A, 0x7C...0x7E: return true
        default: return false
        }
    }
}
