/// Decodes RFC 2047 encoded words (`=?charset?B?...?=`, `=?charset?Q?...?=`) in unstructured
/// header text and phrases, for SEARCH and display.
///
/// - White space between two adjacent encoded words is dropped (RFC 2047 §6.2), and the bytes
///   of adjacent words in the same charset are joined before conversion, so a character split
///   across words survives.
/// - An RFC 2231 §5 language suffix (`=?utf-8*en?Q?...?=`) is ignored.
/// - Malformed words (no closing "?=", unknown encoding letter) are left as they are; so is
///   anything around them. Words glued to other text are decoded too, as most clients do.
/// - Raw 8-bit text outside encoded words (RFC 6532) is read as UTF-8, else Windows-1252.
public enum EncodedWordDecoder {
    public static func decode(_ value: some Collection<UInt8>) -> String {
        let bytes = Array(value)
        var output = ""
        var pending: [UInt8] = []
        var pendingCharset: [UInt8]?
        var plainStart = 0
        var position = 0
        var lastWasWord = false

        func flushPending() {
            guard let charset = pendingCharset else { return }
            output += CharsetDecoder.decode(pending, charset: ASCII.string(charset))
            pending.removeAll(keepingCapacity: true)
            pendingCharset = nil
        }

        while position + 1 < bytes.count {
            guard bytes[position] == ASCII.equals, bytes[position + 1] == ASCII.question else {
                position += 1
                continue
            }
            guard let word = encodedWord(in: bytes, at: position) else {
                position += 2
                continue
            }
            let between = bytes[plainStart..<position]
            let onlySpace = between.allSatisfy {
                $0 == ASCII.space || $0 == ASCII.tab || $0 == ASCII.cr || $0 == ASCII.lf
            }
            if !(lastWasWord && onlySpace) {
                flushPending()
                output += plainText(between)
            }
            if let current = pendingCharset, !ASCII.equalsIgnoringCase(current, word.charset) {
                flushPending()
            }
            pendingCharset = word.charset
            pending += word.decoded
            lastWasWord = true
            plainStart = word.end
            position = word.end
        }
        flushPending()
        output += plainText(bytes[plainStart...])
        return output
    }

    private static func plainText(_ bytes: ArraySlice<UInt8>) -> String {
        guard !bytes.isEmpty else { return "" }
        return bytes.withUnsafeBytes { CharsetDecoder.utf8OrWindows1252($0) }
    }

    struct Word {
        var charset: [UInt8]
        var decoded: [UInt8]
        /// Offset just after the closing "?=".
        var end: Int
    }

    /// The encoded word (RFC 2047 §2) starting at the "=?" at `start`, if well formed.
    static func encodedWord(in bytes: [UInt8], at start: Int) -> Word? {
        var position = start + 2
        let charsetStart = position
        while position < bytes.count, bytes[position] != ASCII.question,
              bytes[position] > ASCII.space, bytes[position] < 0x7F {
            position += 1
        }
        guard position < bytes.count, bytes[position] == ASCII.question,
              position > charsetStart else { return nil }
        var charset = Array(bytes[charsetStart..<position])
        if let star = charset.firstIndex(of: ASCII.asterisk) { charset.removeSubrange(star...) }
        position += 1
        guard position + 1 < bytes.count, bytes[position + 1] == ASCII.question else { return nil }
        let encoding = ASCII.lowercased(bytes[position])
        guard encoding == UInt8(ascii: "b") || encoding == UInt8(ascii: "q") else { return nil }
        position += 2
        let textStart = position
        while position + 1 < bytes.count {
            let byte = bytes[position]
            if byte == ASCII.cr || byte == ASCII.lf { return nil }
            if byte == ASCII.question, bytes[position + 1] == ASCII.equals { break }
            position += 1
        }
        guard position + 1 < bytes.count else { return nil }
        let text = Array(bytes[textStart..<position])
        let decoded = encoding == UInt8(ascii: "b")
            ? TransferDecoder.decodeBase64(text)
            : TransferDecoder.decodeQuotedPrintable(text, underscoreIsSpace: true)
        return Word(charset: charset, decoded: decoded, end: position + 2)
    }
}
