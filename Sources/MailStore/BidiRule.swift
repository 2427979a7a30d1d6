/// The Bidi Rule of RFC 5893 §2, which the PRECIS username profiles apply to names that
/// contain right-to-left characters (RFC 8265 §3.3.1 rule 5), so that a name shows the same
/// way in every context and cannot be made to look like another by reordering.
enum BidiRule {
    /// The bidirectional classes the rule names (Unicode UAX #9), as far as they occur in
    /// strings the IdentifierClass allows.
    enum Direction: Equatable {
        case leftToRight  // L
        case rightToLeft  // R
        case arabicLetter  // AL
        case arabicNumber  // AN
        case europeanNumber  // EN
        case europeanSeparator  // ES
        case commonSeparator  // CS
        case europeanTerminator  // ET
        case otherNeutral  // ON
        case nonspacingMark  // NSM
    }

    /// True for names without right-to-left characters, which need no special processing;
    /// otherwise whether conditions 1–4 of RFC 5893 §2 hold (condition 1 makes a name with a
    /// right-to-left character a right-to-left label, so conditions 5–6 cannot apply).
    static func holds(for scalars: [Unicode.Scalar]) -> Bool {
        let directions = scalars.map(direction(of:))
        let isRightToLeft: (Direction) -> Bool = { $0 == .rightToLeft || $0 == .arabicLetter || $0 == .arabicNumber }
        guard directions.contains(where: isRightToLeft) else { return true }
        // 1. The first character has direction R or AL.
        guard let first = directions.first, first == .rightToLeft || first == .arabicLetter else { return false }
        // 2. Only R, AL, AN, EN, ES, CS, ET, ON, BN and NSM.
        guard !directions.contains(.leftToRight) else { return false }
        // 3. It ends with R, AL, EN or AN, followed by zero or more NSM.
        guard let last = directions.last(where: { $0 != .nonspacingMark }),
              [.rightToLeft, .arabicLetter, .europeanNumber, .arabicNumber].contains(last) else { return false }
        // 4. Not both EN and AN.
        return !(directions.contains(.europeanNumber) && directions.contains(.arabicNumber))
    }

    /// The bidirectional class of a character the IdentifierClass allows: ASCII by its table,
    /// marks as NSM, the Arabic-script and Hebrew-script (and other right-to-left) blocks as
    /// AL and R, with their digits, and every other letter or digit L.
    static func direction(of scalar: Unicode.Scalar) -> Direction {
        let value = scalar.value
        switch value {
        case 0x30...0x39: return .europeanNumber
        case 0x2B, 0x2D: return .europeanSeparator
        case 0x2C, 0x2E, 0x2F, 0x3A: return .commonSeparator
        case 0x23...0x25: return .europeanTerminator
        case 0x21...0x7E:
            return scalar.properties.isAlphabetic ? .leftToRight : .otherNeutral
        case 0x0600...0x0605, 0x0660...0x0669, 0x066B, 0x066C, 0x06DD, 0x0890, 0x0891, 0x08E2, 0x10D30...0x10D39,
             0x10E60...0x10E7E:
            return .arabicNumber
        case 0x06F0...0x06F9: return .europeanNumber
        default: break
        }
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .enclosingMark: return .nonspacingMark
        default: break
        }
        switch value {
        case 0x0600...0x07BF, 0x0860...0x08FF, 0xFB50...0xFDFF, 0xFE70...0xFEFF, 0x10D00...0x10D3F,
             0x10EC0...0x10EFF, 0x10F30...0x10F6F, 0x1EC70...0x1ECBF, 0x1ED00...0x1ED4F, 0x1EE00...0x1EEFF:
            return .arabicLetter
        case 0x0590...0x05FF, 0x07C0...0x085F, 0xFB1D...0xFB4F, 0x10800...0x10FFF, 0x1E800...0x1EFFF:
            return .rightToLeft
        default:
            return .leftToRight
        }
    }
}
