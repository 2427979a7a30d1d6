import MailCore

// Mailbox names and the commands that take one mailbox with parameters: SELECT/EXAMINE
// (RFC 9051 §6.3.2, RFC 7162 CONDSTORE/QRESYNC) and CREATE (RFC 9051 §6.3.4, RFC 6154 USE).

extension GrammarParser {
    /// `mailbox = "INBOX" / astring` (RFC 9051 §9): the raw bytes; `MailboxName.isInbox` tells
    /// INBOX in any case apart.
    static func parseMailbox(_ buffer: inout ParseBuffer) throws(ParseError) -> MailboxName {
        switch buffer.current {
        case .dquote?: return MailboxName(try parseQuoted(&buffer))
        case .openBrace?: return MailboxName(try parseLiteral(&buffer))
        default: return MailboxName(Array(buffer.bytes[try buffer.scanNonEmpty(.astring, rule: "mailbox")]))
        }
    }

    /// `list-mailbox = 1*list-char / string`,
    /// `list-char = ATOM-CHAR / list-wildcards / resp-specials` (RFC 9051 §9).
    static func parseListMailbox(_ buffer: inout ParseBuffer) throws(ParseError) -> MailboxPattern {
        switch buffer.current {
        case .dquote?: return MailboxPattern(try parseQuoted(&buffer))
        case .openBrace?: return MailboxPattern(try parseLiteral(&buffer))
        default:
            let range = try buffer.scanNonEmpty(.list, rule: "list-mailbox")
            return MailboxPattern(Array(buffer.bytes[range]))
        }
    }

    /// `select = "SELECT" SP mailbox [select-params]` (and `examine`), with
    /// `select-params = SP "(" select-param *(SP select-param) ")"` (RFC 4466 §2.5), after the
    /// command name.
    static func parseSelectArguments(_ buffer: inout ParseBuffer)
        throws(ParseError) -> (MailboxName, SelectParameters) {
        try buffer.expectSP()
        let mailbox = try parseMailbox(&buffer)
        var parameters = SelectParameters()
        if buffer.consume(.space) {
            try buffer.expect(.openParen, rule: "select-params")
            repeat {
                try parseSelectParam(&buffer, into: &parameters)
            } while buffer.consume(.space)
            try buffer.expect(.closeParen, rule: "\")\"")
        }
        return (mailbox, parameters)
    }

    /// `select-param =/ condstore-param`, `condstore-param = "CONDSTORE"`,
    /// `select-param =/ "QRESYNC" SP "(" uidvalidity SP mod-sequence-value [SP known-uids]
    /// [SP seq-match-data] ")"` (RFC 7162 §7). Other parameters are refused.
    static func parseSelectParam(_ buffer: inout ParseBuffer,
                                 into parameters: inout SelectParameters) throws(ParseError) {
        let start = buffer.index
        switch try buffer.keyword() {
        case "CONDSTORE":
            parameters.condstore = true
        case "QRESYNC" where parameters.qresync == nil:
            try buffer.expectSP()
            parameters.qresync = try parseQResyncParam(&buffer)
        default:
            buffer.index = start
            throw buffer.failure("select-param")
        }
    }

    /// `"(" uidvalidity SP mod-sequence-value [SP known-uids] [SP seq-match-data] ")"`,
    /// `uidvalidity = nz-number` (RFC 7162 §7), after `QRESYNC SP`.
    static func parseQResyncParam(_ buffer: inout ParseBuffer) throws(ParseError) -> QResyncParameters {
        try buffer.expect(.openParen, rule: "QRESYNC")
        let uidValidity = UIDValidity(try parseNZNumber(&buffer))
        try buffer.expectSP()
        var parameters = QResyncParameters(uidValidity: uidValidity, modSeq: try parseModSequenceValue(&buffer))
        if buffer.consume(.space) {
            if buffer.current == .openParen {
                parameters.sequenceMatch = try parseSeqMatchData(&buffer)
            } else {
                parameters.knownUIDs = try parseKnownUIDs(&buffer)
                if buffer.consume(.space) {
                    parameters.sequenceMatch = try parseSeqMatchData(&buffer)
                }
            }
        }
        try buffer.expect(.closeParen, rule: "\")\"")
        return parameters
    }

    /// `seq-match-data = "(" known-sequence-set SP known-uid-set ")"` (RFC 7162 §7).
    static func parseSeqMatchData(_ buffer: inout ParseBuffer)
        throws(ParseError) -> (sequences: SequenceSet, uids: SequenceSet) {
        try buffer.expect(.openParen, rule: "seq-match-data")
        let sequences = try parseKnownUIDs(&buffer)
        try buffer.expectSP()
        let uids = try parseKnownUIDs(&buffer)
        try buffer.expect(.closeParen, rule: "\")\"")
        return (sequences, uids)
    }

    /// `create = "CREATE" SP mailbox [create-params]`,
    /// `create-params = SP "(" create-param *(SP create-param) ")"` (RFC 4466 §2.2), with
    /// `create-param =/ "USE" SP "(" [use-attr *(SP use-attr)] ")"` (RFC 6154 §6), after
    /// `CREATE`.
    static func parseCreate(_ buffer: inout ParseBuffer) throws(ParseError) -> Command {
        try buffer.expectSP()
        let mailbox = try parseMailbox(&buffer)
        var uses: [MailboxAttribute] = []
        if buffer.consume(.space) {
            try buffer.expect(.openParen, rule: "create-params")
            repeat {
                guard buffer.consumeKeyword("USE") else { throw buffer.failure("create-param") }
                try buffer.expectSP()
                try buffer.expect(.openParen, rule: "use-attr list")
                if !buffer.consume(.closeParen) {
                    repeat {
                        uses.append(try parseUseAttr(&buffer))
                    } while buffer.consume(.space)
                    try buffer.expect(.closeParen, rule: "\")\"")
                }
            } while buffer.consume(.space)
            try buffer.expect(.closeParen, rule: "\")\"")
        }
        return .create(mailbox, specialUse: uses)
    }

    /// `use-attr = "\All" / "\Archive" / "\Drafts" / "\Flagged" / "\Junk" / "\Sent" /
    /// "\Trash" / use-attr-ext`, `use-attr-ext = "\" atom` (RFC 6154 §6).
    static func parseUseAttr(_ buffer: inout ParseBuffer) throws(ParseError) -> MailboxAttribute {
        let start = buffer.index
        try buffer.expect(.backslash, rule: "use-attr")
        let atom = try buffer.scanNonEmpty(.atom, rule: "use-attr")
        return MailboxAttribute(name: buffer.string(start..<atom.upperBound))
    }
}
