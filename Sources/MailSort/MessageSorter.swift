import Foundation

/// A sort key of SORT (RFC 5256 §3) and SORT=DISPLAY (RFC 5957 §4).
public enum SortKey: String, Hashable, Sendable, CaseIterable {
    /// INTERNALDATE.
    case arrival
    /// addr-mailbox of the first Cc address.
    case cc
    /// The sent date (§2.2).
    case date
    /// addr-mailbox of the first From address.
    case from
    /// RFC822.SIZE.
    case size
    /// The base subject (§2.1).
    case subject
    /// addr-mailbox of the first To address.
    case to
    /// The DISPLAY sort value of the first From address (RFC 5957).
    case displayFrom
    /// The DISPLAY sort value of the first To address (RFC 5957).
    case displayTo
}

/// One `sort-criterion`: a key, maybe with REVERSE (§3: "REVERSE only reverses a single
/// criterion, and does not affect the implicit "sequence number" sort criterion").
public struct SortCriterion: Hashable, Sendable {
    public var key: SortKey
    public var reverse: Bool

    public init(_ key: SortKey, reverse: Bool = false) {
        self.key = key
        self.reverse = reverse
    }
}

/// A message as SORT and THREAD see it: its place in the mailbox, its INTERNALDATE and size,
/// and its stored keys.
public struct SortableMessage: Hashable, Sendable {
    /// The message's sequence number (or any number ascending in mailbox order): the implicit
    /// last criterion.
    public var sequence: UInt32
    /// INTERNALDATE, in seconds since 1970.
    public var internalDate: Int64
    public var size: UInt64
    public var keys: MessageSortKeys

    public init(sequence: UInt32, internalDate: Int64, size: UInt64, keys: MessageSortKeys) {
        self.sequence = sequence
        self.internalDate = internalDate
        self.size = size
        self.keys = keys
    }

    /// The sent date with RFC 5256 §2.2's fallback: "If the sent date cannot be determined
    /// (a Date: header is missing or cannot be parsed), the INTERNALDATE for that message is
    /// used as the sent date."
    public var sentDate: Int64 { keys.sentDate ?? internalDate }
}

/// SORT (RFC 5256 §3): orders messages by the criteria in priority order, ties broken by
/// sequence number ("there is an implicit sort criterion of "sequence number"").
public enum MessageSorter {
    /// The positions in `messages` in sorted order.
    ///
    /// Each criterion's key is first turned into one integer per message that orders as the
    /// key does (the value itself for dates and sizes, the rank among the distinct values for
    /// the collation keys), so that the sort itself compares integers only: comparing the
    /// messages' stored keys inside the sort costs a reference count on every access.
    public static func order(_ messages: [SortableMessage], by criteria: [SortCriterion]) -> [Int] {
        // One row per message: its criteria's values (bitwise inverted for REVERSE, which
        // turns the order around without overflow), then its sequence number.
        let width = criteria.count + 1
        var rows = [Int64](repeating: 0, count: messages.count * width)
        for (column, criterion) in criteria.enumerated() {
            for (position, value) in orderingValues(of: messages, by: criterion.key).enumerated() {
                rows[position * width + column] = criterion.reverse ? ~value : value
            }
        }
        for (position, message) in messages.enumerated() {
            rows[position * width + criteria.count] = Int64(message.sequence)
        }
        var positions = Array(messages.indices)
        rows.withUnsafeBufferPointer { rows in
            positions.sort { left, right in
                var a = left * width, b = right * width
                let end = a + width
                while a < end {
                    if rows[a] != rows[b] { return rows[a] < rows[b] }
                    a += 1
                    b += 1
                }
                return false
            }
        }
        return positions
    }

    /// Per message, an integer that orders as `key` does.
    static func orderingValues(of messages: [SortableMessage], by key: SortKey) -> [Int64] {
        switch key {
        case .arrival: return messages.map(\.internalDate)
        case .date: return messages.map(\.sentDate)
        case .size: return messages.map { Int64(clamping: $0.size) }
        case .subject: return ranks(messages.map(\.keys.subject))
        case .from: return ranks(messages.map(\.keys.from))
        case .to: return ranks(messages.map(\.keys.to))
        case .cc: return ranks(messages.map(\.keys.cc))
        case .displayFrom: return ranks(messages.map(\.keys.displayFrom))
        case .displayTo: return ranks(messages.map(\.keys.displayTo))
        }
    }

    /// The rank of each collation key among all of them (equal keys, equal ranks).
    static func ranks(_ keys: [[UInt8]]) -> [Int64] {
        var ranks = [Int64](repeating: 0, count: keys.count)
        keys.withUnsafeBufferPointer { keys in
            var order = Array(keys.indices)
            order.sort { compare(keys[$0], keys[$1]) < 0 }
            var rank: Int64 = 0
            for (index, position) in order.enumerated() {
                if index > 0 && compare(keys[order[index - 1]], keys[position]) != 0 { rank += 1 }
                ranks[position] = rank
            }
        }
        return ranks
    }

    private static func compare<T: Comparable>(_ left: T, _ right: T) -> Int {
        left < right ? -1 : left == right ? 0 : 1
    }

    /// `i;octet` comparison of two collation keys (RFC 5051 §2; the empty string first).
    static func compare(_ left: [UInt8], _ right: [UInt8]) -> Int {
        let common = min(left.count, right.count)
        let order = left.withUnsafeBytes { left in
            right.withUnsafeBytes { right in common == 0 ? 0 : memcmp(left.baseAddress!, right.baseAddress!, common) }
        }
        if order != 0 { return order < 0 ? -1 : 1 }
        return compare(left.count, right.count)
    }
}
