// LIST (RFC 9051 §6.3.9, RFC 5258 LIST-EXTENDED, RFC 5819 LIST-STATUS, RFC 6154 SPECIAL-USE),
// LSUB (RFC 3501 §6.3.9), STATUS (RFC 9051 §6.3.11) and the generic extension values of
// RFC 4466 §2.1 that their options may carry.

extension GrammarParser {
    /// `list = "LIST" [SP list-select-opts] SP mailbox SP mbox-or-pat [SP list-return-opts]`,
    /// `mbox-or-pat = list-mailbox / patterns` (RFC 5258 §6, RFC 9051 §9), after `LIST`.
    static func parseList(_ buffer: inout ParseBuffer) throws(ParseError) -> ListCommand {
        try buffer.expectSP()
        var isExtended = false
        var selectionOptions: [ListSelectionOption] = []
        if buffer.current == .openParen {
            selectionOptions = try parseListSelectOpts(&buffer)
            isExtended = true
            try buffer.expectSP()
        }
        let reference = try parseMailbox(&buffer)
        try buffer.expectSP()
        let patterns: [MailboxPattern]
        if buffer.current == .openParen {
            patterns = try parsePatterns(&buffer)
            isExtended = true
        } else {
            patterns = [try parseListMailbox(&buffer)]
        }
        var returnOptions: [ListReturnOption] = []
        if buffer.consume(.space) {
            returnOptions = try parseListReturnOpts(&buffer)
            isExtended = true
        }
        return ListCommand(selectionOptions: selectionOptions, reference: reference, patterns: patterns,
                           returnOptions: returnOptions, isExtended: isExtended)
    }

    /// `list-select-opts = "(" [(*(list-select-opt SP) list-select-base-opt
    /// *(SP list-select-opt)) / (list-select-independent-opt *(SP list-select-independent-opt))] ")"`
    /// (RFC 5258 §6, RFC 9051 §9): RECURSIVEMATCH needs a base option (SUBSCRIBED or an
    /// extension) beside it. SPECIAL-USE is an independent option (RFC 6154 §6).
    static func parseListSelectOpts(_ buffer: inout ParseBuffer) throws(ParseError) -> [ListSelectionOption] {
        try buffer.expect(.openParen, rule: "list-select-opts")
        var options: [ListSelectionOption] = []
        if buffer.consume(.closeParen) { return options }
        repeat {
            options.append(try parseListSelectOpt(&buffer))
        } while buffer.consume(.space)
        try buffer.expect(.closeParen, rule: "\")\"")
        if options.contains(.recursiveMatch), !options.contains(where: \.isBaseOption) {
            throw ParseError(.expected(rule: "list-select-base-opt"))
        }
        return options
    }

    /// `list-select-opt = list-select-base-opt / list-select-independent-opt /
    /// list-select-mod-opt`: `"SUBSCRIBED" / "REMOTE" / "RECURSIVEMATCH" / "SPECIAL-USE" /
    /// option-extension` (RFC 5258 §6, RFC 6154 §6).
    static func parseListSelectOpt(_ buffer: inout ParseBuffer) throws(ParseError) -> ListSelectionOption {
        switch try buffer.keyword() {
        case "SUBSCRIBED": return .subscribed
        case "REMOTE": return .remote
        case "RECURSIVEMATCH": return .recursiveMatch
        case "SPECIAL-USE": return .specialUse
        case "": throw buffer.failure("list-select-opt")
        case let name:
            try parseOptionValueIfPresent(&buffer)
            return .other(name.text)
        }
    }

    /// `patterns = "(" list-mailbox *(SP list-mailbox) ")"` (RFC 5258 §6).
    static func parsePatterns(_ buffer: inout ParseBuffer) throws(ParseError) -> [MailboxPattern] {
        try buffer.expect(.openParen, rule: "patterns")
        var patterns: [MailboxPattern] = []
        repeat {
            patterns.append(try parseListMailbox(&buffer))
        } while buffer.consume(.space)
        try buffer.expect(.closeParen, rule: "\")\"")
        return patterns
    }

    /// `list-return-opts = "RETURN" SP "(" [return-option *(SP return-option)] ")"`
    /// (RFC 5258 §6, RFC 9051 §9).
    static func parseListReturnOpts(_ buffer: inout ParseBuffer) throws(ParseError) -> [ListReturnOption] {
        guard buffer.consumeKeyword("RETURN") else { throw buffer.failure("list-return-opts") }
        try buffer.expectSP()
        try buffer.expect(.openParen, rule: "list-return-opts")
        var options: [ListReturnOption] = []
        if buffer.consume(.closeParen) { return options }
        repeat {
            options.append(try parseReturnOption(&buffer))
        } while buffer.consume(.space)
        try buffer.expect(.closeParen, rule: "\")\"")
        return options
    }

    /// `return-option = "SUBSCRIBED" / "CHILDREN" / status-option / option-extension`
    /// (RFC 5258 §6), `=/ "SPECIAL-USE"` (RFC 6154 §6),
    /// `status-option = "STATUS" SP "(" status-att *(SP status-att) ")"` (RFC 5819 §6),
    /// `return-option =/ "METADATA" SP "(" entry *(SP entry) ")"` (RFC 9590 §5).
    static func parseReturnOption(_ buffer: inout ParseBuffer) throws(ParseError) -> ListReturnOption {
        switch try buffer.keyword() {
        case "SUBSCRIBED": return .subscribed
        case "CHILDREN": return .children
        case "SPECIAL-USE": return .specialUse
        case "MYRIGHTS": return .myRights  // RFC 8440 §3
        case "STATUS":
            try buffer.expectSP()
            return .status(try parseStatusAttList(&buffer))
        case "METADATA":
            try buffer.expectSP()
            guard buffer.current == .openParen else { throw buffer.failure("\"(\"") }
            return .metadata(try parseEntries(&buffer))
        case "": throw buffer.failure("return-option")
        case let name:
            try parseOptionValueIfPresent(&buffer)
            return .other(name.text)
        }
    }

    /// `[SP option-value]` after an `option-extension` tag, `option-value = "(" option-val-comp
    /// ")"` (RFC 5258 §6). The value is checked and dropped: options this grammar does not
    /// know are kept by name only, for the server to refuse or ignore.
    private static func parseOptionValueIfPresent(_ buffer: inout ParseBuffer) throws(ParseError) {
        guard buffer.current == .space, buffer.peek(1) == .openParen else { return }
        buffer.index += 2
        try buffer.enterNesting()
        try parseTaggedExtComp(&buffer)
        try buffer.expect(.closeParen, rule: "\")\"")
        buffer.leaveNesting()
    }

    /// `lsub = "LSUB" SP mailbox SP list-mailbox` (RFC 3501 §9), after `LSUB`.
    static func parseLsub(_ buffer: inout ParseBuffer) throws(ParseError) -> Command {
        try buffer.expectSP()
        let reference = try parseMailbox(&buffer)
        try buffer.expectSP()
        return .lsub(reference: reference, pattern: try parseListMailbox(&buffer))
    }

    /// `status = "STATUS" SP mailbox SP "(" status-att *(SP status-att) ")"` (RFC 9051 §9),
    /// after `STATUS`.
    static func parseStatus(_ buffer: inout ParseBuffer) throws(ParseError) -> Command {
        try buffer.expectSP()
        let mailbox = try parseMailbox(&buffer)
        try buffer.expectSP()
        return .status(mailbox, try parseStatusAttList(&buffer))
    }

    /// `"(" status-att *(SP status-att) ")"` (RFC 9051 §9).
    static func parseStatusAttList(_ buffer: inout ParseBuffer) throws(ParseError) -> [StatusAttribute] {
        try buffer.expect(.openParen, rule: "status-att list")
        var attributes: [StatusAttribute] = []
        repeat {
            attributes.append(try parseStatusAtt(&buffer))
        } while buffer.consume(.space)
        try buffer.expect(.closeParen, rule: "\")\"")
        return attributes
    }

    /// `status-att = "MESSAGES" / "UIDNEXT" / "UIDVALIDITY" / "UNSEEN" / "DELETED" / "SIZE"`
    /// (RFC 9051 §9), `/ "RECENT"` (RFC 3501 §9), `/ "HIGHESTMODSEQ"` (RFC 7162 §7),
    /// `/ "MAILBOXID"` (RFC 8474 §7), `/ "APPENDLIMIT"` (RFC 7889 §5),
    /// `/ "DELETED-STORAGE"` (RFC 9208 §7).
    static func parseStatusAtt(_ buffer: inout ParseBuffer) throws(ParseError) -> StatusAttribute {
        let start = buffer.index
        let name = try buffer.keyword()
        for attribute in StatusAttribute.allCases {
            var rawValue = attribute.rawValue
            if rawValue.withUTF8({ name.matches($0) }) { return attribute }
        }
        buffer.index = start
        if name.isEmpty { throw buffer.failure("status-att") }
        throw ParseError(.unknownStatusAttribute(name.text))
    }

    // MARK: Generic extension values (RFC 4466 §2.1)

    /// `tagged-ext-val = tagged-ext-simple / "(" [tagged-ext-comp] ")"`,
    /// `tagged-ext-simple = sequence-set / number / number64` (RFC 4466 §2.1): checked, dropped.
    static func parseTaggedExtVal(_ buffer: inout ParseBuffer) throws(ParseError) {
        guard buffer.consume(.openParen) else {
            let range = try buffer.scan(.taggedExtSimple)
            guard !range.isEmpty else { throw buffer.failure("tagged-ext-val") }
            return
        }
        try buffer.enterNesting()
        if !buffer.consume(.closeParen) {
            try parseTaggedExtComp(&buffer)
            try buffer.expect(.closeParen, rule: "\")\"")
        }
        buffer.leaveNesting()
    }

    /// `tagged-ext-comp = astring / tagged-ext-comp *(SP tagged-ext-comp) /
    /// "(" tagged-ext-comp ")"` (RFC 4466 §2.1), also `option-val-comp` (RFC 5258 §6):
    /// checked, dropped.
    static func parseTaggedExtComp(_ buffer: inout ParseBuffer) throws(ParseError) {
        repeat {
            if buffer.consume(.openParen) {
                try buffer.enterNesting()
                try parseTaggedExtComp(&buffer)
                try buffer.expect(.closeParen, rule: "\")\"")
                buffer.leaveNesting()
            } else {
                _ = try parseAstring(&buffer)
            }
        } while buffer.consume(.space)
    }
}

extension ListSelectionOption {
    /// A `list-select-base-opt` (RFC 5258 §6): one that RECURSIVEMATCH can modify.
    fileprivate var isBaseOption: Bool {
        switch self {
        case .subscribed, .other: return true
        case .remote, .recursiveMatch, .specialUse: return false
        }
    }
}
