/// Modified UTF-7, the IMAP4rev1 convention for international mailbox names (RFC 3501 §5.1.3).
///
/// Printable US-ASCII (0x20–0x7e) stands for itself, except `&`, which is written `&-`. Every
/// other character is written as UTF-16 in modified base64 (`,` instead of `/`, no padding)
/// between `&` and `-`. For example `~peter/mail/台北/日本語` is `~peter/mail/&U,BTFw-/&ZeVnLIqe-`.
///
/// Decoding is strict, so that every name has exactly one spelling on the wire: a name that
/// decodes is byte for byte what `encode` writes for the decoded string.
public enum ModifiedUTF7 {
    /// Encodes a mailbox name (RFC 3501 §5.1.3). Each maximal run of characters outside
    /// 0x20–0x7e becomes one base64 run, always closed by `-`.
    public static func encode(_ name: String) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(name.utf8.count + 2)
        var run = Base64RunWriter()
        for scalar in name.unicodeScalars {
            let value = scalar.value
            if value >= 0x20 && value <= 0x7E {
                if run.isOpen { run.close(into: &out) }
                out.append(UInt8(value))
                if value == ampersand { out.append(hyphen) }
            } else {
                if !run.isOpen { run.open(into: &out) }
                for unit in scalar.utf16 { run.append(unit, into: &out) }
            }
        }
        if run.isOpen { run.close(into: &out) }
        return out
    }

    /// Decodes a modified UTF-7 mailbox name (RFC 3501 §5.1.3), rejecting every form the RFC
    /// forbids or that `encode` would not produce.
    public static func decode(_ bytes: [UInt8]) throws(ModifiedUTF7Error) -> String {
        var scalars = String.UnicodeScalarView()
        var index = 0
        // The offset just after the "-" that closed the latest base64 run.
        var lastRunEnd = -1
        while index < bytes.count {
            let byte = bytes[index]
            guard byte == UInt8(ampersand) else {
                guard byte >= 0x20 && byte <= 0x7E else {
                    throw .invalidByte(byte, offset: index)
                }
                scalars.append(Unicode.Scalar(byte))
                index += 1
                continue
            }
            let next = index + 1 < bytes.count ? bytes[index + 1] : nil
            if next == hyphen {
                scalars.append("&")
                index += 2
                continue
            }
            guard let next, base64Value(next) != nil else {
                throw .unescapedAmpersand(offset: index)
            }
            if lastRunEnd == index { throw .adjacentRuns(offset: index) }
            index = try decodeRun(bytes, start: index, into: &scalars)
            lastRunEnd = index
        }
        return String(scalars)
    }

    /// Decodes the base64 run that starts with the `&` at `start`; returns the offset after
    /// its closing `-`.
    private static func decodeRun(_ bytes: [UInt8], start: Int,
                                  into scalars: inout String.UnicodeScalarView)
        throws(ModifiedUTF7Error) -> Int {
        var index = start + 1
        var bits: UInt32 = 0
        var bitCount = 0
        var highSurrogate: UInt16?
        var highSurrogateOffset = 0
        while true {
            guard index < bytes.count else { throw .unterminatedRun(offset: start) }
            let byte = bytes[index]
            if byte == hyphen { break }
            guard let value = base64Value(byte) else {
                if byte >= 0x20 && byte <= 0x7E { throw .missingRunTerminator(offset: index) }
                throw .invalidByte(byte, offset: index)
            }
            bits = (bits << 6) | UInt32(value)
            bitCount += 6
            if bitCount >= 16 {
                bitCount -= 16
                let unit = UInt16(truncatingIfNeeded: bits >> UInt32(bitCount))
                bits &= (1 << UInt32(bitCount)) - 1
                if let high = highSurrogate {
                    guard UTF16.isTrailSurrogate(unit) else {
                        throw .loneSurrogate(high, offset: highSurrogateOffset)
                    }
                    let value = 0x10000 + ((UInt32(high) - 0xD800) << 10) + (UInt32(unit) - 0xDC00)
                    scalars.append(Unicode.Scalar(value)!)
                    highSurrogate = nil
                } else if UTF16.isLeadSurrogate(unit) {
                    highSurrogate = unit
                    highSurrogateOffset = index
                } else if UTF16.isTrailSurrogate(unit) {
                    throw .loneSurrogate(unit, offset: index)
                } else if unit >= 0x20 && unit <= 0x7E {
                    throw .encodedPrintableASCII(UInt8(unit), offset: index)
                } else {
                    scalars.append(Unicode.Scalar(unit)!)
                }
            }
            index += 1
        }
        if bitCount >= 6 { throw .incompleteCodeUnit(offset: index) }
        if bits != 0 { throw .nonZeroPaddingBits(offset: index) }
        if let high = highSurrogate { throw .loneSurrogate(high, offset: highSurrogateOffset) }
        return index + 1
    }

    private static let ampersand: UInt32 = 0x26
    private static let hyphen: UInt8 = 0x2D

    /// The modified base64 alphabet (RFC 3501 §5.1.3): RFC 4648 with `,` for `/`.
    private static let alphabet: [UInt8] =
        Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,".utf8)

    private static func base64Value(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): return byte - UInt8(ascii: "A")
        case UInt8(ascii: "a")...UInt8(ascii: "z"): return byte - UInt8(ascii: "a") + 26
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0") + 52
        case UInt8(ascii: "+"): return 62
        case UInt8(ascii: ","): return 63
        default: return nil
        }
    }

    /// Accumulates UTF-16 code units and writes them as modified base64.
    private struct Base64RunWriter {
        var isOpen = false
        var bits: UInt32 = 0
        var bitCount = 0

        mutating func open(into out: inout [UInt8]) {
            out.append(UInt8(ampersand))
            isOpen = true
        }

        mutating func append(_ unit: UInt16, into out: inout [UInt8]) {
            bits = (bits << 16) | UInt32(unit)
            bitCount += 16
            while bitCount >= 6 {
                bitCount -= 6
                out.append(alphabet[Int((bits >> UInt32(bitCount)) & 0x3F)])
            }
            bits &= (1 << UInt32(bitCount)) - 1
        }

        /// Writes the remaining bits padded with zero bits, then `-`.
        mutating func close(into out: inout [UInt8]) {
            if bitCount > 0 {
                out.append(alphabet[Int((bits << UInt32(6 - bitCount)) & 0x3F)])
            }
            out.append(hyphen)
            self = Base64RunWriter()
        }
    }
}

/// Why a mailbox name is not valid modified UTF-7 (RFC 3501 §5.1.3). Offsets are byte offsets
/// into the encoded name.
public enum ModifiedUTF7Error: Error, Hashable, Sendable {
    /// A byte outside printable US-ASCII (0x20–0x7e) outside a base64 run, or a byte that is
    /// neither base64 nor printable inside one.
    case invalidByte(UInt8, offset: Int)
    /// An `&` that starts no base64 run and is not written `&-`.
    case unescapedAmpersand(offset: Int)
    /// The base64 run starting at `offset` reaches the end of the name without a closing `-`.
    case unterminatedRun(offset: Int)
    /// A printable character that is not base64 inside a run: there is no implicit shift back
    /// to US-ASCII (`&Jjo!` must be `&Jjo-!`).
    case missingRunTerminator(offset: Int)
    /// A printable US-ASCII character encoded in base64, which must represent itself.
    case encodedPrintableASCII(UInt8, offset: Int)
    /// A run whose length leaves a base64 character that completes no UTF-16 code unit.
    case incompleteCodeUnit(offset: Int)
    /// The bits after the last code unit of a run are not zero.
    case nonZeroPaddingBits(offset: Int)
    /// A high surrogate not followed by a low one, or a low surrogate on its own.
    case loneSurrogate(UInt16, offset: Int)
    /// A run that starts right where another ended (`-&`): the two must be one run.
    case adjacentRuns(offset: Int)
}
