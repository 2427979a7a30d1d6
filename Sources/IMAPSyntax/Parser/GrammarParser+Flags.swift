import MailCore

// Flags and STORE's flag arguments (RFC 9051 §9, RFC 3501 §9).

extension GrammarParser {
    /// `flag = "\Answered" / "\Flagged" / "\Deleted" / "\Seen" / "\Draft" / flag-keyword /
    /// flag-extension`, `flag-keyword = atom`, `flag-extension = "\" atom` (RFC 9051 §9).
    ///
    /// The whole token up to SP, `(`, `)` or the end is taken, then checked, so that the error
    /// names the flag as written (`.invalidFlag("\\*")`, `.invalidFlag("a]b")`).
    static func parseFlag(_ buffer: inout ParseBuffer) throws(ParseError) -> Flag {
        let range = try scanFlagToken(&buffer, rule: "flag")
        let bytes = buffer.bytes
        var atomStart = range.lowerBound
        if bytes[atomStart] == .backslash { atomStart += 1 }
        guard atomStart < range.upperBound,
              bytes[atomStart..<range.upperBound].allSatisfy({ $0.isAtomChar }) else {
            throw ParseError(.invalidFlag(buffer.string(range)))
        }
        return Flag(buffer.string(range))
    }

    /// `flag-keyword = "$MDNSent" / "$Forwarded" / "$Junk" / "$NotJunk" / "$Phishing" / atom`
    /// (RFC 9051 §9): the argument of SEARCH KEYWORD / UNKEYWORD, as written.
    static func parseFlagKeyword(_ buffer: inout ParseBuffer) throws(ParseError) -> String {
        let range = try scanFlagToken(&buffer, rule: "flag-keyword")
        guard buffer.bytes[range].allSatisfy({ $0.isAtomChar }) else {
            throw ParseError(.invalidFlag(buffer.string(range)))
        }
        return buffer.string(range)
    }

    /// `flag-list = "(" [flag *(SP flag)] ")"` (RFC 9051 §9).
    static func parseFlagList(_ buffer: inout ParseBuffer) throws(ParseError) -> [Flag] {
        try buffer.expect(.openParen, rule: "flag-list")
        var flags: [Flag] = []
        if buffer.consume(.closeParen) { return flags }
        repeat {
            flags.append(try parseFlag(&buffer))
        } while buffer.consume(.space)
        try buffer.expect(.closeParen, rule: "\")\"")
        return flags
    }

    /// `store-att-flags = (["+" / "-"] "FLAGS" [".SILENT"]) SP (flag-list / (flag *(SP flag)))`
    /// (RFC 9051 §9).
    static func parseStoreAttFlags(_ buffer: inout ParseBuffer)
        throws(ParseError) -> (operation: StoreOperation, silent: Bool, flags: [Flag]) {
        let operation: StoreOperation
        if buffer.consume(.plus) {
            operation = .add
        } else if buffer.consume(.minus) {
            operation = .remove
        } else {
            operation = .replace
        }
        let silent: Bool
        let start = buffer.index
        switch try buffer.keyword() {
        case "FLAGS": silent = false
        case "FLAGS.SILENT": silent = true
        default:
            buffer.index = start
            throw buffer.failure("store-att-flags")
        }
        try buffer.expectSP()
        if buffer.current == .openParen {
            return (operation, silent, try parseFlagList(&buffer))
        }
        var flags: [Flag] = []
        repeat {
            flags.append(try parseFlag(&buffer))
        } while buffer.consume(.space)
        return (operation, silent, flags)
    }

    /// The bytes of a flag token: printable ASCII except SP, `(` and `)`.
    private static func scanFlagToken(_ buffer: inout ParseBuffer, rule: String) throws(ParseError) -> Range<Int> {
        let bytes = buffer.bytes
        let start = buffer.index
        var end = start
        while end < bytes.count {
            let byte = bytes[end]
            guard byte > .space, byte < 0x7F, byte != .openParen, byte != .closeParen else { break }
            end += 1
        }
        buffer.index = end
        guard end > start else { throw buffer.failure(rule) }
        if end < bytes.count, bytes[end].isControlOrEightBit {
            throw ParseError(.invalidCharacter(bytes[end]))
        }
        return start..<end
    }
}
