/// One element of an address list in the shape IMAP's ENVELOPE uses (RFC 9051 §7.5.2
/// `address`): raw header bytes with quoting removed and comments dropped, nil for NIL.
///
/// - A mailbox has a non-nil `mailbox` and `host`.
/// - A group start (RFC 5322 §3.4 `group`) has the group name in `mailbox` and a nil `host`.
/// - A group end has nil `mailbox` and `host`.
///
/// Broken input is kept the way Dovecot keeps it: a missing local part becomes
/// `MISSING_MAILBOX`, a missing domain `MISSING_DOMAIN`, an unterminated angle address has the
/// domain `SYNTAX_ERROR`, an unparsable route `INVALID_ROUTE`.
public struct Address: Hashable, Sendable {
    /// The display name (`phrase`, RFC 5322 §3.2.5), or the text of a comment after a bare
    /// address (`user@host (Name)`). RFC 2047 encoded words are left encoded.
    public var name: [UInt8]?
    /// The obsolete source route (`obs-route`, RFC 5322 §4.4) as `@a,@b`: IMAP's `adl`.
    public var route: [UInt8]?
    /// The local part, or the group name for a group start.
    public var mailbox: [UInt8]?
    /// The domain.
    public var host: [UInt8]?

    public init(name: [UInt8]? = nil, route: [UInt8]? = nil, mailbox: [UInt8]?,
                host: [UInt8]?) {
        self.name = name
        self.route = route
        self.mailbox = mailbox
        self.host = host
    }

    public var isGroupStart: Bool { host == nil && mailbox != nil }
    public var isGroupEnd: Bool { host == nil && mailbox == nil }

    /// Whether `part` (a `mailbox` or `host`) is one of the placeholders the parser puts in
    /// for a missing or broken part (`MISSING_MAILBOX`, `MISSING_DOMAIN`, `SYNTAX_ERROR`,
    /// `INVALID_ROUTE`), which ENVELOPE shows but the message does not contain.
    public static func isPlaceholder(_ part: [UInt8]) -> Bool {
        part == missingMailbox || part == missingDomain || part == syntaxError || part == invalidRoute
    }

    static let missingMailbox = Array("MISSING_MAILBOX".utf8)
    static let missingDomain = Array("MISSING_DOMAIN".utf8)
    static let syntaxError = Array("SYNTAX_ERROR".utf8)
    static let invalidRoute = Array("INVALID_ROUTE".utf8)
}

/// Parses address lists: `address-list` of RFC 5322 §3.4 with the obsolete forms of §4.4
/// (routes, empty list elements, dots in odd places in local parts).
public enum AddressParser {
    /// Parses the unfolded value of an address header field (From, To, Cc, ...).
    public static func parseAddressList(_ value: [UInt8]) -> [Address] {
        var parser = AddressListParser(value)
        return parser.parse()
    }

    /// Parses the value of an address header field as it appears in the message (folded).
    public static func parseAddressList(_ value: some Sequence<UInt8>) -> [Address] {
        parseAddressList(Array(value))
    }
}

/// The address-list grammar on top of `Lexer`, one method per rule.
struct AddressListParser {
    private var lexer: Lexer
    private var addresses: [Address] = []
    private var pending = Pending()
    /// Scratch text shared by the rules, as the phrase fallback of `addrSpec` relies on.
    private var text: [UInt8] = []

    private struct Pending {
        var name: [UInt8]?
        var route: [UInt8]?
        var mailbox: [UInt8]?
        var domain: [UInt8]?
        var invalid = false
    }

    init(_ value: [UInt8]) {
        lexer = Lexer(value, recordsComments: true)
    }

    mutating func parse() -> [Address] {
        guard lexer.skipCFWS() == .more else { return [] }
        addressList()
        return addresses
    }

    private mutating func emitPending() {
        addresses.append(Address(name: pending.name, route: pending.route,
                                 mailbox: pending.mailbox, host: pending.domain))
        pending = Pending()
    }

    /// Emits the pending mailbox with placeholders for missing parts.
    private mutating func emitMailbox() {
        if pending.mailbox == nil {
            pending.mailbox = Address.missingMailbox
            pending.invalid = true
        }
        if pending.domain?.isEmpty ?? true {
            pending.domain = Address.missingDomain
            pending.invalid = true
        }
        emitPending()
    }

    /// `local-part` (RFC 5322 §3.4.1).
    private mutating func localPart() -> LexOutcome {
        text.removeAll(keepingCapacity: true)
        let outcome = lexer.current == ASCII.quote ? lexer.quotedString(into: &text)
                                                  : lexer.looseDotAtom(into: &text)
        if outcome == .invalid { return .invalid }
        pending.mailbox = text
        return outcome
    }

    /// `domain` after "@" (RFC 5322 §3.4.1).
    private mutating func domain() -> LexOutcome {
        text.removeAll(keepingCapacity: true)
        let outcome = lexer.domain(into: &text)
        if outcome == .invalid { return .invalid }
        pending.domain = text
        return outcome
    }

    /// `obs-domain-list` (RFC 5322 §4.4): "@a,@b" before the ":" of a route.
    private mutating func domainList() -> LexOutcome {
        text.removeAll(keepingCapacity: true)
        while let byte = lexer.current {
            guard byte == ASCII.at else { break }
            if !text.isEmpty { text.append(ASCII.comma) }
            text.append(ASCII.at)
            let outcome = lexer.domain(into: &text)
            guard outcome == .more else { return outcome }
            while lexer.skipCFWS() == .more, lexer.current == ASCII.comma { lexer.position += 1 }
        }
        if lexer.atEnd { return .end }
        pending.route = text
        return .more
    }

    /// `angle-addr` with `obs-angle-addr` (RFC 5322 §3.4, §4.4); the lexer is at "<".
    private mutating func angleAddr() -> LexOutcome {
        lexer.position += 1
        guard lexer.skipCFWS() == .more else { return .invalid }
        if lexer.current == ASCII.at {
            if domainList() == .more, lexer.current == ASCII.colon {
                lexer.position += 1
            } else {
                pending.route = Address.invalidRoute
                if lexer.atEnd { return .invalid }
            }
            guard lexer.skipCFWS() == .more else { return .invalid }
        }
        if lexer.current != ASCII.greaterThan {
            guard localPart() == .more else { return .invalid }
            if lexer.current == ASCII.at {
                guard domain() == .more else { return .invalid }
            }
        }
        guard lexer.current == ASCII.greaterThan else { return .invalid }
        lexer.position += 1
        return lexer.skipCFWS()
    }

    /// `name-addr` (RFC 5322 §3.4): [display-name] angle-addr.
    private mutating func nameAddr() -> LexOutcome {
        text.removeAll(keepingCapacity: true)
        guard lexer.phrase(into: &text) == .more, lexer.current == ASCII.lessThan else {
            return .invalid
        }
        pending.name = text.isEmpty ? nil : text
        if angleAddr() == .invalid {
            pending.domain = Address.syntaxError
            pending.invalid = true
        }
        return lexer.atEnd ? .end : .more
    }

    /// `addr-spec` (RFC 5322 §3.4.1); a trailing comment becomes the name, and a bare word
    /// followed by more words is taken as a display name without an address.
    private mutating func addrSpec() -> LexOutcome {
        lexer.lastComment.removeAll(keepingCapacity: true)
        let quoted = lexer.current == ASCII.quote
        var outcome = localPart()
        if outcome != .more { pending.invalid = true }
        var domainOutcome: LexOutcome?
        if outcome != .end, lexer.current == ASCII.at {
            let result = domain()
            domainOutcome = result
            if result != .more { outcome = result }
        }
        if !lexer.lastComment.isEmpty {
            pending.name = lexer.lastComment
        } else if domainOutcome == nil {
            text.append(ASCII.space)
            let before = text.count
            _ = lexer.phrase(into: &text)
            if text.count != before {
                pending.mailbox = nil
                pending.name = text
            } else if !quoted {
                pending.domain = []
            }
            pending.invalid = true
            outcome = .invalid
        }
        return outcome
    }

    /// `mailbox` (RFC 5322 §3.4): name-addr / addr-spec.
    @discardableResult
    private mutating func mailbox() -> LexOutcome {
        let start = lexer.position
        var outcome = nameAddr()
        if outcome == .invalid {
            lexer.position = start
            outcome = addrSpec()
            if pending.invalid, pending.name == nil, pending.mailbox != nil,
               pending.domain == nil {
                pending.name = pending.mailbox
                pending.mailbox = nil
            }
        }
        if outcome == .invalid { pending.invalid = true }
        emitMailbox()
        return outcome
    }

    /// `group` (RFC 5322 §3.4): display-name ":" [group-list] ";".
    private mutating func group() -> LexOutcome {
        text.removeAll(keepingCapacity: true)
        guard lexer.phrase(into: &text) == .more, lexer.current == ASCII.colon else {
            return .invalid
        }
        lexer.position += 1
        var outcome = lexer.skipCFWS()
        if outcome != .more { pending.invalid = true }
        pending.mailbox = text
        emitPending()
        if outcome == .more, lexer.current != ASCII.semicolon {
            while true {
                mailbox()
                guard lexer.current == ASCII.comma else { break }
                lexer.position += 1
                guard lexer.skipCFWS() == .more else {
                    outcome = .invalid
                    break
                }
            }
        }
        if outcome != .invalid {
            if lexer.current != ASCII.semicolon {
                outcome = .invalid
            } else {
                lexer.position += 1
                outcome = lexer.skipCFWS()
            }
        }
        if outcome == .invalid { pending.invalid = true }
        emitPending()
        return outcome == .end ? .end : .more
    }

    /// `address` (RFC 5322 §3.4): mailbox / group.
    private mutating func address() -> LexOutcome {
        let start = lexer.position
        let outcome = group()
        guard outcome == .invalid else { return outcome }
        lexer.position = start
        return mailbox()
    }

    /// `address-list` with `obs-addr-list` (RFC 5322 §3.4, §4.4).
    private mutating func addressList() {
        while true {
            if address() == .end { return }
            guard lexer.current == ASCII.comma else { return }
            lexer.position += 1
            let outcome = lexer.skipCFWS()
            if outcome != .more {
                if outcome == .invalid { emitMailbox() }
                return
            }
        }
    }
}
