/// Content-Transfer-Encoding decoders (RFC 2045 §6), lenient the way mature servers are:
/// they never fail, they keep what they cannot decode.
public enum TransferDecoder {
    /// Decodes a body in the named transfer encoding (case-insensitive); `7bit`, `8bit`,
    /// `binary` and unknown encodings pass through unchanged.
    public static func decode(_ bytes: UnsafeRawBufferPointer, encoding: String?) -> [UInt8] {
        guard let encoding else { return Array(bytes) }
        if ASCII.equalsIgnoringCase(encoding.utf8, "base64") { return decodeBase64(bytes) }
        if ASCII.equalsIgnoringCase(encoding.utf8, "quoted-printable") {
            return decodeQuotedPrintable(bytes)
        }
        return Array(bytes)
    }

    /// Base64 (RFC 2045 §6.8): characters outside the alphabet (line breaks, white space,
    /// garbage) are skipped; "=" ends a group, and decoding resumes after it, so that
    /// concatenated encodings decode too; a final partial group yields the bytes it holds.
    public static func decodeBase64(_ bytes: UnsafeRawBufferPointer) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count / 4 * 3 + 3)
        var accumulator: UInt32 = 0
        var count = 0
        for byte in bytes {
            let value = base64Values[Int(byte)]
            if value < 64 {
                accumulator = accumulator << 6 | UInt32(value)
                count += 1
                if count == 4 {
                    output.append(UInt8(truncatingIfNeeded: accumulator >> 16))
                    output.append(UInt8(truncatingIfNeeded: accumulator >> 8))
                    output.append(UInt8(truncatingIfNeeded: accumulator))
                    accumulator = 0
                    count = 0
                }
            } else if value == padding {
                flushPartial(&output, accumulator, count)
                accumulator = 0
                count = 0
            }
        }
        flushPartial(&output, accumulator, count)
        return output
    }

    /// Base64 of bytes in an array.
    public static func decodeBase64(_ bytes: [UInt8]) -> [UInt8] {
        bytes.withUnsafeBytes { decodeBase64($0) }
    }

    private static func flushPartial(_ output: inout [UInt8], _ accumulator: UInt32, _ count: Int) {
        switch count {
        case 2:
            output.append(UInt8(truncatingIfNeeded: accumulator >> 4))
        case 3:
            output.append(UInt8(truncatingIfNeeded: accumulator >> 10))
            output.append(UInt8(truncatingIfNeeded: accumulator >> 2))
        default:
            break
        }
    }

    private static let padding: UInt8 = 0xFE
    private static let base64Values: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        for (index, byte) in alphabet.enumerated() { table[Int(byte)] = UInt8(index) }
        // The URL-safe alphabet (RFC 4648 §5) shows up in broken mail; accept it.
        table[Int(UInt8(ascii: "-"))] = 62
        table[Int(UInt8(ascii: "_"))] = 63
        table[Int(UInt8(ascii: "="))] = padding
        return table
    }()

    /// Quoted-printable (RFC 2045 §6.7): "=XX" in either case becomes the byte, "=" at the end
    /// of a line (after removing trailing white space, rule 3) is a soft line break, and an
    /// "=" not followed by two hex digits is kept as it is. Line breaks are kept as written.
    /// With `underscoreIsSpace` it decodes RFC 2047 §4.2 "Q" text, where "_" is a space.
    public static func decodeQuotedPrintable(_ bytes: UnsafeRawBufferPointer,
                                             underscoreIsSpace: Bool = false) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var lineStart = 0
        let end = bytes.count
        while lineStart < end {
            let lf = bytes.firstIndex(of: ASCII.lf, from: lineStart, to: end)
            var contentEnd = lf ?? end
            var lineBreak = lineStart..<lineStart
            if let lf {
                let breakStart = lf > lineStart && bytes[lf - 1] == ASCII.cr ? lf - 1 : lf
                lineBreak = breakStart..<lf + 1
                contentEnd = breakStart
            }
            // Rule 3: trailing white space was added in transport; drop it.
            while contentEnd > lineStart, ASCII.isWhitespace(bytes[contentEnd - 1]) { contentEnd -= 1 }
            var softBreak = false
            if contentEnd > lineStart, bytes[contentEnd - 1] == ASCII.equals {
                softBreak = true
                contentEnd -= 1
            }
            var position = lineStart
            while position < contentEnd {
                let byte = bytes[position]
                if byte == ASCII.equals, position + 2 < contentEnd,
                   let high = ASCII.hexValue(bytes[position + 1]),
                   let low = ASCII.hexValue(bytes[position + 2]) {
                    output.append(high << 4 | low)
                    position += 3
                    continue
                }
                output.append(underscoreIsSpace && byte == ASCII.underscore ? ASCII.space : byte)
                position += 1
            }
            if !softBreak { output += bytes[lineBreak] }
            lineStart = lf.map { $0 + 1 } ?? end
        }
        return output
    }

    /// Quoted-printable of bytes in an array.
    public static func decodeQuotedPrintable(_ bytes: [UInt8],
                                             underscoreIsSpace: Bool = false) -> [UInt8] {
        bytes.withUnsafeBytes { decodeQuotedPrintable($0, underscoreIsSpace: underscoreIsSpace) }
    }
}
