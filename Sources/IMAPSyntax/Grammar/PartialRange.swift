/// `partial-range` (RFC 9394 §4, RFC 5267 §5): a window on a result list, counted from its
/// first result (`1:500`) or, with minus signs, from its last (`-1:-100`, RFC 9394 §3.1).
///
/// The two ends may come in either order ("A range 500:400 is the same as 400:500"); the
/// range is kept as written, since a `PARTIAL` answer repeats the requested range.
public struct PartialRange: Hashable, Sendable {
    /// The ends as written, without their minus signs: each at least 1.
    public var first: UInt32
    public var last: UInt32
    /// Whether the positions count back from the last result (`-1` is the last).
    public var fromEnd: Bool

    public init(first: UInt32, last: UInt32, fromEnd: Bool = false) {
        self.first = first
        self.last = last
        self.fromEnd = fromEnd
    }

    public var lower: UInt32 { min(first, last) }
    public var upper: UInt32 { max(first, last) }

    /// The zero-based positions, ascending, of the results this range names in a list of
    /// `count` results; positions past either end are left out (RFC 9394 §3.1: "the server
    /// returns the results that are in the set").
    public func indices(in count: Int) -> Range<Int> {
        let lower = Int(self.lower), upper = Int(self.upper)
        if fromEnd {
            // -1 is index count - 1, -k is count - k.
            let start = max(0, count - upper), end = count - lower + 1
            return start < end ? start..<end : 0..<0
        }
        let start = lower - 1, end = min(upper, count)
        return start < end ? start..<end : 0..<0
    }
}

/// One `context-position SP sequence-set` pair of ADDTO or REMOVEFROM (RFC 5267 §4.3.3,
/// §4.3.4): the numbers, in the requested order, inserted at or removed from a position of
/// the result list (0: wherever mailbox order puts them, for SEARCH only).
public struct ContextUpdate: Hashable, Sendable {
    public var position: UInt32
    public var numbers: [UInt32]

    public init(position: UInt32, numbers: [UInt32]) {
        self.position = position
        self.numbers = numbers
    }
}
