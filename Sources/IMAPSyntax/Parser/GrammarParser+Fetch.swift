import MailCore

// FETCH (RFC 9051 §6.4.5, §9; RFC 3501 §9; RFC 3516 BINARY; RFC 7162 CONDSTORE/QRESYNC;
// RFC 8474 OBJECTID; RFC 8514 SAVEDATE; RFC 8970 PREVIEW).

extension GrammarParser {
    /// `fetch = "FETCH" SP sequence-set SP ("ALL" / "FULL" / "FAST" / fetch-att /
    /// "(" fetch-att *(SP fetch-att) ")") [fetch-modifiers]` (RFC 9051 §9, RFC 4466 §2.4),
    /// after `FETCH SP`. The macros expand to `FetchAttribute.all` / `.fast` / `.full`.
    static func parseFetch(_ buffer: inout ParseBuffer, byUID: Bool) throws(ParseError) -> FetchCommand {
        let set = try parseSequenceSet(&buffer)
        try buffer.expectSP()
        var attributes: [FetchAttribute] = []
        if buffer.consume(.openParen) {
            repeat {
                attributes.append(try parseFetchAtt(&buffer))
            } while buffer.consume(.space)
            try buffer.expect(.closeParen, rule: "\")\"")
        } else {
            let start = buffer.index
            switch try buffer.keyword(.fetchName) {
            case "ALL": attributes = FetchAttribute.all
            case "FAST": attributes = FetchAttribute.fast
            case "FULL": attributes = FetchAttribute.full
            default:
                buffer.index = start
                attributes = [try parseFetchAtt(&buffer)]
            }
        }
        var modifiers: [FetchModifier] = []
        if buffer.consume(.space) {
            modifiers = try parseFetchModifiers(&buffer, byUID: byUID)
        }
        return FetchCommand(sequenceSet: set, attributes: attributes, modifiers: modifiers, byUID: byUID)
    }

    /// `fetch-att = "ENVELOPE" / "FLAGS" / "INTERNALDATE" / "RFC822.SIZE" / "BODY" ["STRUCTURE"] /
    /// "UID" / "BODY" section [partial] / "BODY.PEEK" section [partial] /
    /// "BINARY" [".PEEK"] section-binary [partial] / "BINARY.SIZE" section-binary`
    /// (RFC 9051 §9), `/ "RFC822" / "RFC822.HEADER" / "RFC822.TEXT"` (RFC 3501 §9),
    /// `/ "MODSEQ"` (RFC 7162 §7), `/ "EMAILID" / "THREADID"` (RFC 8474 §7),
    /// `/ "SAVEDATE"` (RFC 8514 §6), `/ "PREVIEW" [SP "(" preview-mod *(SP preview-mod) ")"]`
    /// (RFC 8970 §6).
    static func parseFetchAtt(_ buffer: inout ParseBuffer) throws(ParseError) -> FetchAttribute {
        let start = buffer.index
        let name = try buffer.keyword(.fetchName)
        switch name {
        case "ENVELOPE": return .envelope
        case "FLAGS": return .flags
        case "INTERNALDATE": return .internalDate
        case "RFC822.SIZE": return .rfc822Size
        case "RFC822": return .rfc822
        case "RFC822.HEADER": return .rfc822Header
        case "RFC822.TEXT": return .rfc822Text
        case "BODYSTRUCTURE": return .bodyStructure
        case "UID": return .uid
        case "MODSEQ": return .modSeq
        case "EMAILID": return .emailID
        case "THREADID": return .threadID
        case "SAVEDATE": return .saveDate
        case "BODY":
            guard buffer.current == .openBracket else { return .bodyStructureNonExtensible }
            let section = try parseSection(&buffer)
            return .bodySection(section, partial: try parsePartial(&buffer), peek: false)
        case "BODY.PEEK":
            let section = try parseSection(&buffer)
            return .bodySection(section, partial: try parsePartial(&buffer), peek: true)
        case "BINARY", "BINARY.PEEK":
            let part = try parseSectionBinary(&buffer)
            return .binary(part, partial: try parsePartial(&buffer), peek: "BINARY.PEEK" ~= name)
        case "BINARY.SIZE":
            return .binarySize(try parseSectionBinary(&buffer))
        case "PREVIEW":
            return .preview(lazy: try parsePreviewModifiers(&buffer))
        case "":
            throw buffer.failure("fetch-att")
        default:
            buffer.index = start
            throw ParseError(.unknownFetchAttribute(name.text))
        }
    }

    /// `section = "[" [section-spec] "]"`,
    /// `section-spec = section-msgtext / (section-part ["." section-text])` (RFC 9051 §9).
    static func parseSection(_ buffer: inout ParseBuffer) throws(ParseError) -> SectionSpecifier {
        try buffer.expect(.openBracket, rule: "section")
        if buffer.consume(.closeBracket) { return .complete }
        var section = SectionSpecifier()
        if buffer.current?.isDigit == true {
            section.part = try parseSectionPart(&buffer)
            if buffer.consume(.dot) {
                section.text = try parseSectionText(&buffer, afterPart: true)
            }
        } else {
            section.text = try parseSectionText(&buffer, afterPart: false)
        }
        try buffer.expect(.closeBracket, rule: "\"]\"")
        return section
    }

    /// `section-part = nz-number *("." nz-number)` (RFC 9051 §9). Stops before a `.` that is
    /// followed by `section-text`.
    static func parseSectionPart(_ buffer: inout ParseBuffer) throws(ParseError) -> SectionPart {
        var part: SectionPart = [Int(try parseNZNumber(&buffer))]
        while buffer.current == .dot, buffer.peek(1)?.isDigit == true {
            buffer.index += 1
            part.append(Int(try parseNZNumber(&buffer)))
        }
        return part
    }

    /// `section-text = section-msgtext / "MIME"` (only after a part),
    /// `section-msgtext = "HEADER" / "HEADER.FIELDS" [".NOT"] SP header-list / "TEXT"`
    /// (RFC 9051 §9).
    static func parseSectionText(_ buffer: inout ParseBuffer, afterPart: Bool) throws(ParseError) -> SectionText {
        let start = buffer.index
        switch try buffer.keyword() {
        case "HEADER": return .header
        case "TEXT": return .text
        case "MIME" where afterPart: return .mime
        case "HEADER.FIELDS":
            try buffer.expectSP()
            return .headerFields(try parseHeaderList(&buffer))
        case "HEADER.FIELDS.NOT":
            try buffer.expectSP()
            return .headerFieldsNot(try parseHeaderList(&buffer))
        default:
            buffer.index = start
            throw buffer.failure(afterPart ? "section-text" : "section-spec")
        }
    }

    /// `header-list = "(" header-fld-name *(SP header-fld-name) ")"`,
    /// `header-fld-name = astring` (RFC 9051 §9): names as the client wrote them.
    static func parseHeaderList(_ buffer: inout ParseBuffer) throws(ParseError) -> [String] {
        try buffer.expect(.openParen, rule: "header-list")
        var names: [String] = []
        repeat {
            names.append(String(decoding: try parseAstring(&buffer), as: UTF8.self))
        } while buffer.consume(.space)
        try buffer.expect(.closeParen, rule: "\")\"")
        return names
    }

    /// `section-binary = "[" [section-part] "]"` (RFC 9051 §9, RFC 3516 §6).
    static func parseSectionBinary(_ buffer: inout ParseBuffer) throws(ParseError) -> SectionPart {
        try buffer.expect(.openBracket, rule: "section-binary")
        if buffer.consume(.closeBracket) { return [] }
        let part = try parseSectionPart(&buffer)
        try buffer.expect(.closeBracket, rule: "\"]\"")
        return part
    }

    /// `partial = "<" number64 "." nz-number64 ">"` (RFC 9051 §9), if present.
    static func parsePartial(_ buffer: inout ParseBuffer) throws(ParseError) -> Partial? {
        guard buffer.consume(.lessThan) else { return nil }
        let offset = try parseNumber64(&buffer)
        try buffer.expect(.dot, rule: "partial")
        let length = try parseNZNumber64(&buffer)
        try buffer.expect(.greaterThan, rule: "partial")
        return Partial(offset: offset, length: length)
    }

    /// `[SP "(" preview-mod *(SP preview-mod) ")"]`, `preview-mod = "LAZY"` (RFC 8970 §6), after
    /// `PREVIEW`: whether LAZY was given. A `SP (` not followed by LAZY belongs to the fetch
    /// modifiers and is left alone.
    static func parsePreviewModifiers(_ buffer: inout ParseBuffer) throws(ParseError) -> Bool {
        guard buffer.current == .space, buffer.peek(1) == .openParen else { return false }
        let start = buffer.index
        buffer.index += 2
        guard buffer.consumeKeyword("LAZY") else {
            buffer.index = start
            return false
        }
        while buffer.consume(.space) {
            guard buffer.consumeKeyword("LAZY") else { throw buffer.failure("preview-mod") }
        }
        try buffer.expect(.closeParen, rule: "\")\"")
        return true
    }

    /// `fetch-modifiers = SP "(" fetch-modifier *(SP fetch-modifier) ")"` (RFC 4466 §2.4) with
    /// `chgsince-fetch-mod = "CHANGEDSINCE" SP mod-sequence-value` and
    /// `rexpunges-fetch-mod = "VANISHED"` (RFC 7162 §7), after the SP. VANISHED is only allowed
    /// in UID FETCH, together with CHANGEDSINCE (RFC 7162 §3.2.6), and `modifier-partial`
    /// (RFC 9394 §4), only in UID FETCH; each modifier at most once.
    static func parseFetchModifiers(_ buffer: inout ParseBuffer, byUID: Bool) throws(ParseError) -> [FetchModifier] {
        try buffer.expect(.openParen, rule: "fetch-modifiers")
        var modifiers: [FetchModifier] = []
        var changedSince = false, vanished = false, partial = false
        repeat {
            let start = buffer.index
            switch try buffer.keyword() {
            case "CHANGEDSINCE" where !changedSince:
                try buffer.expectSP()
                modifiers.append(.changedSince(try parseModSequenceValue(&buffer)))
                changedSince = true
            case "VANISHED" where byUID && !vanished:
                modifiers.append(.vanished)
                vanished = true
            case "PARTIAL" where byUID && !partial:  // RFC 9394 §3.3: UID FETCH only
                try buffer.expectSP()
                modifiers.append(.partial(try parsePartialRange(&buffer)))
                partial = true
            default:
                buffer.index = start
                throw buffer.failure("fetch-modifier")
            }
        } while buffer.consume(.space)
        try buffer.expect(.closeParen, rule: "\")\"")
        guard !vanished || changedSince else { throw ParseError(.expected(rule: "CHANGEDSINCE")) }
        return modifiers
    }
}
