// The QUOTA extension's commands (RFC 9208 §4.1, §7).

extension GrammarParser {
    /// `getquota = "GETQUOTA" SP quota-root-name`, `quota-root-name = astring`
    /// (RFC 9208 §7), after `GETQUOTA`.
    static func parseGetQuota(_ buffer: inout ParseBuffer) throws(ParseError) -> Command {
        try buffer.expectSP()
        return .getQuota(root: String(decoding: try parseAstring(&buffer), as: UTF8.self))
    }

    /// `getquotaroot = "GETQUOTAROOT" SP mailbox` (RFC 9208 §7), after `GETQUOTAROOT`.
    static func parseGetQuotaRoot(_ buffer: inout ParseBuffer) throws(ParseError) -> Command {
        .getQuotaRoot(try parseMailboxArgument(&buffer))
    }

    /// `setquota = "SETQUOTA" SP quota-root-name SP setquota-list`,
    /// `setquota-list = "(" [setquota-resource *(SP setquota-resource)] ")"` (RFC 9208 §7),
    /// after `SETQUOTA`.
    static func parseSetQuota(_ buffer: inout ParseBuffer) throws(ParseError) -> Command {
        try buffer.expectSP()
        let root = String(decoding: try parseAstring(&buffer), as: UTF8.self)
        try buffer.expectSP()
        try buffer.expect(.openParen, rule: "setquota-list")
        var limits: [QuotaLimitRequest] = []
        if !buffer.consume(.closeParen) {
            repeat {
                limits.append(try parseSetQuotaResource(&buffer))
            } while buffer.consume(.space)
            try buffer.expect(.closeParen, rule: "\")\"")
        }
        return .setQuota(root: root, limits: limits)
    }

    /// `setquota-resource = resource-name SP resource-limit`, `resource-name = "STORAGE" /
    /// "MESSAGE" / "MAILBOX" / "ANNOTATION-STORAGE" / resource-name-ext`,
    /// `resource-name-ext = atom`, `resource-limit = number64` (RFC 9208 §7). The name is
    /// folded to upper case (§7: case-insensitive).
    static func parseSetQuotaResource(_ buffer: inout ParseBuffer) throws(ParseError) -> QuotaLimitRequest {
        let name = buffer.uppercased(try buffer.scanNonEmpty(.atom, rule: "resource-name"))
        try buffer.expectSP()
        return QuotaLimitRequest(resource: name, limit: try parseNumber64(&buffer))
    }
}
