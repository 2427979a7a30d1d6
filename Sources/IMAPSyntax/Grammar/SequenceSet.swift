import MailCore

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
