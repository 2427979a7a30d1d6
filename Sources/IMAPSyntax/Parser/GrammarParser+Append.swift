// APPEND before a message literal (RFC 9051 §6.3.12, RFC 3502 MULTIAPPEND). The framer streams
// the message literals; the grammar only reads what comes between them.

extension GrammarParser {
    /// `append-opts = [SP flag-list] [SP date-time]` followed by the `SP` before the literal
    /// (RFC 9051 §9 `append`, RFC 3502 §6.3.11 `append-message`): `SP [flag-list SP]
    /// [date-time SP]`, which must end the input (the literal marker comes next).
    static func parseAppendOpts(_ buffer: inout ParseBuffer) throws(ParseError) -> AppendMessageOptions {
        try buffer.expectSP()
        var options = AppendMessageOptions()
        if buffer.current == .openParen {
            options.flags = try parseFlagList(&buffer)
            try buffer.expectSP()
        }
        if buffer.current == .dquote {
            options.internalDate = try parseDateTime(&buffer)
            try buffer.expectSP()
        }
        guard buffer.isAtEnd else { throw buffer.failure("literal") }
        return options
    }
}
