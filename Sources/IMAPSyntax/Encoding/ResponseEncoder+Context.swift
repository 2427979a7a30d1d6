import MailCore
import NIOCore

// The return data of CONTEXT=SEARCH / CONTEXT=SORT (RFC 5267 §4.3, §4.4) and PARTIAL
// (RFC 9394 §3.1).

extension ResponseEncoder {
    /// `partial-range` as the client wrote it (RFC 9394 §4): `1:100` or `-1:-100`.
    func writePartialRange(_ range: PartialRange, into buffer: inout ByteBuffer) {
        if range.fromEnd { buffer.writeByte(UInt8(ascii: "-")) }
        buffer.writeDecimal(range.first)
        buffer.writeByte(UInt8(ascii: ":"))
        if range.fromEnd { buffer.writeByte(UInt8(ascii: "-")) }
        buffer.writeDecimal(range.last)
    }

    /// A `sequence-set` whose order matters (sort order, RFC 5267 §4.3.2): numbers are joined
    /// into `a:b` only where they ascend one by one, so reading the set left to right gives
    /// the numbers in the order given.
    func writeOrderedSet(_ numbers: [UInt32], into buffer: inout ByteBuffer) {
        var index = 0
        while index < numbers.count {
            var end = index
            while end + 1 < numbers.count, numbers[end] != UInt32.max, numbers[end + 1] == numbers[end] + 1 {
                end += 1
            }
            if index > 0 { buffer.writeByte(UInt8(ascii: ",")) }
            buffer.writeDecimal(numbers[index])
            if end > index {
                buffer.writeByte(UInt8(ascii: ":"))
                buffer.writeDecimal(numbers[end])
            }
            index = end + 1
        }
    }

    /// `"(" context-position SP sequence-set *(SP context-position SP sequence-set) ")"`
    /// (RFC 5267 §5, `ret-data-addto` / `ret-data-removefrom`).
    func writeContextUpdates(_ updates: [ContextUpdate], into buffer: inout ByteBuffer) {
        buffer.writeByte(UInt8(ascii: "("))
        for (index, update) in updates.enumerated() {
            if index > 0 { buffer.writeSpace() }
            buffer.writeDecimal(update.position)
            buffer.writeSpace()
            writeOrderedSet(update.numbers, into: &buffer)
        }
        buffer.writeByte(UInt8(ascii: ")"))
    }
}
