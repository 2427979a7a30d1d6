import Glibc

/// Unicode simple case folding (Unicode §3.13, the "C + S" mappings of CaseFolding.txt), as
/// IMAP SEARCH needs for case-insensitive matching (RFC 9051 §6.4.4: "case-insensitive
/// substring"). ASCII is folded by table; other scalars through the standard library's case
/// mappings.
public enum CaseFolding {
    /// The simple case fold of one scalar.
    public static func fold(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        if scalar.value < 0x80 { return Unicode.Scalar(ASCII.lowercased(UInt8(scalar.value))) }
        let properties = scalar.properties
        guard properties.changesWhenCaseFolded else { return scalar }
        // Folding maps to the lowercase of the uppercase form, except where that still
        // changes when folded (Cherokee folds to uppercase). Multi-scalar (full) mappings
        // have no simple fold: such scalars stay as they are.
        let upper = single(properties.uppercaseMapping) ?? scalar
        if let lower = single(upper.properties.lowercaseMapping),
           !lower.properties.changesWhenCaseFolded {
            return lower
        }
        if !upper.properties.changesWhenCaseFolded { return upper }
        return single(properties.lowercaseMapping) ?? scalar
    }

    private static func single(_ string: String) -> Unicode.Scalar? {
        var scalars = string.unicodeScalars.makeIterator()
        guard let first = scalars.next(), scalars.next() == nil else { return nil }
        return first
    }

    /// The case-folded string.
    public static func fold(_ text: String) -> String {
        String(decoding: foldedUTF8(text), as: UTF8.self)
    }

    /// The UTF-8 bytes of the case-folded string.
    public static func foldedUTF8(_ text: String) -> [UInt8] {
        var output: [UInt8] = []
        var text = text
        text.withUTF8 { appendFolded($0, to: &output) }
        return output
    }

    /// Appends the fold of valid UTF-8 to `output`.
    static func appendFolded(_ utf8: UnsafeBufferPointer<UInt8>, to output: inout [UInt8]) {
        output.reserveCapacity(output.count + utf8.count)
        var index = 0
        let count = utf8.count
        while index < count {
            let lead = utf8[index]
            if lead < 0x80 {
                output.append(lead &- 65 < 26 ? lead | 0x20 : lead)
                index += 1
                continue
            }
            let length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2
            guard index + length <= count else { break }
            var value = UInt32(lead) & (length == 2 ? 0x1F : length == 3 ? 0x0F : 0x07)
            for offset in 1..<length { value = value << 6 | UInt32(utf8[index + offset] & 0x3F) }
            let folded = Unicode.Scalar(value).map(fold) ?? "\u{FFFD}"
            if folded.value == value {
                output.append(contentsOf: utf8[index..<index + length])
            } else {
                output.append(contentsOf: UTF8.encode(folded)!)
            }
            index += length
        }
    }
}

/// A case-insensitive substring pattern for SEARCH (RFC 9051 §6.4.4): the needle is folded
/// once; each text is folded and searched with memmem.
public struct SearchPattern: Hashable, Sendable {
    /// The case-folded UTF-8 of the needle.
    public let folded: [UInt8]

    public init(_ needle: String) {
        folded = CaseFolding.foldedUTF8(needle)
    }

    /// Whether `text` contains the needle, ignoring case. An empty needle matches everything.
    public func matches(_ text: String) -> Bool {
        guard !folded.isEmpty else { return true }
        var haystack: [UInt8] = []
        var text = text
        text.withUTF8 { CaseFolding.appendFolded($0, to: &haystack) }
        return Self.contains(haystack, folded)
    }

    /// Whether any of `texts` contains the needle.
    public func matchesAny(_ texts: some Sequence<String>) -> Bool {
        texts.contains { matches($0) }
    }

    /// Substring search: memchr for the needle's first byte, memcmp for the rest.
    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard haystack.count >= needle.count else { return false }
        guard let first = needle.first else { return true }
        return haystack.withUnsafeBytes { hay in
            needle.withUnsafeBytes { pin in
                let last = hay.count - pin.count
                var position = 0
                while position <= last {
                    guard let found = hay.firstIndex(of: first, from: position, to: last + 1) else {
                        return false
                    }
                    if memcmp(hay.baseAddress! + found, pin.baseAddress!, pin.count) == 0 {
                        return true
                    }
                    position = found + 1
                }
                return false
            }
        }
    }
}
