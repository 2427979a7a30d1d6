import MailCore

// The basic tokens of RFC 9051 §9 (and RFC 3501 §9): tags, atoms, strings, literals, numbers.

extension GrammarParser {
    /// `tag = 1*<any ASTRING-CHAR except "+">` (RFC 9051 §9), which must be followed by SP.
    /// Consumes the tag and the SP when both are there; otherwise consumes nothing.
    static func parseTag(_ buffer: inout ParseBuffer) -> Tag? {
        let start = buffer.index
        var end = start
        let bytes = buffer.bytes
        while end < bytes.count, CharClass.tag.contains(bytes[end]) { end += 1 }
        guard end > start, end < bytes.count, bytes[end] == .space else { return nil }
        buffer.index = end + 1
        return buffer.string(start..<end)
    }

    /// `atom = 1*ATOM-CHAR` (RFC 9051 §9), as written.
    static func parseAtom(_ buffer: inout ParseBuffer) throws(ParseError) -> String {
        buffer.string(try buffer.scanNonEmpty(.atom, rule: "atom"))
    }

    /// `astring = 1*ASTRING-CHAR / string` (RFC 9051 §9): the raw bytes.
    static func parseAstring(_ buffer: inout ParseBuffer) throws(ParseError) -> [UInt8] {
        switch buffer.current {
        case .dquote?: return try parseQuoted(&buffer)
        case .openBrace?: return try parseLiteral(&buffer)
        default: return Array(buffer.bytes[try buffer.scanNonEmpty(.astring, rule: "astring")])
        }
    }

    /// `string = quoted / literal` (RFC 9051 §9): the raw bytes.
    static func parseString(_ buffer: inout ParseBuffer) throws(ParseError) -> [UInt8] {
        switch buffer.current {
        case .dquote?: return try parseQuoted(&buffer)
        case .openBrace?: return try parseLiteral(&buffer)
        default: throw buffer.failure("string")
        }
    }

    /// `nstring = string / nil` (RFC 9051 §9); `nil = "NIL"`.
    static func parseNString(_ buffer: inout ParseBuffer) throws(ParseError) -> [UInt8]? {
        if buffer.consumeKeyword("NIL") { return nil }
        return try parseString(&buffer)
    }

    /// `quoted = DQUOTE *QUOTED-CHAR DQUOTE` (RFC 9051 §9), where
    /// `QUOTED-CHAR = <any TEXT-CHAR except quoted-specials> / "\" quoted-specials /
    /// UTF8-2 / UTF8-3 / UTF8-4`. Only `\"` and `\\` are escapes; CR, LF and NUL are never
    /// allowed. 8-bit bytes are kept as they are: SEARCH strings may be in another CHARSET.
    static func parseQuoted(_ buffer: inout ParseBuffer) throws(ParseError) -> [UInt8] {
        try buffer.expect(.dquote, rule: "quoted")
        let bytes = buffer.bytes
        let start = buffer.index
        var i = start
        // Fast path: no escapes, the contents are one slice of the input.
        while i < bytes.count {
            switch bytes[i] {
            case .dquote:
                buffer.index = i + 1
                return Array(bytes[start..<i])
            case .backslash:
                return try parseQuotedEscaped(&buffer, from: i, prefix: start..<i)
            case .cr, .lf, 0:
                buffer.index = i
                throw ParseError(.invalidCharacter(bytes[i]))
            default:
                i += 1
            }
        }
        buffer.index = i
        throw ParseError(.unterminatedQuotedString)
    }

    /// The rest of a `quoted` from its first backslash at `from`.
    private static func parseQuotedEscaped(_ buffer: inout ParseBuffer, from: Int,
                                           prefix: Range<Int>) throws(ParseError) -> [UInt8] {
        let bytes = buffer.bytes
        var result = Array(bytes[prefix])
        var i = from
        while i < bytes.count {
            let byte = bytes[i]
            switch byte {
            case .dquote:
                buffer.index = i + 1
                return result
            case .backslash:
                guard i + 1 < bytes.count else {
                    buffer.index = bytes.count
                    throw ParseError(.unterminatedQuotedString)
                }
                let escaped = bytes[i + 1]
                guard escaped == .dquote || escaped == .backslash else {
                    buffer.index = i + 1
                    throw ParseError(.expected(rule: "quoted-specials"))
                }
                result.append(escaped)
                i += 2
                continue
            case .cr, .lf, 0:
                buffer.index = i
                throw ParseError(.invalidCharacter(byte))
            default:
                result.append(byte)
            }
            i += 1
        }
        buffer.index = bytes.count
        throw ParseError(.unterminatedQuotedString)
    }

    /// `literal = "{" number64 ["+"] "}" CRLF *CHAR8` (RFC 9051 §9; `+` is LITERAL+, RFC 7888
    /// §4). The n bytes follow inline; the framer has already read them, so fewer is an
    /// unexpected end. NUL (not a CHAR8) is rejected by the entry points before parsing.
    static func parseLiteral(_ buffer: inout ParseBuffer) throws(ParseError) -> [UInt8] {
        try buffer.expect(.openBrace, rule: "literal")
        let count = try parseNumber64(&buffer)
        _ = buffer.consume(.plus)
        try buffer.expect(.closeBrace, rule: "literal")
        try buffer.expect(.cr, rule: "CRLF")
        try buffer.expect(.lf, rule: "CRLF")
        guard count <= UInt64(buffer.bytes.count - buffer.index) else {
            buffer.index = buffer.bytes.count
            throw ParseError(.unexpectedEnd)
        }
        let range = buffer.index..<buffer.index + Int(count)
        buffer.index = range.upperBound
        return Array(buffer.bytes[range])
    }

    // MARK: Numbers

    /// `number = 1*DIGIT`, an unsigned 32-bit integer (RFC 9051 §9).
    static func parseNumber(_ buffer: inout ParseBuffer) throws(ParseError) -> UInt32 {
        UInt32(try parseDigits(&buffer, max: UInt64(UInt32.max), nonZero: false, rule: "number"))
    }

    /// `nz-number = digit-nz *DIGIT`, 1…4294967295 (RFC 9051 §9).
    static func parseNZNumber(_ buffer: inout ParseBuffer) throws(ParseError) -> UInt32 {
        UInt32(try parseDigits(&buffer, max: UInt64(UInt32.max), nonZero: true, rule: "nz-number"))
    }

    /// `number64 = 1*DIGIT`, 0…9223372036854775807 (RFC 9051 §9).
    static func parseNumber64(_ buffer: inout ParseBuffer) throws(ParseError) -> UInt64 {
        try parseDigits(&buffer, max: UInt64(Int64.max), nonZero: false, rule: "number64")
    }

    /// `nz-number64 = digit-nz *DIGIT`, 1…9223372036854775807 (RFC 9051 §9).
    static func parseNZNumber64(_ buffer: inout ParseBuffer) throws(ParseError) -> UInt64 {
        try parseDigits(&buffer, max: UInt64(Int64.max), nonZero: true, rule: "nz-number64")
    }

    /// `mod-sequence-value = 1*DIGIT`, 1…2^63-1 (RFC 7162 §7).
    static func parseModSequenceValue(_ buffer: inout ParseBuffer) throws(ParseError) -> ModSeq {
        ModSeq(try parseDigits(&buffer, max: UInt64(Int64.max), nonZero: true, rule: "mod-sequence-value"))
    }

    /// `mod-sequence-valzer = "0" / mod-sequence-value` (RFC 7162 §7).
    static func parseModSequenceValzer(_ buffer: inout ParseBuffer) throws(ParseError) -> ModSeq {
        ModSeq(try parseDigits(&buffer, max: UInt64(Int64.max), nonZero: false, rule: "mod-sequence-valzer"))
    }

    /// A run of digits no larger than `max`. With `nonZero`, the `digit-nz *DIGIT` form: no
    /// zero value and no leading zero. What may follow the digits is the caller's rule.
    static func parseDigits(_ buffer: inout ParseBuffer, max: UInt64, nonZero: Bool,
                            rule: String) throws(ParseError) -> UInt64 {
        let range = try buffer.scan(.digit)
        guard !range.isEmpty else { throw buffer.failure(rule) }
        if nonZero, buffer.bytes[range.lowerBound] == .zero { throw ParseError(.invalidNumber) }
        guard let value = digitsValue(buffer.bytes, range, max: max) else {
            throw ParseError(.invalidNumber)
        }
        return value
    }

    /// The value of the ASCII digits in `range`, or nil when it exceeds `max`.
    static func digitsValue(_ bytes: [UInt8], _ range: Range<Int>, max: UInt64) -> UInt64? {
        var value: UInt64 = 0
        for i in range {
            let (times10, o1) = value.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(UInt64(bytes[i] &- .zero))
            guard !o1, !o2, sum <= max else { return nil }
            value = sum
        }
        return value
    }
}
