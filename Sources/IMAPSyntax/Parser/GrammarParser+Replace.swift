// REPLACE before its message literal (RFC 8508 §5). Like APPEND's, the message literal is
// streamed by the framer; the grammar reads what comes before it.

extension GrammarParser {
    /// After `tag SP ["UID" SP] "REPLACE"`: `replace = "REPLACE" SP seq-number SP mailbox
    /// append-message` (RFC 8508 §5), up to the message literal's marker. `.mailboxLiteral` when
    /// the input ends where the mailbox starts (the literal is the mailbox name).
    static func parseReplacePrefix(_ buffer: inout ParseBuffer, tag: Tag, byUID: Bool) throws(ParseError) -> AppendPrefix {
        try buffer.expectSP()
        let message = try parseSeqNumber(&buffer)
        try buffer.expectSP()
        if buffer.isAtEnd { return .mailboxLiteral }
        let mailbox = try parseMailbox(&buffer)
        let options = try parseAppendOpts(&buffer)
        return .replacement(tag: tag, target: ReplaceTarget(message, byUID: byUID), mailbox: mailbox, options: options)
    }
}
