import MailStore
import Testing

/// User names in their one stored form: the PRECIS UsernameCaseMapped profile (RFC 8265 §3.3)
/// with the IdentifierClass of RFC 8264 §4.2 and the Bidi Rule of RFC 5893 §2.
@Suite("User names (RFC 8265 §3.3 UsernameCaseMapped)")
struct UsernameTests {
    @Test("case, width and Unicode form do not make another name", arguments: [
        ("alice", "alice"),
        ("Alice", "alice"),
        ("ALICE", "alice"),
        ("\u{FF41}\u{FF4C}\u{FF49}\u{FF43}\u{FF45}", "alice"),  // fullwidth ａｌｉｃｅ (width mapping)
        ("\u{FF21}\u{FF2C}\u{FF29}\u{FF23}\u{FF25}", "alice"),  // fullwidth ＡＬＩＣＥ
        ("e\u{301}ve", "\u{E9}ve"),  // NFD éve finds the NFC account
        ("\u{C9}VE", "\u{E9}ve"),
        ("juliet@example.com", "juliet@example.com"),  // RFC 8265 §3.6 example 1
        ("fu\u{DF}ball", "fu\u{DF}ball"),  // example 3: ß stays (no case folding to ss)
        ("\u{3C0}", "\u{3C0}"),  // example 4
        ("\u{3A3}", "\u{3C3}"),  // example 5 maps to 6
        ("\u{3C2}", "\u{3C2}"),  // example 7 stays itself
        ("\u{5E9}\u{5E8}\u{5D4}", "\u{5E9}\u{5E8}\u{5D4}"),  // Hebrew, right to left throughout
        ("\u{645}\u{62D}\u{645}\u{62F}2", "\u{645}\u{62D}\u{645}\u{62F}2"),  // Arabic ending in a European digit
        ("\u{928}\u{92E}\u{938}\u{94D}\u{924}\u{947}", "\u{928}\u{92E}\u{938}\u{94D}\u{924}\u{947}"),  // Devanagari with virama
        ("l\u{B7}l", "l\u{B7}l"),  // MIDDLE DOT between two l (RFC 5892 A.3)
    ])
    func canonical(_ input: String, _ expected: String) {
        // By code point: Swift's String equality is canonical equivalence (NFD == NFC).
        #expect(User.canonicalName(input).map { Array($0.unicodeScalars) } == Array(expected.unicodeScalars))
    }

    @Test("İ lower-cases to i and U+0307, which is not alice (Unicode toLowerCase, RFC 8265 §3.3.1)")
    func dottedCapitalI() {
        #expect(User.canonicalName("AL\u{130}CE").map { Array($0.unicodeScalars) } == Array("ali\u{307}ce".unicodeScalars))
        #expect(User.canonicalName("AL\u{130}CE") != User.canonicalName("alice"))
    }

    @Test("names the profile refuses", arguments: [
        "",  // RFC 8265 §3.6 example 9: empty
        "foo bar",  // example 8 (a username of two userparts; Tern takes one)
        "henry\u{2163}",  // example 10: ROMAN NUMERAL FOUR has a compatibility form
        "\u{221E}",  // example 11: a symbol
        "ali\nce", "ali\rce", "ali\u{0}ce", "\u{7F}",  // controls
        "ali\u{200B}ce",  // ZERO WIDTH SPACE: default ignorable
        "ali\u{200D}ce",  // ZERO WIDTH JOINER not after a virama (RFC 5892 A.2)
        "\u{3000}alice",  // ideographic space maps to SPACE
        "alice\u{2019}s",  // punctuation outside ASCII
        "\u{FB01}le",  // the ligature ﬁ has a compatibility form
        "\u{212A}elvin",  // KELVIN SIGN (a canonical singleton: NFKC, and NFC, make it K)
        "\u{2126}",  // OHM SIGN
        "\u{1100}\u{1161}",  // conjoining Hangul jamo
        "\u{E000}",  // private use
        "a\u{B7}b",  // MIDDLE DOT not between two l
        "\u{5E9}abc",  // right-to-left first, then left-to-right letters (Bidi Rule 2)
        "abc\u{5E9}",  // left-to-right first in a name with right-to-left (Bidi Rule 1)
        "\u{5E9}\u{661}1",  // Arabic-Indic and European digits together (Bidi Rule 4)
        "\u{661}\u{6F1}",  // Arabic-Indic and extended Arabic-Indic digits (RFC 5892 A.8)
    ])
    func refused(_ input: String) {
        #expect(User.canonicalName(input) == nil)
    }
}
