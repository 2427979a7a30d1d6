import Foundation

/// The SASLprep profile of stringprep (RFC 4013, over RFC 3454), as SCRAM asks the server to
/// apply it to user names (RFC 5802 §5.1, attribute `n`), "treating it as a query string".
///
/// Covered: the two mappings (RFC 4013 §2.1: non-ASCII spaces, table C.1.2, become U+0020;
/// the characters of table B.1 are removed), Unicode normalization form KC (§2.2), and every
/// prohibited-output table of §2.3 (C.1.2, C.2.1, C.2.2, C.3, C.4, C.5, C.6, C.7, C.8, C.9).
/// Unassigned code points are allowed, as for a query string (§2.5).
///
/// Not covered: the bidirectional check of RFC 3454 §6 (§2.4), which needs the RandALCat and
/// LCat tables (D.1, D.2) that neither the standard library nor Foundation expose; and NFKC is
/// the platform's current Unicode version, not Unicode 3.2 as stringprep fixes it, so a few
/// characters added or changed since then normalize differently.
enum SASLprep {
    /// The prepared string, or nil when it contains a prohibited character. The result may be
    /// empty (a string of B.1 characters only); SCRAM treats that as a failure.
    static func prepare(_ string: String) -> String? {
        var mapped = String.UnicodeScalarView()
        for scalar in string.unicodeScalars {
            if isMappedToNothing(scalar) { continue }
            mapped.append(isNonASCIISpace(scalar) ? " " : scalar)
        }
        let normalized = String(mapped).precomposedStringWithCompatibilityMapping
        for scalar in normalized.unicodeScalars where isProhibited(scalar) { return nil }
        return normalized
    }

    /// RFC 3454 table B.1, "commonly mapped to nothing".
    static func isMappedToNothing(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00AD, 0x034F, 0x1806, 0x180B...0x180D, 0x200B...0x200D, 0x2060,
             0xFE00...0xFE0F, 0xFEFF:
            true
        default:
            false
        }
    }

    /// RFC 3454 table C.1.2, non-ASCII space characters.
    static func isNonASCIISpace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00A0, 0x1680, 0x2000...0x200B, 0x202F, 0x205F, 0x3000:
            true
        default:
            false
        }
    }

    /// RFC 4013 §2.3: the union of RFC 3454 tables C.1.2 and C.2.1 through C.9.
    static func isProhibited(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        if isNonASCIISpace(scalar) { return true }          // C.1.2
        switch value {
        case 0x0000...0x001F, 0x007F:                        // C.2.1 ASCII control
            return true
        case 0x0080...0x009F, 0x06DD, 0x070F, 0x180E, 0x200C, 0x200D, 0x2028, 0x2029,
             0x2060...0x2063, 0x206A...0x206F, 0xFEFF, 0xFFF9...0xFFFC,
             0x1D173...0x1D17A:                              // C.2.2 non-ASCII control
            return true
        case 0xE000...0xF8FF, 0xF0000...0xFFFFD, 0x100000...0x10FFFD: // C.3 private use
            return true
        case 0xFDD0...0xFDEF:                                // C.4 non-characters
            return true
        case 0xFFF9...0xFFFD:                                // C.6 not for plain text
            return true
        case 0x2FF0...0x2FFB:                                // C.7 ideographic description
            return true
        case 0x0340, 0x0341, 0x200E, 0x200F, 0x202A...0x202E: // C.8 display properties
            return true
        case 0xE0001, 0xE0020...0xE007F:                     // C.9 tagging
            return true
        default:
            // C.4 also holds the last two code points of every plane (U+xFFFE, U+xFFFF);
            // C.5 (surrogates) cannot occur in a Unicode.Scalar.
            return value & 0xFFFE == 0xFFFE
        }
    }
}
