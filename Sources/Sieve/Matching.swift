/// Thrown when a run has used up its step budget (`SieveLimits.maximumSteps`).
struct BudgetExhausted: Error {}

/// The steps a run may still take; matching spends one per position it tries.
struct StepBudget {
    private(set) var remaining: Int

    init(_ limit: Int) { remaining = limit }

    @inline(__always)
    mutating func spend(_ steps: Int = 1) throws(BudgetExhausted) {
        remaining -= steps
        if remaining < 0 { throw BudgetExhausted() }
    }
}

/// Comparators (RFC 4790 §9, RFC 5228 §2.7.3) and match types (RFC 5228 §2.7.1, RFC 5231).
/// Strings are compared as UTF-8: `i;octet` byte for byte, `i;ascii-casemap` with ASCII
/// letters folded, `i;ascii-numeric` by the value of the leading digits.
enum Matching {
    /// Whether `value` matches `key`; a successful `:matches` fills `captures` with the whole
    /// value and then one string per wildcard (RFC 5229 §3.2). `:count` is not handled here.
    static func matches(_ value: String, _ key: String, _ match: Match, captures: inout [String],
                        budget: inout StepBudget) throws(BudgetExhausted) -> Bool {
        try budget.spend()
        switch match.type {
        case .is:
            return try compare(value, key, match.comparator, budget: &budget) == 0
        case .contains:
            return try contains(Array(value.utf8), Array(key.utf8), fold: match.comparator == .asciiCasemap,
                                budget: &budget)
        case .matches:
            let text = Array(value.utf8)
            guard let groups = try glob(text, pattern: Array(key.utf8), fold: match.comparator == .asciiCasemap,
                                        budget: &budget) else { return false }
            captures = [value] + groups.map { String(decoding: text[$0], as: UTF8.self) }
            return true
        case .value(let relation):
            return holds(relation, try compare(value, key, match.comparator, budget: &budget))
        case .count(let relation):
            return holds(relation, try compare(value, key, match.comparator, budget: &budget))
        }
    }

    /// `:count`: the number of values compared with each key (RFC 5231 §4.2).
    static func count(_ count: Int, keys: [String], _ match: Match,
                      budget: inout StepBudget) throws(BudgetExhausted) -> Bool {
        guard case .count(let relation) = match.type else { return false }
        let text = String(count)
        for key in keys {
            if holds(relation, try compare(text, key, match.comparator, budget: &budget)) { return true }
        }
        return false
    }

    static func holds(_ relation: Relation, _ order: Int) -> Bool {
        switch relation {
        case .gt: return order > 0
        case .ge: return order >= 0
        case .lt: return order < 0
        case .le: return order <= 0
        case .eq: return order == 0
        case .ne: return order != 0
        }
    }

    /// The comparator's ordering: negative, zero or positive as `a` sorts before, with or
    /// after `b` (RFC 4790 §4.2; for i;ascii-numeric, a string not starting with a digit is
    /// positive infinity, RFC 4790 §9.1.1).
    static func compare(_ a: String, _ b: String, _ comparator: Comparator,
                        budget: inout StepBudget) throws(BudgetExhausted) -> Int {
        let left = Array(a.utf8), right = Array(b.utf8)
        try budget.spend(min(left.count, right.count) / 64)
        switch comparator {
        case .octet:
            return lexicographic(left, right, fold: false)
        case .asciiCasemap:
            return lexicographic(left, right, fold: true)
        case .asciiNumeric:
            return numeric(left, right)
        }
    }

    private static func lexicographic(_ a: [UInt8], _ b: [UInt8], fold: Bool) -> Int {
        for (x, y) in zip(a, b) {
            let left = fold ? Byte.uppercased(x) : x
            let right = fold ? Byte.uppercased(y) : y
            if left != right { return left < right ? -1 : 1 }
        }
        return a.count == b.count ? 0 : (a.count < b.count ? -1 : 1)
    }

    /// Compares the leading digit runs as numbers of any size.
    private static func numeric(_ a: [UInt8], _ b: [UInt8]) -> Int {
        func digits(_ bytes: [UInt8]) -> ArraySlice<UInt8>? {
            let run = bytes.prefix(while: Byte.isDigit)
            guard !run.isEmpty else { return nil }
            let trimmed = run.drop { $0 == UInt8(ascii: "0") }
            return trimmed
        }
        switch (digits(a), digits(b)) {
        case (nil, nil): return 0
        case (nil, _): return 1
        case (_, nil): return -1
        case let (x?, y?):
            if x.count != y.count { return x.count < y.count ? -1 : 1 }
            return lexicographic(Array(x), Array(y), fold: false)
        }
    }

    private static func equal(_ a: UInt8, _ b: UInt8, fold: Bool) -> Bool {
        a == b || (fold && Byte.lowercased(a) == Byte.lowercased(b))
    }

    /// Substring search (RFC 5228 §2.7.1 `:contains`); the empty key is in every value.
    static func contains(_ text: [UInt8], _ key: [UInt8], fold: Bool,
                         budget: inout StepBudget) throws(BudgetExhausted) -> Bool {
        guard !key.isEmpty else { return true }
        guard key.count <= text.count else { return false }
        let first = key[0]
        var start = 0
        while start + key.count <= text.count {
            try budget.spend()
            if equal(text[start], first, fold: fold) {
                var index = 1
                while index < key.count, equal(text[start + index], key[index], fold: fold) { index += 1 }
                try budget.spend(index / 16)
                if index == key.count { return true }
            }
            start += 1
        }
        return false
    }

    private enum PatternItem {
        case byte(UInt8)
        case one
        case any
    }

    /// `:matches` (RFC 5228 §2.7.1): "*" matches any run of characters, "?" one character,
    /// "\" makes the next character literal. The whole value must match. Returns the range
    /// each wildcard matched, in order, each as short as possible (RFC 5229 §3.2), or nil.
    ///
    /// The classic one-backtrack-point algorithm: a later "*" can absorb whatever an earlier
    /// one would, so only the last "*" seen is ever extended. Quadratic at worst, and every
    /// position tried is a step.
    static func glob(_ text: [UInt8], pattern: [UInt8], fold: Bool,
                     budget: inout StepBudget) throws(BudgetExhausted) -> [Range<Int>]? {
        var items: [PatternItem] = []
        items.reserveCapacity(pattern.count)
        var index = 0
        while index < pattern.count {
            switch pattern[index] {
            case UInt8(ascii: "*"):
                items.append(.any)
            case UInt8(ascii: "?"):
                items.append(.one)
            case Byte.backslash where index + 1 < pattern.count:
                index += 1
                items.append(.byte(pattern[index]))
            default:
                items.append(.byte(pattern[index]))
            }
            index += 1
        }
        var wildcardOrdinal = [Int](repeating: -1, count: items.count)
        var wildcards = 0
        for (position, item) in items.enumerated() {
            if case .byte = item { continue }
            wildcardOrdinal[position] = wildcards
            wildcards += 1
        }
        var groups = [Range<Int>](repeating: 0..<0, count: wildcards)
        var p = 0, t = 0
        var starItem = -1, starText = 0, starStart = 0
        while true {
            try budget.spend()
            if p < items.count {
                switch items[p] {
                case .any:
                    starItem = p
                    starStart = t
                    starText = t
                    groups[wildcardOrdinal[p]] = t..<t
                    p += 1
                    continue
                case .one where t < text.count:
                    let end = t + scalarLength(text, at: t)
                    groups[wildcardOrdinal[p]] = t..<end
                    t = end
                    p += 1
                    continue
                case .byte(let byte) where t < text.count && equal(text[t], byte, fold: fold):
                    t += 1
                    p += 1
                    continue
                default:
                    break
                }
            } else if t == text.count {
                return groups
            }
            // Mismatch: let the last "*" take one more character and retry after it.
            guard starItem >= 0, starText < text.count else { return nil }
            starText += scalarLength(text, at: starText)
            groups[wildcardOrdinal[starItem]] = starStart..<starText
            t = starText
            p = starItem + 1
        }
    }

    /// The length of the UTF-8 sequence starting at `index` (1 for a stray byte).
    @inline(__always)
    static func scalarLength(_ text: [UInt8], at index: Int) -> Int {
        let lead = text[index]
        let length = lead < 0xC0 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4
        var end = index + 1
        while end < text.count, end < index + length, text[end] & 0xC0 == 0x80 { end += 1 }
        return end - index
    }
}
