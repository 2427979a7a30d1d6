import MailMessage

/// Case folding of the text a search looks through: the same mapping as `CaseFolding`
/// (Unicode simple case folding, which also folds the search strings, RFC 9051 §6.4.4
/// "case-insensitive"), but table-driven and written straight into the result, since folding
/// the decoded text of every message is most of the work of SEARCH TEXT and BODY.
enum SearchFolding {
    /// The fold of every scalar of the Basic Multilingual Plane, built once from
    /// `CaseFolding.fold`: `table[v]` is the folded value of U+v, or 0 where that lies beyond
    /// the BMP (or v is a surrogate), which sends the scalar to `CaseFolding.fold` itself.
    private static let table: [UInt16] = {
        var table = [UInt16](repeating: 0, count: 0x10000)
        for value in 0..<0x10000 {
            guard let scalar = Unicode.Scalar(UInt32(value)) else { continue }
            let folded = CaseFolding.fold(scalar).value
            table[value] = folded < 0x10000 ? UInt16(folded) : 0
        }
        return table
    }()

    /// The case-folded UTF-8 of a string; equal to `CaseFolding.foldedUTF8(text)`.
    static func folded(_ text: String) -> [UInt8] {
        var text = text
        return text.withUTF8 { folded($0) }
    }

    /// The case-folded form of valid UTF-8.
    static func folded(_ utf8: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        let count = utf8.count
        guard count > 0 else { return [] }
        // A fold never more than doubles a scalar's UTF-8 length (2 bytes become at most 3,
        // 1 byte stays 1, 3 and 4 bytes stay within 4).
        return table.withUnsafeBufferPointer { table in
            [UInt8](unsafeUninitializedCapacity: count * 2 + 4) { output, initialized in
                var input = 0, written = 0
                let source = UnsafeRawPointer(utf8.baseAddress!)
                let target = UnsafeMutableRawPointer(output.baseAddress!)
                while input < count {
                    // Eight ASCII bytes at a time: set 0x20 on those in "A"..."Z".
                    if input + 8 <= count {
                        let word = source.loadUnaligned(fromByteOffset: input, as: UInt64.self)
                        if word & 0x8080_8080_8080_8080 == 0 {
                            let atLeastA = word &+ 0x3F3F_3F3F_3F3F_3F3F  // high bit: byte >= 0x41
                            let aboveZ = word &+ 0x2525_2525_2525_2525  // high bit: byte > 0x5A
                            let upper = (atLeastA ^ aboveZ) & 0x8080_8080_8080_8080
                            target.storeBytes(of: word | upper >> 2, toByteOffset: written, as: UInt64.self)
                            input += 8
                            written += 8
                            continue
                        }
                    }
                    let lead = utf8[input]
                    if lead < 0x80 {
                        output[written] = lead &- 65 < 26 ? lead | 0x20 : lead
                        input += 1
                        written += 1
                        continue
                    }
                    let length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2
                    guard input + length <= count else { break }
                    var value = UInt32(lead) & (length == 2 ? 0x1F : length == 3 ? 0x0F : 0x07)
                    for offset in 1..<length { value = value << 6 | UInt32(utf8[input + offset] & 0x3F) }
                    var folded = value < 0x10000 ? UInt32(table[Int(value)]) : 0
                    if folded == 0 {
                        folded = Unicode.Scalar(value).map { CaseFolding.fold($0).value } ?? 0xFFFD
                    }
                    if folded == value {
                        for offset in 0..<length { output[written + offset] = utf8[input + offset] }
                        written += length
                    } else {
                        written += encode(folded, into: output, at: written)
                    }
                    input += length
                }
                initialized = written
            }
        }
    }

    /// Writes one scalar as UTF-8 and returns the number of bytes.
    private static func encode(_ value: UInt32, into output: UnsafeMutableBufferPointer<UInt8>,
                               at index: Int) -> Int {
        switch value {
        case ..<0x80:
            output[index] = UInt8(value)
            return 1
        case ..<0x800:
            output[index] = UInt8(0xC0 | value >> 6)
            output[index + 1] = UInt8(0x80 | value & 0x3F)
            return 2
        case ..<0x10000:
            output[index] = UInt8(0xE0 | value >> 12)
            output[index + 1] = UInt8(0x80 | value >> 6 & 0x3F)
            output[index + 2] = UInt8(0x80 | value & 0x3F)
            return 3
        default:
            output[index] = UInt8(0xF0 | value >> 18)
            output[index + 1] = UInt8(0x80 | value >> 12 & 0x3F)
            output[index + 2] = UInt8(0x80 | value >> 6 & 0x3F)
            output[index + 3] = UInt8(0x80 | value & 0x3F)
            return 4
        }
    }
}
