import MailCore

// The PARTIAL range of RFC 9394 and RFC 5267, and CANCELUPDATE (RFC 5267 §4.3.5).

extension GrammarParser {
    /// `partial-range = partial-range-first / partial-range-last`,
    /// `partial-range-first = nz-number ":" nz-number`,
    /// `partial-range-last = MINUS nz-number ":" MINUS nz-number` (RFC 9394 §4).
    static func parsePartialRange(_ buffer: inout ParseBuffer) throws(ParseError) -> PartialRange {
        let fromEnd = buffer.consume(.minus)
        let first = try parseNZNumber(&buffer)
        try buffer.expect(.colon, rule: "partial-range")
        if fromEnd { try buffer.expect(.minus, rule: "partial-range-last") }
        let last = try parseNZNumber(&buffer)
        return PartialRange(first: first, last: last, fromEnd: fromEnd)
    }

    /// `command-select =/ "CANCELUPDATE" 1*(SP quoted)` (RFC 5267 §5), after `CANCELUPDATE`:
    /// the tags of the searching commands whose updates stop.
    static func parseCancelUpdate(_ buffer: inout ParseBuffer) throws(ParseError) -> Command {
        var tags: [Tag] = []
        repeat {
            try buffer.expectSP()
            tags.append(String(decoding: try parseQuoted(&buffer), as: UTF8.self))
        } while buffer.current == .space
        return .cancelUpdate(tags)
    }
}
