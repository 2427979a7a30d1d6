import Foundation

/// The `i;unicode-casemap` collation (RFC 5051), which SORT and THREAD use for every string
/// key (RFC 5256 §7, through RFC 5255's I18NLEVEL=1).
///
/// RFC 5051 §2: each character is mapped to its titlecase form (the simple titlecase mapping
/// of UnicodeData.txt), the result is put in Unicode Normalization Form KD (and titlecased
/// once more, see `key`), and two strings
/// compare by the octets of their UTF-8 (`i;octet`). `key(_:)` makes those octets once, so
/// that sorting is a byte comparison.
///
/// Note that titlecase, not lowercase, is what the collation maps to: `_` (U+005F) sorts after
/// letters folded to `A`–`Z` (U+0041–U+005A), as in Dovecot, which implements the same RFC.
public enum UnicodeCasemap {
    /// The collation key: UTF-8 of the titlecased, NFKD-normalised text.
    public static func key(_ text: String) -> [UInt8] {
        var ascii = true
        for byte in text.utf8 where byte >= 0x80 {
            ascii = false
            break
        }
        if ascii {
            // ASCII: titlecase is uppercase, and NFKD changes nothing.
            return text.utf8.map { $0 &- 0x61 < 26 ? $0 - 0x20 : $0 }
        }
        let decomposed = titlecased(text).decomposedStringWithCompatibilityMapping
        // A compatibility decomposition can yield letters that have a titlecase (the ligature
        // `ﬁ` becomes `fi`): mapping again makes the key the same as for `FI`, as Dovecot's
        // `i;unicode-casemap` does, and changes nothing else (titlecase letters stay
        // decomposed).
        return Array(titlecased(decomposed).utf8)
    }

    private static func titlecased(_ text: String) -> String {
        var mapped = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            mapped.append(titlecase(scalar))
        }
        return String(mapped)
    }

    /// The simple titlecase mapping of one scalar: the full mapping when it is one scalar
    /// (the simple and full mappings differ only where the full one expands, such as `ß` →
    /// `Ss`, whose simple mapping is the scalar itself).
    static func titlecase(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        let properties = scalar.properties
        guard properties.changesWhenTitlecased else { return scalar }
        let mapping = properties.titlecaseMapping.unicodeScalars
        guard mapping.count == 1, let single = mapping.first else { return scalar }
        return single
    }
}
