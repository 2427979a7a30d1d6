import MailCore

// The command dispatch and the commands whose arguments are short (RFC 9051 §6, §9;
// RFC 3501 §6; RFC 2971 ID; RFC 5161 ENABLE; RFC 4315 UID EXPUNGE; RFC 6851 MOVE).

extension GrammarParser {
    /// `command-any / command-auth / command-nonauth / command-select` (RFC 9051 §9, RFC 3501
    /// §9), after `tag SP`: the command name, case-insensitively, then its arguments. An empty
    /// or unknown name is `.unknownCommand` (upper case).
    static func parseCommandBody(_ buffer: inout ParseBuffer) throws(ParseError) -> Command {
        let name = try buffer.keyword()
        switch name {
        case "CAPABILITY": return .capability
        case "NOOP": return .noop
        case "LOGOUT": return .logout
        case "ID": return try parseID(&buffer)
        case "STARTTLS": return .starttls
        case "AUTHENTICATE": return try parseAuthenticate(&buffer)
        case "LOGIN": return try parseLogin(&buffer)
        case "ENABLE": return try parseEnable(&buffer)
        case "SELECT":
            let (mailbox, parameters) = try parseSelectArguments(&buffer)
            return .select(mailbox, parameters)
        case "EXAMINE":
            let (mailbox, parameters) = try parseSelectArguments(&buffer)
            return .examine(mailbox, parameters)
        case "CREATE": return try parseCreate(&buffer)
        case "DELETE": return .delete(try parseMailboxArgument(&buffer))
        case "RENAME": return try parseRename(&buffer)
        case "SUBSCRIBE": return .subscribe(try parseMailboxArgument(&buffer))
        case "UNSUBSCRIBE": return .unsubscribe(try parseMailboxArgument(&buffer))
        case "LIST": return .list(try parseList(&buffer))
        case "LSUB": return try parseLsub(&buffer)
        case "NAMESPACE": return .namespace
        case "STATUS": return try parseStatus(&buffer)
        case "IDLE": return .idle
        case "COMPRESS": return try parseCompress(&buffer)
        case "UNAUTHENTICATE": return .unauthenticate
        case "GETQUOTA": return try parseGetQuota(&buffer)  // RFC 9208: GrammarParser+Quota.swift
        case "GETQUOTAROOT": return try parseGetQuotaRoot(&buffer)
        case "SETQUOTA": return try parseSetQuota(&buffer)
        case "GETMETADATA": return try parseGetMetadata(&buffer)
        case "SETMETADATA": return try parseSetMetadata(&buffer)
        case "NOTIFY": return try parseNotify(&buffer)  // RFC 5465: GrammarParser+Notify.swift
        case "SETACL": return try parseSetACL(&buffer)  // RFC 4314: GrammarParser+AccessControl.swift
        case "DELETEACL": return try parseDeleteACL(&buffer)
        case "GETACL": return try parseGetACL(&buffer)
        case "LISTRIGHTS": return try parseListRights(&buffer)
        case "MYRIGHTS": return try parseMyRights(&buffer)
        case "CHECK": return .check
        case "CLOSE": return .close
        case "UNSELECT": return .unselect
        case "EXPUNGE": return .expunge
        case "CANCELUPDATE": return try parseCancelUpdate(&buffer)  // RFC 5267: GrammarParser+Partial.swift
        case "SEARCH": return .search(try parseSearch(&buffer, byUID: false))
        case "SORT": return .sort(try parseSort(&buffer, byUID: false))
        case "THREAD": return .thread(try parseThread(&buffer, byUID: false))
        case "FETCH":
            try buffer.expectSP()
            return .fetch(try parseFetch(&buffer, byUID: false))
        case "STORE": return .store(try parseStore(&buffer, byUID: false))
        case "COPY":
            let (set, mailbox) = try parseCopyArguments(&buffer)
            return .copy(set, mailbox, byUID: false)
        case "MOVE":
            let (set, mailbox) = try parseCopyArguments(&buffer)
            return .move(set, mailbox, byUID: false)
        case "UID": return try parseUID(&buffer)
        case "APPEND":
            // The framer streams APPEND's messages (see `parseAppendPrefix`): a whole APPEND
            // line without its message literal can only be incomplete or malformed.
            try buffer.expectSP()
            _ = try parseMailbox(&buffer)
            _ = try parseAppendOpts(&buffer)
            throw ParseError(.unexpectedEnd)
        default:
            throw ParseError(.unknownCommand(name.text))
        }
    }

    /// `uid = "UID" SP (copy / move / fetch / search / store / uid-expunge)` (and sort and
    /// thread, RFC 5256 §5),
    /// `uid-expunge = "EXPUNGE" SP sequence-set` (RFC 9051 §9, RFC 4315 §4), after `UID`.
    static func parseUID(_ buffer: inout ParseBuffer) throws(ParseError) -> Command {
        try buffer.expectSP()
        let name = try buffer.keyword()
        switch name {
        case "COPY":
            let (set, mailbox) = try parseCopyArguments(&buffer)
            return .copy(set, mailbox, byUID: true)
        case "MOVE":
            let (set, mailbox) = try parseCopyArguments(&buffer)
            return .move(set, mailbox, byUID: true)
        case "FETCH":
            try buffer.expectSP()
            return .fetch(try parseFetch(&buffer, byUID: true))
        case "SEARCH": return .search(try parseSearch(&buffer, byUID: true))
        case "SORT": return .sort(try parseSort(&buffer, byUID: true))
        case "THREAD": return .thread(try parseThread(&buffer, byUID: true))
        case "STORE": return .store(try parseStore(&buffer, byUID: true))
        case "EXPUNGE":
            try buffer.expectSP()
            return .uidExpunge(try parseSequenceSet(&buffer))
        case "": throw ParseError(.unknownCommand("UID"))
        default: throw ParseError(.unknownCommand("UID " + name.text))
        }
    }

    /// `SP mailbox`: the argument of DELETE, SUBSCRIBE, UNSUBSCRIBE (RFC 9051 §9).
    static func parseMailboxArgument(_ buffer: inout ParseBuffer) throws(ParseError) -> MailboxName {
        try buffer.expectSP()
        return try parseMailbox(&buffer)
    }

    /// `rename = "RENAME" SP mailbox SP mailbox` (RFC 9051 §9), after `RENAME`.
    static func parseRename(_ buffer: inout ParseBuffer) throws(ParseError) -> Command {
        let from = try parseMailboxArgument(&buffer)
        return .rename(from: from, to: try parseMailboxArgument(&buffer))
    }

    /// `copy = "COPY" SP sequence-set SP mailbox`, `move = "MOVE" SP sequence-set SP mailbox`
    /// (RFC 9051 §9, RFC 6851 §4), after the name.
    static func parseCopyArguments(_ buffer: inout ParseBuffer) throws(ParseError) -> (SequenceSet, MailboxName) {
        try buffer.expectSP()
        let set = try parseSequenceSet(&buffer)
        return (set, try parseMailboxArgument(&buffer))
    }

    /// `store = "STORE" SP sequence-set [store-modifiers] SP store-att-flags` (RFC 9051 §9,
    /// RFC 4466 §2.5), `store-modifiers = SP "(" store-modifier *(SP store-modifier) ")"`,
    /// `store-modifier =/ "UNCHANGEDSINCE" SP mod-sequence-valzer`, at most once (RFC 7162 §7).
    static func parseStore(_ buffer: inout ParseBuffer, byUID: Bool) throws(ParseError) -> StoreCommand {
        try buffer.expectSP()
        let set = try parseSequenceSet(&buffer)
        try buffer.expectSP()
        var unchangedSince: ModSeq?
        if buffer.consume(.openParen) {
            repeat {
                guard unchangedSince == nil, buffer.consumeKeyword("UNCHANGEDSINCE") else {
                    throw buffer.failure("store-modifier")
                }
                try buffer.expectSP()
                unchangedSince = try parseModSequenceValzer(&buffer)
            } while buffer.consume(.space)
            try buffer.expect(.closeParen, rule: "\")\"")
            try buffer.expectSP()
        }
        let (operation, silent, flags) = try parseStoreAttFlags(&buffer)
        return StoreCommand(sequenceSet: set, unchangedSince: unchangedSince, operation: operation,
                            silent: silent, flags: flags, byUID: byUID)
    }

    /// `login = "LOGIN" SP userid SP password`, `userid = astring`, `password = astring`
    /// (RFC 9051 §9), after `LOGIN`; both decoded as UTF-8.
    static func parseLogin(_ buffer: inout ParseBuffer) throws(ParseError) -> Command {
        try buffer.expectSP()
        let user = try parseAstring(&buffer)
        try buffer.expectSP()
        let password = try parseAstring(&buffer)
        return .login(username: String(decoding: user, as: UTF8.self),
                      password: String(decoding: password, as: UTF8.self))
    }

    /// `enable = "ENABLE" 1*(SP capability)`, `capability = ("AUTH=" auth-type) / atom`
    /// (RFC 9051 §9, RFC 5161 §4), after `ENABLE`; names in upper case (they are
    /// case-insensitive).
    static func parseEnable(_ buffer: inout ParseBuffer) throws(ParseError) -> Command {
        var capabilities: [String] = []
        repeat {
            try buffer.expectSP()
            capabilities.append(buffer.uppercased(try buffer.scanNonEmpty(.atom, rule: "capability")))
        } while buffer.current == .space
        return .enable(capabilities)
    }

    /// `compress = "COMPRESS" SP algorithm`, `algorithm = "DEFLATE"` (RFC 4978 §5), after
    /// `COMPRESS`: any atom, so that the session can answer an unknown algorithm with BAD.
    static func parseCompress(_ buffer: inout ParseBuffer) throws(ParseError) -> Command {
        try buffer.expectSP()
        return .compress(algorithm: buffer.uppercased(try buffer.scanNonEmpty(.atom, rule: "algorithm")))
    }

    /// `id = "ID" SP id_params_list`,
    /// `id_params_list = "(" #(string SP nstring) ")" / nil` (RFC 2971 §4), after `ID`. The
    /// pairs are separated by SP, as in the RFC's examples; `()` is an empty list.
    static func parseID(_ buffer: inout ParseBuffer) throws(ParseError) -> Command {
        try buffer.expectSP()
        if buffer.consumeKeyword("NIL") { return .id(nil) }
        try buffer.expect(.openParen, rule: "id_params_list")
        var fields: [IDField] = []
        if buffer.consume(.closeParen) { return .id(fields) }
        repeat {
            let name = try parseString(&buffer)
            try buffer.expectSP()
            let value = try parseNString(&buffer)
            fields.append(IDField(name: String(decoding: name, as: UTF8.self),
                                  value: value.map { String(decoding: $0, as: UTF8.self) }))
        } while buffer.consume(.space)
        try buffer.expect(.closeParen, rule: "\")\"")
        return .id(fields)
    }

    /// `authenticate = "AUTHENTICATE" SP auth-type [SP initial-resp]`, `auth-type = atom`
    /// (RFC 9051 §9, RFC 4959 §7), after `AUTHENTICATE`. SASL mechanism names are upper case
    /// (RFC 4422 §3.1); the name is folded to it.
    static func parseAuthenticate(_ buffer: inout ParseBuffer) throws(ParseError) -> Command {
        try buffer.expectSP()
        let mechanism = buffer.uppercased(try buffer.scanNonEmpty(.atom, rule: "auth-type"))
        var initialResponse: SASLInitialResponse?
        if buffer.consume(.space) {
            initialResponse = try parseInitialResp(&buffer)
        }
        return .authenticate(mechanism: mechanism, initialResponse: initialResponse)
    }
}
