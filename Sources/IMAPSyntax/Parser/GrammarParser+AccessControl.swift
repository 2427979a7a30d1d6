import MailCore

// The ACL extension's commands (RFC 4314 §3, formal syntax in §7).

extension GrammarParser {
    /// `setacl = "SETACL" SP mailbox SP identifier SP mod-rights` (RFC 4314 §7), after `SETACL`.
    static func parseSetACL(_ buffer: inout ParseBuffer) throws(ParseError) -> Command {
        let mailbox = try parseMailboxArgument(&buffer)
        try buffer.expectSP()
        let identifier = try parseIdentifier(&buffer)
        try buffer.expectSP()
        return .accessControl(.setACL(mailbox, identifier: identifier, change: try parseModRights(&buffer)))
    }

    /// `deleteacl = "DELETEACL" SP mailbox SP identifier` (RFC 4314 §7), after `DELETEACL`.
    static func parseDeleteACL(_ buffer: inout ParseBuffer) throws(ParseError) -> Command {
        let mailbox = try parseMailboxArgument(&buffer)
        try buffer.expectSP()
        return .accessControl(.deleteACL(mailbox, identifier: try parseIdentifier(&buffer)))
    }

    /// `getacl = "GETACL" SP mailbox` (RFC 4314 §7), after `GETACL`.
    static func parseGetACL(_ buffer: inout ParseBuffer) throws(ParseError) -> Command {
        .accessControl(.getACL(try parseMailboxArgument(&buffer)))
    }

    /// `listrights = "LISTRIGHTS" SP mailbox SP identifier` (RFC 4314 §7), after `LISTRIGHTS`.
    static func parseListRights(_ buffer: inout ParseBuffer) throws(ParseError) -> Command {
        let mailbox = try parseMailboxArgument(&buffer)
        try buffer.expectSP()
        return .accessControl(.listRights(mailbox, identifier: try parseIdentifier(&buffer)))
    }

    /// `myrights = "MYRIGHTS" SP mailbox` (RFC 4314 §7), after `MYRIGHTS`.
    static func parseMyRights(_ buffer: inout ParseBuffer) throws(ParseError) -> Command {
        .accessControl(.myRights(try parseMailboxArgument(&buffer)))
    }

    /// `identifier = astring` (RFC 4314 §7); empty is no identifier.
    static func parseIdentifier(_ buffer: inout ParseBuffer) throws(ParseError) -> String {
        let identifier = String(decoding: try parseAstring(&buffer), as: UTF8.self)
        guard !identifier.isEmpty, identifier != "-" else { throw ParseError(.expected(rule: "identifier")) }
        return identifier
    }

    /// `mod-rights = astring` (RFC 4314 §7): `["+" / "-"] *right-letter`. A letter that is no
    /// right (nor the obsolete `c`/`d`) is a syntax error: §3.1 wants BAD for it.
    static func parseModRights(_ buffer: inout ParseBuffer) throws(ParseError) -> AccessRightsChange {
        let text = String(decoding: try parseAstring(&buffer), as: UTF8.self)
        guard let change = AccessRightsChange(text) else {
            throw ParseError(.expected(rule: "mod-rights (rights letters of RFC 4314)"))
        }
        return change
    }
}
