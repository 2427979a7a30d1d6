// Sequence sets (RFC 9051 §9, RFC 5182 §4, RFC 7162 §7 known-uids).

extension GrammarParser {
    /// `sequence-set = (seq-number / seq-range) ["," sequence-set]`,
    /// `sequence-set =/ seq-last-command`, `seq-last-command = "$"` (RFC 9051 §9, RFC 5182 §4).
    ///
    /// Every defect inside the set is `.invalidSequenceSet` (`0`, `1:`, `*:`, `4294967296`,
    /// `1:2:3`, `$,1`); a set that is missing at the end of the input is `.unexpectedEnd`. A set
    /// ends at SP, `)` or the end of the input.
    static func parseSequenceSet(_ buffer: inout ParseBuffer) throws(ParseError) -> SequenceSet {
        guard !buffer.isAtEnd else { throw ParseError(.unexpectedEnd) }
        if buffer.consume(.dollar) {
            try expectSequenceSetEnd(buffer)
            return .lastResult
        }
        var ranges: [SequenceRange] = []
        repeat {
            ranges.append(try parseSeqRange(&buffer))
        } while buffer.consume(.comma)
        try expectSequenceSetEnd(buffer)
        return .ranges(ranges)
    }

    /// `seq-range = seq-number ":" seq-number` (RFC 9051 §9), or a lone `seq-number`; the two
    /// ends may come in either order.
    static func parseSeqRange(_ buffer: inout ParseBuffer) throws(ParseError) -> SequenceRange {
        let first = try parseSeqNumber(&buffer)
        guard buffer.consume(.colon) else { return SequenceRange(single: first) }
        return SequenceRange(first, try parseSeqNumber(&buffer))
    }

    /// `seq-number = nz-number / "*"` (RFC 9051 §9).
    static func parseSeqNumber(_ buffer: inout ParseBuffer) throws(ParseError) -> SequenceBound {
        if buffer.consume(.star) { return .last }
        let start = buffer.index
        let bytes = buffer.bytes
        var end = start
        while end < bytes.count, bytes[end].isDigit { end += 1 }
        guard end > start, bytes[start] != .zero,
              let value = digitsValue(bytes, start..<end, max: UInt64(UInt32.max)) else {
            throw ParseError(.invalidSequenceSet)
        }
        buffer.index = end
        return .number(UInt32(value))
    }

    /// A sequence set is followed by SP, `)` or nothing.
    private static func expectSequenceSetEnd(_ buffer: ParseBuffer) throws(ParseError) {
        guard let next = buffer.current, next != .space, next != .closeParen else { return }
        throw ParseError(.invalidSequenceSet)
    }

    /// `known-uids = sequence-set`, "Sequence of UIDs; `*` is not allowed" (RFC 7162 §7); the
    /// same for `known-sequence-set` and `known-uid-set`. `$` is not allowed either.
    static func parseKnownUIDs(_ buffer: inout ParseBuffer) throws(ParseError) -> SequenceSet {
        let set = try parseSequenceSet(&buffer)
        guard case .ranges(let ranges) = set,
              !ranges.contains(where: { $0.first == .last || $0.second == .last }) else {
            throw ParseError(.invalidSequenceSet)
        }
        return set
    }
}
