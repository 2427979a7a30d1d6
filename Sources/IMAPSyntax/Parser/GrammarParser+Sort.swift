// SORT and THREAD (RFC 5256 §5), ESORT (RFC 5267 §3), SORT=DISPLAY (RFC 5957 §5).

extension GrammarParser {
    /// `sort = ["UID" SP] "SORT" [search-return-opts] SP sort-criteria SP search-criteria`
    /// (RFC 5256 §5; RFC 5267 §5 adds the return options), after `SORT`.
    static func parseSort(_ buffer: inout ParseBuffer, byUID: Bool) throws(ParseError) -> SortCommand {
        var returnOptions: [SearchReturnOption]?
        try buffer.expectSP()
        if buffer.hasKeyword("RETURN") {
            returnOptions = try parseSearchReturnOpts(&buffer)
            try buffer.expectSP()
        }
        let criteria = try parseSortCriteria(&buffer)
        try buffer.expectSP()
        let (charset, key) = try parseSearchCriteria(&buffer)
        return SortCommand(returnOptions: returnOptions, criteria: criteria, charset: charset, key: key,
                           byUID: byUID)
    }

    /// `sort-criteria = "(" sort-criterion *(SP sort-criterion) ")"`,
    /// `sort-criterion = ["REVERSE" SP] sort-key` (RFC 5256 §5).
    static func parseSortCriteria(_ buffer: inout ParseBuffer) throws(ParseError) -> [SortCommand.Criterion] {
        try buffer.expect(.openParen, rule: "sort-criteria")
        var criteria: [SortCommand.Criterion] = []
        repeat {
            let reverse = buffer.consumeKeyword("REVERSE")
            if reverse { try buffer.expectSP() }
            criteria.append(SortCommand.Criterion(try parseSortKey(&buffer), reverse: reverse))
        } while buffer.consume(.space)
        try buffer.expect(.closeParen, rule: "\")\"")
        return criteria
    }

    /// `sort-key = "ARRIVAL" / "CC" / "DATE" / "FROM" / "SIZE" / "SUBJECT" / "TO"`
    /// (RFC 5256 §5) `/ "DISPLAYFROM" / "DISPLAYTO"` (RFC 5957 §5).
    static func parseSortKey(_ buffer: inout ParseBuffer) throws(ParseError) -> SortCommand.Key {
        let name = try buffer.keyword()
        guard let key = SortCommand.Key(rawValue: name.text) else { throw buffer.failure("sort-key") }
        return key
    }

    /// `thread = ["UID" SP] "THREAD" SP thread-alg SP search-criteria` (RFC 5256 §5), after
    /// `THREAD`; `thread-alg-ext = atom`.
    static func parseThread(_ buffer: inout ParseBuffer, byUID: Bool) throws(ParseError) -> ThreadCommand {
        try buffer.expectSP()
        let algorithm = try parseAtom(&buffer).uppercased()
        try buffer.expectSP()
        let (charset, key) = try parseSearchCriteria(&buffer)
        return ThreadCommand(algorithm: algorithm, charset: charset, key: key, byUID: byUID)
    }

    /// `search-criteria = charset 1*(SP search-key)`, `charset = atom / quoted` (RFC 5256 §5;
    /// an astring is accepted, as for SEARCH's CHARSET). Several keys become `.and`.
    static func parseSearchCriteria(_ buffer: inout ParseBuffer) throws(ParseError) -> (String, SearchKey) {
        let charset = String(decoding: try parseAstring(&buffer), as: UTF8.self)
        try buffer.expectSP()
        var keys = [try parseSearchKey(&buffer)]
        while buffer.consume(.space) {
            keys.append(try parseSearchKey(&buffer))
        }
        return (charset, keys.count == 1 ? keys[0] : .and(keys))
    }
}
