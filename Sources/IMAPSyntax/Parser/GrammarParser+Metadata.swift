import MailCore

// GETMETADATA and SETMETADATA (RFC 5464 §4.2, §4.3, §5).

extension GrammarParser {
    /// `getmetadata = "GETMETADATA" [SP getmetadata-options] SP mailbox SP entries`
    /// (RFC 5464 §5), after `GETMETADATA`. The options are also taken after the mailbox, where
    /// every example of §4.2.1–4.2.2 puts them (as Cyrus and Dovecot take them); there a list
    /// is options when it starts with an option name rather than an entry (which starts with
    /// `/` or is quoted).
    static func parseGetMetadata(_ buffer: inout ParseBuffer) throws(ParseError) -> Command {
        try buffer.expectSP()
        var options = MetadataOptions()
        if buffer.current == .openParen {
            options = try parseGetMetadataOptions(&buffer)
            try buffer.expectSP()
        }
        let mailbox = try parseMailbox(&buffer)
        try buffer.expectSP()
        if buffer.current == .openParen, buffer.peek(1).map({ $0 != .slash && $0 != .dquote && $0 != .openBrace }) == true {
            guard options == MetadataOptions() else { throw buffer.failure("entries") }
            options = try parseGetMetadataOptions(&buffer)
            try buffer.expectSP()
        }
        let entries = try parseEntries(&buffer)
        return .getMetadata(GetMetadataCommand(mailbox: mailbox, maxSize: options.maxSize, depth: options.depth,
                                               entries: entries))
    }

    /// What `getmetadata-options` set.
    struct MetadataOptions: Equatable {
        var maxSize: UInt32?
        var depth = MetadataDepth.zero
        var depthGiven = false
    }

    /// `getmetadata-options = "(" getmetadata-option *(SP getmetadata-option) ")"`,
    /// `maxsize-opt = "MAXSIZE" SP number`, `scope-opt = "DEPTH" SP ("0" / "1" / "infinity")`
    /// (RFC 5464 §5). Each at most once; any other option is an error, since this server
    /// knows no other (RFC 4466 §2.1 `tagged-ext-label`).
    static func parseGetMetadataOptions(_ buffer: inout ParseBuffer) throws(ParseError) -> MetadataOptions {
        try buffer.expect(.openParen, rule: "getmetadata-options")
        var options = MetadataOptions()
        repeat {
            if options.maxSize == nil, buffer.consumeKeyword("MAXSIZE") {
                try buffer.expectSP()
                options.maxSize = try parseNumber(&buffer)
            } else if !options.depthGiven, buffer.consumeKeyword("DEPTH") {
                try buffer.expectSP()
                options.depthGiven = true
                if buffer.consumeKeyword("INFINITY") {
                    options.depth = .infinity
                } else if buffer.consume(.zero) {
                    options.depth = .zero
                } else if buffer.consume(UInt8(ascii: "1")) {
                    options.depth = .one
                } else {
                    throw buffer.failure("\"0\" / \"1\" / \"infinity\"")
                }
            } else {
                throw buffer.failure("getmetadata-option")
            }
        } while buffer.consume(.space)
        try buffer.expect(.closeParen, rule: "\")\"")
        return options
    }

    /// `entries = entry / "(" entry *(SP entry) ")"` (RFC 5464 §5).
    static func parseEntries(_ buffer: inout ParseBuffer) throws(ParseError) -> [MetadataEntryName] {
        guard buffer.consume(.openParen) else { return [try parseEntry(&buffer)] }
        var entries: [MetadataEntryName] = []
        repeat {
            entries.append(try parseEntry(&buffer))
        } while buffer.consume(.space)
        try buffer.expect(.closeParen, rule: "\")\"")
        return entries
    }

    /// `entry = astring` (RFC 5464 §5), which must be a valid entry name (§3.2: "Invalid entry
    /// names result in a BAD response").
    static func parseEntry(_ buffer: inout ParseBuffer) throws(ParseError) -> MetadataEntryName {
        let start = buffer.index
        let bytes = try parseAstring(&buffer)
        guard let entry = MetadataEntryName(bytes: bytes) else {
            buffer.index = start
            throw ParseError(.expected(rule: "entry (RFC 5464 §3.2)"))
        }
        return entry
    }

    /// `setmetadata = "SETMETADATA" SP mailbox SP entry-values`,
    /// `entry-values = "(" entry-value *(SP entry-value) ")"`, `entry-value = entry SP value`
    /// (RFC 5464 §5), after `SETMETADATA`.
    static func parseSetMetadata(_ buffer: inout ParseBuffer) throws(ParseError) -> Command {
        try buffer.expectSP()
        let mailbox = try parseMailbox(&buffer)
        try buffer.expectSP()
        try buffer.expect(.openParen, rule: "entry-values")
        var values: [MetadataEntryValue] = []
        repeat {
            let start = buffer.index
            let entry = try parseEntry(&buffer)
            guard !entry.isScopeRoot else {
                buffer.index = start
                throw ParseError(.expected(rule: "entry (RFC 5464 §3.2)"))
            }
            try buffer.expectSP()
            values.append(MetadataEntryValue(entry: entry, value: try parseMetadataValue(&buffer)))
        } while buffer.consume(.space)
        try buffer.expect(.closeParen, rule: "\")\"")
        return .setMetadata(mailbox, values)
    }

    /// `value = nstring / literal8` (RFC 5464 §5): nil for NIL.
    static func parseMetadataValue(_ buffer: inout ParseBuffer) throws(ParseError) -> [UInt8]? {
        if buffer.current == .tilde { return try parseLiteral8(&buffer) }
        return try parseNString(&buffer)
    }

    /// `literal8 = "~{" number64 ["+"] "}" CRLF *OCTET` (RFC 3516 §4.2, RFC 7888): any bytes,
    /// NUL included.
    static func parseLiteral8(_ buffer: inout ParseBuffer) throws(ParseError) -> [UInt8] {
        try buffer.expect(.tilde, rule: "literal8")
        return try parseLiteral(&buffer)
    }
}
