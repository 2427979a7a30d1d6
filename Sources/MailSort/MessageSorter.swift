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
    public static func order(_ messages: [SortableMessage], by criteria: [SortCriterion]) -> [Int] {
        var positions = Array(messages.indices)
        positions.sort { left, right in
            isOrderedBefore(messages[left], messages[right], by: criteria)
        }
        return positions
    }

    /// Whether `left` sorts before `right`.
    public static func isOrderedBefore(_ left: SortableMessage, _ right: SortableMessage,
                                       by criteria: [SortCriterion]) -> Bool {
        for criterion in criteria {
            var order = compare(left, right, by: criterion.key)
            if criterion.reverse { order = -order }
            if order != 0 { return order < 0 }
        }
        return left.sequence < right.sequence
    }

    /// -1, 0 or 1 as `left` sorts before, with, or after `right` by one key.
    public static func compare(_ left: SortableMessage, _ right: SortableMessage, by key: SortKey) -> Int {
        switch key {
        case .arrival: return compare(left.internalDate, right.internalDate)
        case .date: return compare(left.sentDate, right.sentDate)
        case .size: return compare(left.size, right.size)
        case .subject: return compare(left.keys.subject, right.keys.subject)
        case .from: return compare(left.keys.from, right.keys.from)
        case .to: return compare(left.keys.to, right.keys.to)
        case .cc: return compare(left.keys.cc, right.keys.cc)
        case .displayFrom: return compare(left.keys.displayFrom, right.keys.displayFrom)
        case .displayTo: return compare(left.keys.displayTo, right.keys.displayTo)
        }
    }

    private static func compare<T: Comparable>(_ left: T, _ right: T) -> Int {
        left < right ? -1 : left == right ? 0 : 1
    }

    /// `i;octet` comparison of two collation keys (RFC 5051 §2; the empty string first).
    static func compare(_ left: [UInt8], _ right: [UInt8]) -> Int {
        let common = min(left.count, right.count)
        var index = 0
        while index < common {
            let a = left[index], b = right[index]
            if a != b { return a < b ? -1 : 1 }
            index += 1
        }
        return compare(left.count, right.count)
    }
}
