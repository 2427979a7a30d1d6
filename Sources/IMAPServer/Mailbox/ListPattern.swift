/// A LIST/LSUB mailbox pattern (RFC 3501 §6.3.8): `*` matches anything, `%` anything but the
/// hierarchy delimiter. INBOX matches case-insensitively.
struct ListPattern {
    private let tokens: [Token]
    /// The pattern ends with `%`: superior levels of matching names are listed too.
    let endsWithPercent: Bool

    private enum Token: Equatable {
        case literal(Character)
        case star
        case percent
    }

    /// The full pattern from LIST's reference and mailbox arguments: the reference is a
    /// prefix (RFC 3501 §6.3.8), and a mailbox argument starting with the delimiter is
    /// taken as absolute.
    init(reference: String, pattern: String) {
        let full: String
        if pattern.first == MailboxNames.delimiter || reference.isEmpty {
            full = pattern
        } else if reference.last == MailboxNames.delimiter {
            full = reference + pattern
        } else {
            full = reference + String(MailboxNames.delimiter) + pattern
        }
        let canonical = MailboxNames.canonicalInbox(full)
        tokens = canonical.map { $0 == "*" ? .star : $0 == "%" ? .percent : .literal($0) }
        endsWithPercent = canonical.last == "%"
    }

    /// Dynamic programming over (pattern position, name position): linear in their product,
    /// so hostile patterns like `*%*%*%…` cannot make matching explode.
    func matches(_ name: String) -> Bool {
        let name = Array(name)
        // reachable[j]: the pattern prefix processed so far can match name[0..<j].
        var reachable = [Bool](repeating: false, count: name.count + 1)
        reachable[0] = true
        for token in tokens {
            var next = [Bool](repeating: false, count: name.count + 1)
            switch token {
            case .literal(let c):
                for j in 0..<name.count where reachable[j] && name[j] == c { next[j + 1] = true }
            case .star:
                var on = false
                for j in 0...name.count {
                    on = on || reachable[j]
                    next[j] = on
                }
            case .percent:
                var on = false
                for j in 0...name.count {
                    on = on || reachable[j]
                    next[j] = on
                    if j < name.count && name[j] == MailboxNames.delimiter { on = false }
                }
            }
            reachable = next
        }
        return reachable[name.count]
    }
}
