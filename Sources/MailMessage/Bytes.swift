import Glibc

/// Byte constants and character classes used across the module (RFC 5234 §B.1 core rules).
enum ASCII {
    static let nul: UInt8 = 0
    static let tab: UInt8 = 9
    static let lf: UInt8 = 10
    static let cr: UInt8 = 13
    static let space: UInt8 = 32
    static let quote: UInt8 = 34
    static let percent: UInt8 = 37
    static let apostrophe: UInt8 = 39
    static let openParen: UInt8 = 40
    static let closeParen: UInt8 = 41
    static let asterisk: UInt8 = 42
    static let comma: UInt8 = 44
    static let dash: UInt8 = 45
    static let dot: UInt8 = 46
    static let slash: UInt8 = 47
    static let colon: UInt8 = 58
    static let semicolon: UInt8 = 59
    static let lessThan: UInt8 = 60
    static let equals: UInt8 = 61
    static let greaterThan: UInt8 = 62
    static let question: UInt8 = 63
    static let at: UInt8 = 64
    static let openBracket: UInt8 = 91
    static let backslash: UInt8 = 92
    static let closeBracket: UInt8 = 93
    static let underscore: UInt8 = 95

    /// The UTF-8 encoding of U+FFFD, which replaces NUL bytes in header values (as Dovecot does).
    static let replacementCharacter: [UInt8] = [0xEF, 0xBF, 0xBD]

    /// `WSP` (RFC 5234): space or horizontal tab.
    @inline(__always)
    static func isWhitespace(_ byte: UInt8) -> Bool { byte == space || byte == tab }

    @inline(__always)
    static func lowercased(_ byte: UInt8) -> UInt8 {
        byte &- 65 < 26 ? byte | 0x20 : byte
    }

    /// The value of a hexadecimal digit (either case), or nil.
    @inline(__always)
    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 48...57: return byte - 48
        case 65...70: return byte - 55
        case 97...102: return byte - 87
        default: return nil
        }
    }

    /// Compares bytes with an ASCII string, ignoring ASCII case.
    static func equalsIgnoringCase(_ bytes: some Collection<UInt8>, _ string: String) -> Bool {
        var utf8 = string.utf8.makeIterator()
        for byte in bytes {
            guard let other = utf8.next(), lowercased(byte) == lowercased(other) else { return false }
        }
        return utf8.next() == nil
    }

    /// Compares two byte sequences, ignoring ASCII case.
    static func equalsIgnoringCase(_ lhs: some Collection<UInt8>, _ rhs: some Collection<UInt8>) -> Bool {
        guard lhs.count == rhs.count else { return false }
        return zip(lhs, rhs).allSatisfy { lowercased($0) == lowercased($1) }
    }

    /// Decodes bytes as UTF-8, replacing invalid sequences with U+FFFD.
    static func string(_ bytes: some Collection<UInt8>) -> String {
        String(decoding: bytes, as: UTF8.self)
    }
}

/// Fast scanning primitives over a raw buffer; positions are offsets from the buffer start.
extension UnsafeRawBufferPointer {
    /// The offset of the first `byte` in `from..<to`, or nil.
    @inline(__always)
    func firstIndex(of byte: UInt8, from: Int, to: Int) -> Int? {
        guard from < to, let base = baseAddress else { return nil }
        guard let found = memchr(base + from, Int32(byte), to - from) else { return nil }
        return base.distance(to: UnsafeRawPointer(found))
    }
}

/// Counts line feeds, eight bytes at a time (the line count of IMAP BODYSTRUCTURE,
/// RFC 3501 §7.4.2 `body-fld-lines`, is the number of LF bytes in the body, as Dovecot counts it).
enum LineFeedCounter {
    static func count(in buffer: UnsafeRawBufferPointer, from: Int, to: Int) -> Int {
        guard from < to, let base = buffer.baseAddress else { return 0 }
        var total = 0
        var position = from
        let ones: UInt64 = 0x0101_0101_0101_0101
        let pattern = ones &* UInt64(ASCII.lf)
        let low7: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
        while position + 8 <= to {
            let word = (base + position).loadUnaligned(as: UInt64.self) ^ pattern
            // A byte of `word` is zero exactly where the input byte was LF.
            let nonZero = ((word & low7) &+ low7) | word
            total += (~nonZero & ~low7).nonzeroBitCount
            position += 8
        }
        while position < to {
            if buffer[position] == ASCII.lf { total += 1 }
            position += 1
        }
        return total
    }
}

/// Answers "how many LFs lie before offset x" for non-decreasing x with one pass over the buffer.
/// The parser asks for part starts and ends in message order, so the whole message is counted
/// once however deeply its parts nest.
struct RunningLineCounter {
    private(set) var position = 0
    private(set) var lines = 0

    mutating func lines(before offset: Int, in buffer: UnsafeRawBufferPointer) -> Int {
        if offset > position {
            lines += LineFeedCounter.count(in: buffer, from: position, to: offset)
            position = offset
        } else if offset < position {
            // Not expected; stay correct anyway.
            return lines - LineFeedCounter.count(in: buffer, from: offset, to: position)
        }
        return lines
    }
}
