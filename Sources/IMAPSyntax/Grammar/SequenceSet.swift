/// One end of a `seq-range` (RFC 9051 §9): a number or `*`, the largest number in use.
public enum SequenceBound: Hashable, Sendable {
    case number(UInt32)
    /// `*`: the last message (sequence numbers) or the highest UID (or UIDNEXT - 1 if empty).
    case last
}

/// `seq-number / seq-range` (RFC 9051 §9). The two ends may come in either order: `4:2` is `2:4`.
public struct SequenceRange: Hashable, Sendable {
    public var first: SequenceBound
    public var second: SequenceBound
    public init(_ first: SequenceBound, _ second: SequenceBound) {
        self.first = first
        self.second = second
    }
    public init(single: SequenceBound) { self.init(single, single) }

    /// The closed range of numbers this stands for, once `*` is known.
    public func resolved(last: UInt32) -> ClosedRange<UInt32> {
        func value(_ bound: SequenceBound) -> UInt32 {
            switch bound {
            case .number(let n): return n
            case .last: return last
            }
        }
        let a = value(first), b = value(second)
        return min(a, b)...max(a, b)
    }
}

/// `sequence-set` (RFC 9051 §9): message sequence numbers or UIDs, depending on the command
/// (a `UID` prefix makes them UIDs). `$` (RFC 5182) stands for the last saved search result.
public enum SequenceSet: Hashable, Sendable {
    case ranges([SequenceRange])
    /// `$`: the result saved by `SEARCH RETURN (SAVE)` (RFC 5182 §2.1).
    case lastResult

    public static func single(_ value: UInt32) -> SequenceSet {
        .ranges([SequenceRange(single: .number(value))])
    }
}

/// A set of UIDs in ascending, coalesced ranges: the `uid-set` of response codes such as
/// COPYUID and APPENDUID (RFC 4315 §3) and of `VANISHED` (RFC 7162 §3.2.10).
public struct UIDSet: Hashable, Sendable {
    /// Disjoint, non-adjacent ranges in ascending order.
    public private(set) var ranges: [ClosedRange<UInt32>] = []

    public init() {}
    public init<S: Sequence>(_ uids: S) where S.Element == UID {
        for uid in uids.sorted() { append(uid) }
    }

    public var isEmpty: Bool { ranges.isEmpty }
    public var count: Int { ranges.reduce(0) { $0 + $1.count } }

    /// Adds a UID that is at least as large as every UID already in the set.
    public mutating func append(_ uid: UID) {
        let v = uid.rawValue
        if let last = ranges.last {
            if last.contains(v) { return }
            if last.upperBound &+ 1 == v {
                ranges[ranges.count - 1] = last.lowerBound...v
                return
            }
            precondition(v > last.upperBound, "UIDSet.append needs ascending UIDs")
        }
        ranges.append(v...v)
    }

    public func contains(_ uid: UID) -> Bool {
        var low = 0, high = ranges.count - 1
        while low <= high {
            let mid = (low + high) / 2
            if ranges[mid].upperBound < uid.rawValue { low = mid + 1 }
            else if ranges[mid].lowerBound > uid.rawValue { high = mid - 1 }
            else { return true }
        }
        return false
    }

    public var uids: [UID] { ranges.flatMap { $0.map { UID(rawValue: $0) } } }
}
