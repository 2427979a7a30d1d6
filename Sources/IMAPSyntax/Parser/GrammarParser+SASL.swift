// SASL data on the wire: AUTHENTICATE's initial response (RFC 4959) and base64 (RFC 4648).

extension GrammarParser {
    /// `initial-resp = (base64 / "=")` (RFC 4959 §7, RFC 9051 §9): `=` is an empty response;
    /// otherwise the text must be valid base64, kept as written for the SASL layer.
    static func parseInitialResp(_ buffer: inout ParseBuffer) throws(ParseError) -> SASLInitialResponse {
        let bytes = buffer.bytes
        let start = buffer.index
        var end = start
        while end < bytes.count, CharClass.base64.contains(bytes[end]) || bytes[end] == .equals { end += 1 }
        buffer.index = end
        guard end > start else { throw buffer.failure("initial-resp") }
        if end < bytes.count, bytes[end].isControlOrEightBit {
            throw ParseError(.invalidCharacter(bytes[end]))
        }
        if end - start == 1, bytes[start] == .equals { return .empty }
        guard decodeBase64(bytes[start..<end]) != nil else {
            buffer.index = start
            throw ParseError(.expected(rule: "base64"))
        }
        return .base64(buffer.string(start..<end))
    }

    /// Strict base64 (RFC 4648 §4), as `base64 = *(4base64-char) [base64-terminal]` in
    /// RFC 9051 §9: a multiple of four characters, padding only at the end, no whitespace,
    /// and zero bits under the padding (the canonical encoding, RFC 4648 §3.5). Empty text is
    /// empty data. nil when the text is not base64.
    public static func decodeBase64(_ text: some Collection<UInt8>) -> [UInt8]? {
        let count = text.count
        guard count % 4 == 0 else { return nil }
        var output: [UInt8] = []
        output.reserveCapacity(count / 4 * 3)
        var quantum: UInt32 = 0
        var filled = 0
        var padding = 0
        var position = 0
        for byte in text {
            if byte == .equals {
                // Only the last one or two characters may be padding.
                guard position >= count - 2 else { return nil }
                padding += 1
                quantum <<= 6
            } else {
                guard padding == 0, let value = base64Value(byte) else { return nil }
                quantum = quantum << 6 | value
            }
            filled += 1
            position += 1
            if filled == 4 {
                output.append(UInt8(truncatingIfNeeded: quantum >> 16))
                switch padding {
                case 0:
                    output.append(UInt8(truncatingIfNeeded: quantum >> 8))
                    output.append(UInt8(truncatingIfNeeded: quantum))
                case 1:
                    guard quantum & 0xFF == 0 else { return nil }
                    output.append(UInt8(truncatingIfNeeded: quantum >> 8))
                default:
                    guard quantum & 0xFFFF == 0 else { return nil }
                }
                quantum = 0
                filled = 0
            }
        }
        return output
    }

    /// The 6-bit value of a `base64-char`.
    private static func base64Value(_ byte: UInt8) -> UInt32? {
        switch byte {
        case 0x41...0x5A: return UInt32(byte - 0x41)
        case 0x61...0x7A: return UInt32(byte - 0x61 + 26)
        case 0x30...0x39: return UInt32(byte - 0x30 + 52)
        case .plus: return 62
        case .slash: return 63
        default: return nil
        }
    }
}
