/// A LIST/LSUB mailbox pattern (RFC 3501 §6.3.8): `*` matches anything, `%` anything but the
/// hierarchy delimiter. INBOX matches case-insensitively.
///
/// Matching works on the UTF-8 bytes of names, which is matching on their characters (code
/// points): a literal character's bytes can only match where a character starts, and the
/// delimiter `%` stops at is one byte. Each name costs at most its length times the number
/// of pattern tokens (runs of wildcards count as one); most patterns are decided by their
/// literal prefix and suffix alone.
struct ListPattern {
    private let tokens: [Token]
    private let shape: Shape
    /// The pattern ends with `%`: superior levels of matching names are listed too.
    let endsWithPercent: Bool

    private enum Token: Equatable {
        case literal(UInt8)
        case star
        case percent
    }

    private enum Shape {
        /// Only `*`: every name.
        case everything
        /// No wildcard: the name itself.
        case exact([UInt8])
        /// Literal characters and `*` at the end: names starting with them.
        case prefix([UInt8])
        /// Literal characters and `%` at the end: names starting with them, one level deep.
        case level([UInt8])
        /// More literal characters than a name can hold: no name.
        case nothing
        /// Anything else: names that start with `prefix` and end with `suffix` (the literal
        /// characters before the first and after the last wildcard) go through `tokens`.
        case general(prefix: [UInt8], suffix: [UInt8])
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
        let canonical = Array(MailboxNames.canonicalInbox(full).utf8)
        endsWithPercent = canonical.last == UInt8(ascii: "%")
        // A run of wildcards matches what `*` matches if it holds one, else what `%` does.
        var tokens: [Token] = []
        for byte in canonical {
            let token: Token = byte == UInt8(ascii: "*") ? .star : byte == UInt8(ascii: "%") ? .percent : .literal(byte)
            switch (tokens.last, token) {
            case (.star?, .star), (.star?, .percent), (.percent?, .percent): continue
            case (.percent?, .star): tokens[tokens.count - 1] = .star
            default: tokens.append(token)
            }
        }
        self.tokens = tokens
        let literals = tokens.compactMap { token -> UInt8? in
            if case .literal(let byte) = token { return byte }
            return nil
        }
        let prefix = Array(literals.prefix(tokens.firstIndex { $0 == .star || $0 == .percent } ?? tokens.count))
        let suffixCount = tokens.count - 1 - (tokens.lastIndex { $0 == .star || $0 == .percent } ?? -1)
        if tokens == [.star] {
            shape = .everything
        } else if literals.count > MailboxNames.maxLength {
            shape = .nothing
        } else if literals.count == tokens.count {
            shape = .exact(literals)
        } else if tokens.last == .star && prefix.count == tokens.count - 1 {
            shape = .prefix(prefix)
        } else if tokens.last == .percent && prefix.count == tokens.count - 1 {
            shape = .level(prefix)
        } else {
            shape = .general(prefix: prefix, suffix: Array(literals.suffix(suffixCount)))
        }
    }

    func matches(_ name: String) -> Bool {
        switch shape {
        case .everything: return true
        case .nothing: return false
        case .exact(let bytes): return name.utf8.elementsEqual(bytes)
        case .prefix(let bytes): return name.utf8.starts(with: bytes)
        case .level(let bytes):
            return name.utf8.starts(with: bytes)
                && !name.utf8.dropFirst(bytes.count).contains(MailboxNames.delimiterByte)
        case .general(let prefix, let suffix):
            var name = name
            return name.withUTF8 { bytes in
                bytes.count >= prefix.count + suffix.count && bytes.starts(with: prefix)
                    && bytes[(bytes.count - suffix.count)...].elementsEqual(suffix) && matchesWildcards(bytes)
            }
        }
    }

    /// Dynamic programming over (pattern position, name position) in one array: linear in
    /// their product, so hostile patterns like `*%*%*%…` cannot make matching explode.
    private func matchesWildcards(_ name: UnsafeBufferPointer<UInt8>) -> Bool {
        // reachable[j]: the pattern prefix processed so far can match name[0..<j].
        var reachable = [Bool](repeating: false, count: name.count + 1)
        reachable[0] = true
        for token in tokens {
            switch token {
            case .literal(let byte):
                var j = name.count
                while j > 0 {
                    reachable[j] = reachable[j - 1] && name[j - 1] == byte
                    j -= 1
                }
                reachable[0] = false
            case .star:
                var on = false
                for j in 0...name.count {
                    on = on || reachable[j]
                    reachable[j] = on
                }
            case .percent:
                var on = false
                for j in 0...name.count {
                    on = on || reachable[j]
                    reachable[j] = on
                    if j < name.count && name[j] == MailboxNames.delimiterByte { on = false }
                }
            }
        }
        return reachable[name.count]
    }
}
