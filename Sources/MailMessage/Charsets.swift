import Glibc

/// Converts text in a MIME charset (RFC 2045 §5.1 `charset`, RFC 2978 names) to Unicode, for
/// SEARCH and for decoded header text.
///
/// UTF-8, US-ASCII and ISO-8859-1 are decoded here without iconv. Every other charset goes
/// through glibc iconv: ISO-8859-x, Windows-125x, KOI8-R/U, ISO-2022-JP, Shift_JIS, EUC-JP,
/// GB2312/GBK/GB18030, Big5, EUC-KR and whatever else the system's gconv modules provide.
/// Names are mapped the way mail and web software map them (WHATWG Encoding §4.2): labels of
/// GB2312 and GBK decode as GB18030, Big5 as Big5-HKSCS, Shift_JIS as Windows-31J (CP932),
/// EUC-KR as CP949, ISO-8859-1 as Windows-1252, ISO-2022-JP as ISO-2022-JP-2 — each a superset
/// of what it replaces.
///
/// Never fails: invalid sequences become U+FFFD. Text in US-ASCII or in an unknown or missing
/// charset is read as UTF-8 when it is valid UTF-8 (8-bit text mislabeled as ASCII is nearly
/// always UTF-8 nowadays), else as Windows-1252, which maps every byte to a character.
public enum CharsetDecoder {
    /// Decodes `bytes` in `charset` (case-insensitive name; nil or empty: unknown).
    public static func decode(_ bytes: UnsafeRawBufferPointer, charset: String?) -> String {
        switch canonical(charset) {
        case .utf8:
            return String(decoding: bytes, as: UTF8.self)
        case .unknown, .ascii:
            return utf8OrWindows1252(bytes)
        case .windows1252:
            return windows1252(bytes)
        case let .iconv(name):
            return iconvDecode(bytes, from: name) ?? utf8OrWindows1252(bytes)
        }
    }

    /// Decodes an array of bytes.
    public static func decode(_ bytes: some Collection<UInt8>, charset: String?) -> String {
        if let contiguous = bytes.withContiguousStorageIfAvailable({
            decode(UnsafeRawBufferPointer($0), charset: charset)
        }) {
            return contiguous
        }
        return Array(bytes).withUnsafeBytes { decode($0, charset: charset) }
    }

    /// Whether text in `charset` is converted as such (rather than by the fallback).
    public static func canDecode(_ charset: String) -> Bool {
        switch canonical(charset) {
        case .utf8, .ascii, .windows1252: return true
        case .unknown: return false
        case let .iconv(name):
            guard let descriptor = openConverter(name) else { return false }
            iconv_close(descriptor)
            return true
        }
    }

    enum Canonical: Equatable {
        case utf8, ascii, windows1252, unknown
        case iconv(String)
    }

    /// The decoder for a charset label.
    static func canonical(_ charset: String?) -> Canonical {
        guard let charset else { return .unknown }
        var label = ""
        for scalar in charset.unicodeScalars where scalar != "\"" && scalar != " " && scalar != "\t" {
            label.unicodeScalars.append(scalar.properties.lowercaseMapping.unicodeScalars.first ?? scalar)
        }
        switch label {
        case "": return .unknown
        case "utf-8", "utf8", "x-utf-8", "unicode-1-1-utf-8": return .utf8
        case "us-ascii", "ascii", "us", "ansi_x3.4-1968", "iso646-us", "cp367", "iso-ir-6":
            return .ascii
        case "iso-8859-1", "iso8859-1", "iso_8859-1", "latin1", "l1", "cp819", "ibm819",
             "windows-1252", "cp1252", "x-cp1252", "iso_8859-1:1987", "csisolatin1":
            return .windows1252
        case "shift_jis", "shift-jis", "sjis", "x-sjis", "ms_kanji", "csshiftjis", "windows-31j",
             "cp932", "ms932", "x-ms-cp932":
            return .iconv("CP932")
        case "euc-jp", "eucjp", "x-euc-jp", "cseucpkdfmtjapanese":
            return .iconv("EUC-JP")
        case "iso-2022-jp", "csiso2022jp", "iso-2022-jp-1", "iso-2022-jp-2", "iso-2022-jp-3":
            return .iconv("ISO-2022-JP-2")
        case "gb2312", "gbk", "gb18030", "x-gbk", "cp936", "ms936", "windows-936", "euc-cn",
             "csgb2312", "chinese", "iso-ir-58", "gb_2312-80", "gb_2312", "csiso58gb231280":
            return .iconv("GB18030")
        case "big5", "big5-hkscs", "x-x-big5", "cn-big5", "csbig5", "big-5", "big-five":
            return .iconv("BIG5-HKSCS")
        case "euc-kr", "euckr", "ks_c_5601-1987", "ks_c_5601", "ksc5601", "ksc_5601", "korean",
             "cp949", "windows-949", "csksc56011987", "iso-ir-149", "x-windows-949":
            return .iconv("CP949")
        case "utf-7", "unicode-1-1-utf-7", "csunicode11utf7":
            return .iconv("UTF-7")
        default:
            return .iconv(label.uppercased())
        }
    }

    /// Valid UTF-8 as such, anything else as Windows-1252.
    static func utf8OrWindows1252(_ bytes: UnsafeRawBufferPointer) -> String {
        if let text = String(validating: bytes, as: UTF8.self) { return text }
        return windows1252(bytes)
    }

    /// Windows-1252 (a superset of ISO-8859-1's printable characters; C1 bytes it leaves
    /// undefined stay as the C1 controls).
    static func windows1252(_ bytes: UnsafeRawBufferPointer) -> String {
        var scalars = String.UnicodeScalarView()
        for byte in bytes {
            if byte >= 0x80, byte < 0xA0 {
                scalars.append(Unicode.Scalar(windows1252High[Int(byte - 0x80)]) ?? "\u{FFFD}")
            } else {
                scalars.append(Unicode.Scalar(byte))
            }
        }
        return String(scalars)
    }

    private static let windows1252High: [UInt32] = [
        0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
        0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
        0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
        0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
    ]

    private static func openConverter(_ name: String) -> iconv_t? {
        guard let descriptor = iconv_open("UTF-8", name),
              Int(bitPattern: descriptor) != -1 else { return nil }
        return descriptor
    }

    /// Converts with glibc iconv; nil when iconv does not know the charset.
    static func iconvDecode(_ bytes: UnsafeRawBufferPointer, from name: String) -> String? {
        guard let descriptor = openConverter(name) else { return nil }
        defer { iconv_close(descriptor) }
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return "" }
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count + bytes.count / 2)
        var chunk = [UInt8](repeating: 0, count: 16_384)
        var input: UnsafeMutablePointer<CChar>? = UnsafeMutablePointer<CChar>(
            mutating: base.assumingMemoryBound(to: CChar.self))
        var inputLeft = bytes.count
        // One call of iconv into `chunk`; `flush` ends the shift state of stateful encodings
        // (ISO-2022-JP). Returns the errno of a failed call, or 0.
        func convert(flush: Bool) -> Int32 {
            var failure: Int32 = 0
            let produced = chunk.withUnsafeMutableBytes { output -> Int in
                var outputPointer: UnsafeMutablePointer<CChar>? =
                    output.baseAddress!.assumingMemoryBound(to: CChar.self)
                var outputLeft = output.count
                let status = flush
                    ? iconv(descriptor, nil, nil, &outputPointer, &outputLeft)
                    : iconv(descriptor, &input, &inputLeft, &outputPointer, &outputLeft)
                if status == -1 { failure = errno }
                return output.count - outputLeft
            }
            result += chunk[..<produced]
            return failure
        }
        while inputLeft > 0 {
            switch convert(flush: false) {
            case 0, E2BIG:
                continue
            case EILSEQ:
                result += ASCII.replacementCharacter
                input = input.map { $0 + 1 }
                inputLeft -= 1
            default:
                // EINVAL: an incomplete sequence at the end.
                result += ASCII.replacementCharacter
                inputLeft = 0
            }
        }
        while convert(flush: true) == E2BIG {}
        return String(decoding: result, as: UTF8.self)
    }
}
