import NIOCore

// Low-level writers shared by the response encoder: numbers, number sets and base64, written
// straight into the buffer without intermediate strings.

extension ByteBuffer {
    /// Writes `number`/`number64` (RFC 9051 §9) in decimal.
    @inline(__always)
    mutating func writeDecimal(_ value: UInt64) {
        var digits = 1
        var rest = value
        while rest >= 10 {
            rest /= 10
            digits += 1
        }
        writeWithUnsafeMutableBytes(minimumWritableBytes: digits) { target in
            var rest = value
            var index = digits
            repeat {
                index -= 1
                target[index] = UInt8(truncatingIfNeeded: rest % 10) &+ UInt8(ascii: "0")
                rest /= 10
            } while rest > 0
            return digits
        }
    }

    @inline(__always)
    mutating func writeDecimal(_ value: UInt32) { writeDecimal(UInt64(value)) }

    /// Writes a count; a negative value, which no count can have, is written as 0.
    @inline(__always)
    mutating func writeDecimal(_ value: Int) { writeDecimal(UInt64(clamping: value)) }

    @inline(__always)
    mutating func writeByte(_ byte: UInt8) { writeInteger(byte) }

    @inline(__always)
    mutating func writeSpace() { writeInteger(UInt8(ascii: " ")) }

    /// Writes `seq-number` or `seq-range` (RFC 9051 §9): `7` or `7:9`.
    mutating func writeRange(_ range: ClosedRange<UInt32>) {
        writeDecimal(range.lowerBound)
        if range.upperBound != range.lowerBound {
            writeByte(UInt8(ascii: ":"))
            writeDecimal(range.upperBound)
        }
    }

    /// Writes a `sequence-set` or `uid-set` (RFC 9051 §9) from ranges, in the given order,
    /// separated by commas.
    mutating func writeRanges<C: Collection>(_ ranges: C) where C.Element == ClosedRange<UInt32> {
        var first = true
        for range in ranges {
            if !first { writeByte(UInt8(ascii: ",")) }
            first = false
            writeRange(range)
        }
    }

    /// Writes `base64` (RFC 9051 §9, RFC 4648 §4): the standard alphabet with `=` padding.
    mutating func writeBase64(_ bytes: [UInt8]) {
        let length = (bytes.count + 2) / 3 * 4
        writeWithUnsafeMutableBytes(minimumWritableBytes: length) { target in
            var out = 0
            var index = 0
            func emit(_ value: UInt32) {
                target[out] = base64Alphabet[Int(value & 0x3F)]
                out += 1
            }
            while index + 3 <= bytes.count {
                let chunk = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8
                    | UInt32(bytes[index + 2])
                emit(chunk >> 18)
                emit(chunk >> 12)
                emit(chunk >> 6)
                emit(chunk)
                index += 3
            }
            let remaining = bytes.count - index
            if remaining > 0 {
                var chunk = UInt32(bytes[index]) << 16
                if remaining == 2 { chunk |= UInt32(bytes[index + 1]) << 8 }
                emit(chunk >> 18)
                emit(chunk >> 12)
                if remaining == 2 { emit(chunk >> 6) } else {
                    target[out] = UInt8(ascii: "=")
                    out += 1
                }
                target[out] = UInt8(ascii: "=")
                out += 1
            }
            return out
        }
    }
}

private let base64Alphabet: [UInt8] =
    Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

/// Strict UTF-8 validation (RFC 3629 §4): no overlong forms, no surrogates, nothing above
/// U+10FFFF, no truncated sequences.
enum UTF8Validation {
    static func isValid(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var index = 0
        let count = bytes.count
        while index < count {
            let lead = bytes[index]
            if lead < 0x80 {
                index += 1
                continue
            }
            let length: Int
            var low: UInt8 = 0x80, high: UInt8 = 0xBF
            switch lead {
            case 0xC2...0xDF: length = 2
            case 0xE0: length = 3; low = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED: length = 3; high = 0x9F
            case 0xF0: length = 4; low = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4: length = 4; high = 0x8F
            default: return false
            }
            guard index + length <= count else { return false }
            let second = bytes[index + 1]
            guard second >= low && second <= high else { return false }
            for offset in 2..<length where bytes[index + offset] & 0xC0 != 0x80 {
                return false
            }
            index += length
        }
        return true
    }
}
