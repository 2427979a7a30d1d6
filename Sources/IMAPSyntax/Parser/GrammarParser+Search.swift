import MailCore

// SEARCH (RFC 9051 §6.4.4, §9; RFC 3501 §9; RFC 4731 and RFC 5182 ESEARCH/SEARCHRES;
// RFC 7162 MODSEQ; RFC 8474 EMAILID/THREADID; RFC 5032 WITHIN; RFC 8514 SAVEDATE).

extension GrammarParser {
    /// `search = "SEARCH" [search-return-opts] SP search-program` (RFC 9051 §9, RFC 4731 §3.1),
    /// after `SEARCH`. Several top-level keys become `.and`; a single key stays itself.
    static func parseSearch(_ buffer: inout ParseBuffer, byUID: Bool) throws(ParseError) -> SearchCommand {
        var returnOptions: [SearchReturnOption]?
        try buffer.expectSP()
        if buffer.hasKeyword("RETURN") {
            returnOptions = try parseSearchReturnOpts(&buffer)
            try buffer.expectSP()
        }
        let (charset, key) = try parseSearchProgram(&buffer)
        return SearchCommand(returnOptions: returnOptions, charset: charset, key: key, byUID: byUID)
    }

    /// `search-return-opts = SP "RETURN" SP "(" [search-return-opt *(SP search-return-opt)] ")"`
    /// (RFC 9051 §9, RFC 4731 §3.1), from `RETURN`. `RETURN ()` is an empty list.
    static func parseSearchReturnOpts(_ buffer: inout ParseBuffer) throws(ParseError) -> [SearchReturnOption] {
        guard buffer.consumeKeyword("RETURN") else { throw buffer.failure("search-return-opts") }
        try buffer.expectSP()
        try buffer.expect(.openParen, rule: "search-return-opts")
        var options: [SearchReturnOption] = []
        if buffer.consume(.closeParen) { return options }
        repeat {
            options.append(try parseSearchReturnOpt(&buffer))
        } while buffer.consume(.space)
        try buffer.expect(.closeParen, rule: "\")\"")
        return options
    }

    /// `search-return-opt = "MIN" / "MAX" / "ALL" / "COUNT" / "SAVE" / search-ret-opt-ext`,
    /// `search-return-opt =/ modifier-context / modifier-partial / modifier-update` (RFC 5267
    /// §5, RFC 9394 §4),
    /// `search-ret-opt-ext = search-modifier-name [SP search-mod-params]` (RFC 9051 §9,
    /// RFC 4731 §3.1, RFC 5182 §4). An unknown option is kept by name (upper case) for the
    /// server to refuse; its parameters are checked and dropped.
    static func parseSearchReturnOpt(_ buffer: inout ParseBuffer) throws(ParseError) -> SearchReturnOption {
        switch try buffer.keyword() {
        case "MIN": return .min
        case "MAX": return .max
        case "ALL": return .all
        case "COUNT": return .count
        case "SAVE": return .save
        case "CONTEXT": return .context
        case "UPDATE": return .update
        case "PARTIAL":
            try buffer.expectSP()
            return .partial(try parsePartialRange(&buffer))
        case "": throw buffer.failure("search-return-opt")
        case let name:
            if buffer.current == .space, let next = buffer.peek(1),
               next.isDigit || next == .star || next == .dollar || next == .openParen {
                buffer.index += 1
                try parseTaggedExtVal(&buffer)
            }
            return .other(name.text)
        }
    }

    /// `search-program = ["CHARSET" SP charset SP] search-key *(SP search-key)` (RFC 9051 §9);
    /// `charset = atom / quoted` (RFC 9051), an astring in RFC 3501: the astring is accepted.
    static func parseSearchProgram(_ buffer: inout ParseBuffer) throws(ParseError) -> (String?, SearchKey) {
        var charset: String?
        if buffer.consumeKeyword("CHARSET") {
            try buffer.expectSP()
            charset = String(decoding: try parseAstring(&buffer), as: UTF8.self)
            try buffer.expectSP()
        }
        var keys = [try parseSearchKey(&buffer)]
        while buffer.consume(.space) {
            keys.append(try parseSearchKey(&buffer))
        }
        return (charset, keys.count == 1 ? keys[0] : .and(keys))
    }

    /// `search-key` (RFC 9051 §9 and RFC 3501 §9) with `"MODSEQ" [search-modseq-ext] SP
    /// mod-sequence-valzer` (RFC 7162 §7), `"EMAILID" SP objectid / "THREADID" SP objectid`
    /// (RFC 8474 §7), `"OLDER" SP nz-number / "YOUNGER" SP nz-number` (RFC 5032 §4) and
    /// `"SAVEDBEFORE" SP date / "SAVEDON" SP date / "SAVEDSINCE" SP date / "SAVEDATESUPPORTED"`
    /// (RFC 8514 §6). A bare `sequence-set` is `.sequenceNumbers`; `"(" search-key *(SP
    /// search-key) ")"` is `.and`. NOT, OR and parentheses count towards the nesting limit.
    static func parseSearchKey(_ buffer: inout ParseBuffer) throws(ParseError) -> SearchKey {
        guard let first = buffer.current else { throw ParseError(.unexpectedEnd) }
        if first.isDigit || first == .star || first == .dollar {
            return .sequenceNumbers(try parseSequenceSet(&buffer))
        }
        if first == .openParen { return try parseSearchKeyGroup(&buffer) }
        let start = buffer.index
        let name = try buffer.keyword()
        switch name {
        case "ALL": return .all
        case "ANSWERED": return .answered
        case "DELETED": return .deleted
        case "DRAFT": return .draft
        case "FLAGGED": return .flagged
        case "NEW": return .new
        case "OLD": return .old
        case "RECENT": return .recent
        case "SEEN": return .seen
        case "UNANSWERED": return .unanswered
        case "UNDELETED": return .undeleted
        case "UNDRAFT": return .undraft
        case "UNFLAGGED": return .unflagged
        case "UNSEEN": return .unseen
        case "SAVEDATESUPPORTED": return .saveDateSupported
        case "KEYWORD": return .keyword(try parseSearchArgument(&buffer, parseFlagKeyword))
        case "UNKEYWORD": return .unkeyword(try parseSearchArgument(&buffer, parseFlagKeyword))
        case "BCC": return .bcc(try parseSearchArgument(&buffer, parseAstring))
        case "BODY": return .body(try parseSearchArgument(&buffer, parseAstring))
        case "CC": return .cc(try parseSearchArgument(&buffer, parseAstring))
        case "FROM": return .from(try parseSearchArgument(&buffer, parseAstring))
        case "SUBJECT": return .subject(try parseSearchArgument(&buffer, parseAstring))
        case "TEXT": return .text(try parseSearchArgument(&buffer, parseAstring))
        case "TO": return .to(try parseSearchArgument(&buffer, parseAstring))
        case "HEADER":
            let field = String(decoding: try parseSearchArgument(&buffer, parseAstring), as: UTF8.self)
            return .header(field, try parseSearchArgument(&buffer, parseAstring))
        case "BEFORE": return .before(try parseSearchArgument(&buffer, parseDate))
        case "ON": return .on(try parseSearchArgument(&buffer, parseDate))
        case "SINCE": return .since(try parseSearchArgument(&buffer, parseDate))
        case "SENTBEFORE": return .sentBefore(try parseSearchArgument(&buffer, parseDate))
        case "SENTON": return .sentOn(try parseSearchArgument(&buffer, parseDate))
        case "SENTSINCE": return .sentSince(try parseSearchArgument(&buffer, parseDate))
        case "SAVEDBEFORE": return .saveDateBefore(try parseSearchArgument(&buffer, parseDate))
        case "SAVEDON": return .saveDateOn(try parseSearchArgument(&buffer, parseDate))
        case "SAVEDSINCE": return .saveDateSince(try parseSearchArgument(&buffer, parseDate))
        case "OLDER": return .older(try parseSearchArgument(&buffer, parseNZNumber))
        case "YOUNGER": return .younger(try parseSearchArgument(&buffer, parseNZNumber))
        case "LARGER": return .larger(try parseSearchArgument(&buffer, parseNumber64))
        case "SMALLER": return .smaller(try parseSearchArgument(&buffer, parseNumber64))
        case "UID": return .uid(try parseSearchArgument(&buffer, parseSequenceSet))
        case "EMAILID": return .emailID(try parseSearchArgument(&buffer, parseObjectID))
        case "THREADID": return .threadID(try parseSearchArgument(&buffer, parseObjectID))
        case "MODSEQ": return try parseSearchModSequence(&buffer)
        case "NOT":
            try buffer.enterNesting()
            let key = try parseSearchArgument(&buffer, parseSearchKey)
            buffer.leaveNesting()
            return .not(key)
        case "OR":
            try buffer.enterNesting()
            let left = try parseSearchArgument(&buffer, parseSearchKey)
            let right = try parseSearchArgument(&buffer, parseSearchKey)
            buffer.leaveNesting()
            return .or(left, right)
        case "":
            throw buffer.failure("search-key")
        default:
            buffer.index = start
            throw ParseError(.unknownSearchKey(name.text))
        }
    }

    /// `"(" search-key *(SP search-key) ")"` (RFC 9051 §9): always `.and`, even of one key.
    static func parseSearchKeyGroup(_ buffer: inout ParseBuffer) throws(ParseError) -> SearchKey {
        try buffer.expect(.openParen, rule: "search-key")
        try buffer.enterNesting()
        var keys = [try parseSearchKey(&buffer)]
        while buffer.consume(.space) {
            keys.append(try parseSearchKey(&buffer))
        }
        try buffer.expect(.closeParen, rule: "\")\"")
        buffer.leaveNesting()
        return .and(keys)
    }

    /// `search-modsequence = "MODSEQ" [search-modseq-ext] SP mod-sequence-valzer`,
    /// `search-modseq-ext = SP entry-name SP entry-type-req` (RFC 7162 §7), after `MODSEQ`.
    static func parseSearchModSequence(_ buffer: inout ParseBuffer) throws(ParseError) -> SearchKey {
        try buffer.expectSP()
        var entry: ModSeqEntry?
        if buffer.current == .dquote || buffer.current == .openBrace {
            let name = try parseEntryName(&buffer)
            try buffer.expectSP()
            entry = ModSeqEntry(name: name, type: try parseEntryTypeReq(&buffer))
            try buffer.expectSP()
        }
        return .modSeq(try parseModSequenceValzer(&buffer), entry: entry)
    }

    /// `entry-name = entry-flag-name`, `entry-flag-name = DQUOTE "/flags/" attr-flag DQUOTE`
    /// (RFC 7162 §7): the unquoted name, e.g. `/flags/\seen`. A literal is accepted too.
    static func parseEntryName(_ buffer: inout ParseBuffer) throws(ParseError) -> String {
        let bytes = try parseString(&buffer)
        let prefix: [UInt8] = Array("/flags/".utf8)
        guard bytes.count > prefix.count,
              zip(bytes, prefix).allSatisfy({ $0.asciiLowercased == $1 }) else {
            throw ParseError(.expected(rule: "entry-flag-name"))
        }
        var flag = bytes[prefix.count...]
        if flag.first == .backslash { flag = flag.dropFirst() }
        guard !flag.isEmpty, flag.allSatisfy({ $0.isAtomChar }) else {
            throw ParseError(.expected(rule: "entry-flag-name"))
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `entry-type-req = entry-type-resp / "all"`, `entry-type-resp = "priv" / "shared"`
    /// (RFC 7162 §7), in lower case.
    static func parseEntryTypeReq(_ buffer: inout ParseBuffer) throws(ParseError) -> String {
        let start = buffer.index
        switch try buffer.keyword() {
        case "PRIV": return "priv"
        case "SHARED": return "shared"
        case "ALL": return "all"
        default:
            buffer.index = start
            throw buffer.failure("entry-type-req")
        }
    }

    /// `objectid = 1*255(ALPHA / DIGIT / "_" / "-")` (RFC 8474 §7), case-sensitive.
    static func parseObjectID(_ buffer: inout ParseBuffer) throws(ParseError) -> String {
        let range = try buffer.scanNonEmpty(.objectID, rule: "objectid")
        guard range.count <= 255 else { throw ParseError(.expected(rule: "objectid")) }
        if let next = buffer.current, next.isAtomChar { throw ParseError(.expected(rule: "objectid")) }
        return buffer.string(range)
    }

    /// `SP argument` of a search key.
    private static func parseSearchArgument<T>(
        _ buffer: inout ParseBuffer, _ rule: (inout ParseBuffer) throws(ParseError) -> T
    ) throws(ParseError) -> T {
        try buffer.expectSP()
        return try rule(&buffer)
    }
}

extension UInt8 {
    var asciiLowercased: UInt8 { self &- 0x41 < 26 ? self &+ 0x20 : self }
}
