import Foundation

/// The PRECIS UsernameCaseMapped profile (RFC 8265 §3.3): how a user name typed by a person
/// or sent by a client becomes the one form the store keeps and looks up, so that `ＡＬＩＣＥ`
/// (fullwidth), `Alice` and `alice` name one account, and a name in NFD (`e` + U+0301) finds
/// the account created in NFC (`é`).
///
/// Enforcement (RFC 8265 §3.3.3), in order:
/// 1. width mapping: fullwidth and halfwidth forms to their decomposition (§3.3.1 rule 1);
/// 2. every code point must be allowed by the IdentifierClass (RFC 8264 §4.2, §8, §9);
/// 3. case mapping with Unicode toLowerCase (§3.3.1 rule 3);
/// 4. Unicode NFC (§3.3.1 rule 4);
/// 5. the Bidi Rule of RFC 5893 §2 for names with right-to-left characters (§3.3.1 rule 5);
/// 6. the result must not be empty.
///
/// Bidirectional classes and scripts are not in Swift's Unicode properties; they are taken
/// from the blocks of the right-to-left, Greek, Hebrew and CJK scripts, which is exact for
/// letters and digits, the only characters of those scripts the IdentifierClass allows.
enum UsernameCaseMapped {
    /// The enforced form of `input`, or nil if it is not a valid user name under the profile.
    static func enforce(_ input: String) -> String? {
        var prepared = String.UnicodeScalarView()
        for scalar in input.unicodeScalars {
            if isFullwidthOrHalfwidth(scalar) {
                prepared.append(contentsOf: String(scalar).precomposedStringWithCompatibilityMapping.unicodeScalars)
            } else {
                prepared.append(scalar)
            }
        }
        let scalars = Array(prepared)
        for index in scalars.indices where !IdentifierClass.allows(scalars, at: index) { return nil }
        let enforced = String(prepared).lowercased().precomposedStringWithCanonicalMapping
        guard !enforced.isEmpty, BidiRule.holds(for: Array(enforced.unicodeScalars)) else { return nil }
        return enforced
    }

    /// The code points whose decomposition type is `<wide>` or `<narrow>` (UAX #11): the
    /// Halfwidth and Fullwidth Forms block, and the ideographic space.
    static func isFullwidthOrHalfwidth(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value == 0x3000 || (0xFF01...0xFFEE).contains(scalar.value)
    }
}

/// The PRECIS IdentifierClass (RFC 8264 §4.2): letters and digits of every script, and the
/// printable ASCII characters; no spaces, controls, symbols, punctuation outside ASCII, or
/// characters with compatibility forms. Categories are evaluated in the order of RFC 8264 §8.
enum IdentifierClass {
    static func allows(_ scalars: [Unicode.Scalar], at index: Int) -> Bool {
        let scalar = scalars[index]
        let value = scalar.value
        let properties = scalar.properties
        if let exception = exceptions[value] {  // RFC 5892 §2.6
            switch exception {
            case .valid: return true
            case .disallowed: return false
            case .contextual: return ContextRules.allowsOther(scalars, at: index)
            }
        }
        if properties.generalCategory == .unassigned { return false }  // §9.2 Unassigned
        if (0x21...0x7E).contains(value) { return true }  // §9.11 ASCII7
        if value == 0x200C || value == 0x200D { return ContextRules.allowsJoiner(scalars, at: index) }  // §9.8
        if isConjoiningJamo(value) { return false }  // §9.9 OldHangulJamo
        if properties.isDefaultIgnorableCodePoint || properties.isNoncharacterCodePoint { return false }  // §9.13
        if properties.generalCategory == .control { return false }  // §9.12
        if hasCompatibilityForm(scalar) { return false }  // §9.17 HasCompat
        switch properties.generalCategory {  // §9.1 LetterDigits; the rest: §9.14–9.16, §9.18
        case .lowercaseLetter, .uppercaseLetter, .otherLetter, .decimalNumber, .modifierLetter,
             .nonspacingMark, .spacingMark:
            return true
        default:
            return false
        }
    }

    private enum Exception { case valid, disallowed, contextual }

    /// RFC 5892 §2.6, which RFC 8264 §9.6 takes over.
    private static let exceptions: [UInt32: Exception] = {
        var table: [UInt32: Exception] = [:]
        for value: UInt32 in [0x00DF, 0x03C2, 0x06FD, 0x06FE, 0x0F0B, 0x3007] { table[value] = .valid }
        for value: UInt32 in [0x0640, 0x07FA, 0x302E, 0x302F, 0x3031, 0x3032, 0x3033, 0x3034, 0x3035, 0x303B] {
            table[value] = .disallowed
        }
        for value: UInt32 in [0x00B7, 0x0375, 0x05F3, 0x05F4, 0x30FB] { table[value] = .contextual }
        for value: UInt32 in 0x0660...0x0669 { table[value] = .contextual }
        for value: UInt32 in 0x06F0...0x06F9 { table[value] = .contextual }
        return table
    }()

    /// Hangul_Syllable_Type L, V or T (RFC 8264 §9.9).
    private static func isConjoiningJamo(_ value: UInt32) -> Bool {
        (0x1100...0x11FF).contains(value) || (0xA960...0xA97C).contains(value)
            || (0xD7B0...0xD7C6).contains(value) || (0xD7CB...0xD7FB).contains(value)
    }

    /// `toNFKC(cp) != cp` (RFC 8264 §9.17), compared by code point: Swift's `String`
    /// equality is canonical equivalence, which would call KELVIN SIGN equal to `K`.
    private static func hasCompatibilityForm(_ scalar: Unicode.Scalar) -> Bool {
        Array(String(scalar).precomposedStringWithCompatibilityMapping.unicodeScalars) != [scalar]
    }
}

/// The contextual rules of RFC 5892 Appendix A for the characters the IdentifierClass allows
/// only in context.
enum ContextRules {
    /// ZERO WIDTH NON-JOINER and JOINER (A.1, A.2): after a virama. (The ZWNJ alternative based
    /// on Arabic joining types is not implemented, so such names are refused: stricter.)
    static func allowsJoiner(_ scalars: [Unicode.Scalar], at index: Int) -> Bool {
        index > 0 && scalars[index - 1].properties.canonicalCombiningClass == .virama
    }

    /// A.3–A.9.
    static func allowsOther(_ scalars: [Unicode.Scalar], at index: Int) -> Bool {
        let value = scalars[index].value
        let before = index > 0 ? scalars[index - 1].value : nil
        let after = index + 1 < scalars.count ? scalars[index + 1].value : nil
        switch value {
        case 0x00B7: return before == 0x6C && after == 0x6C  // MIDDLE DOT: l·l (Catalan)
        case 0x0375: return after.map(isGreek) ?? false  // GREEK LOWER NUMERAL SIGN
        case 0x05F3, 0x05F4: return before.map(isHebrew) ?? false  // GERESH, GERSHAYIM
        case 0x30FB: return scalars.contains { isHiraganaKatakanaOrHan($0.value) }  // KATAKANA MIDDLE DOT
        case 0x0660...0x0669: return !scalars.contains { (0x06F0...0x06F9).contains($0.value) }
        case 0x06F0...0x06F9: return !scalars.contains { (0x0660...0x0669).contains($0.value) }
        default: return false
        }
    }

    private static func isGreek(_ value: UInt32) -> Bool {
        ((0x0370...0x03FF).contains(value) && value != 0x0375 && value != 0x037E) || (0x1F00...0x1FFF).contains(value)
    }

    private static func isHebrew(_ value: UInt32) -> Bool {
        (0x0591...0x05F2).contains(value) || (0xFB1D...0xFB4F).contains(value)
    }

    private static func isHiraganaKatakanaOrHan(_ value: UInt32) -> Bool {
        if value == 0x30FB || value == 0x30FC { return false }  // Common script
        return (0x3041...0x309F).contains(value) || (0x30A0...0x30FF).contains(value)
            || (0x31F0...0x31FF).contains(value) || (0x3400...0x4DBF).contains(value)
            || (0x4E00...0x9FFF).contains(value) || (0xF900...0xFAFF).contains(value)
            || (0x20000...0x3134F).contains(value) || value == 0x3005 || value == 0x3007
    }
}
