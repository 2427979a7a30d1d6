import IMAPSyntax

extension Session {
    /// Whether the client enabled UIDONLY (RFC 9586 §3.1).
    var uidOnly: Bool { state.session?.enabled.contains("UIDONLY") ?? false }

    /// Once UIDONLY is enabled, a command that names messages by sequence number (RFC 9586 §3:
    /// "including the special marker '*'") gets `BAD [UIDREQUIRED]`: FETCH, STORE, SEARCH,
    /// COPY, MOVE, SORT and THREAD (§3.2, §3.8), a sequence-set SEARCH criterion in UID
    /// SEARCH, UID SORT or UID THREAD (§3.5), and SELECT QRESYNC's sequence match data (§3.7).
    /// REPLACE by number is refused where its literal is announced.
    func uidOnlyRefusal(_ command: Command) -> CommandOutcome? {
        guard uidOnly else { return nil }
        let numbered: Bool
        switch command {
        case .fetch(let c): numbered = !c.byUID
        case .store(let c): numbered = !c.byUID
        case .copy(_, _, let byUID), .move(_, _, let byUID): numbered = !byUID
        case .search(let c): numbered = !c.byUID || c.key.namesSequenceNumbers
        case .sort(let c): numbered = !c.byUID || c.key.namesSequenceNumbers
        case .thread(let c): numbered = !c.byUID || c.key.namesSequenceNumbers
        case .select(_, let parameters), .examine(_, let parameters):
            numbered = parameters.qresync?.sequenceMatch != nil
        default: numbered = false
        }
        return numbered ? Self.uidRequired : nil
    }

    static let uidRequired = CommandOutcome.bad("Message numbers are not allowed once UIDONLY is enabled",
                                                code: .other("UIDREQUIRED", nil))
}

extension SearchKey {
    /// Whether a `sequence-set` criterion appears anywhere in the key (RFC 9586 §3.5).
    var namesSequenceNumbers: Bool {
        switch self {
        case .sequenceNumbers: return true
        case .not(let key): return key.namesSequenceNumbers
        case .or(let first, let second): return first.namesSequenceNumbers || second.namesSequenceNumbers
        case .and(let keys): return keys.contains { $0.namesSequenceNumbers }
        default: return false
        }
    }
}
