@testable import IMAPServer
import MailMessage
import TestSupport
import Testing

/// The shortcut of `SearchContent.addresses`: when a field is written plainly and the needle
/// stays within one word, the address form (`SearchAddresses.text`) finds nothing the decoded
/// text does not, so building it can be skipped.
@Suite("Address search shortcut")
struct SearchAddressShortcutTests {
    static let plain: [String] = [
        "alice@example.org",
        "Alice Example <alice@example.org>",
        "Alice   Example<alice@example.org>  ",
        "=?utf-8?q?M=C3=BCller?= <mueller@xn--mller-kva.example>, bob@example.net",
        "=?iso-8859-1?q?J=F6rg?= =?utf-8?b?U2Now7Zu?= <j@example.org>",
        "Jörg Schön <joerg@example.org>",
        "J.R.R.Tolkien <jrr@example.org>",
        "undisclosed-recipients",
        "a@b.c,,d@e.f",
        "<bare@example.org>",
    ]

    static let notPlain: [String] = [
        "<user-from (comment)@ (comment) domain.org>",
        "\"Doe, John\" <john@example.org>",
        "friends: alice@example.org, bob@example.org;",
        "user @ example.org",
        "J. Doe <jd@example.org>",
        "J.R.R. Tolkien <jrr@example.org>",
        "Name <a @example.org>",
        "=?utf-8?q?x?=@example.org",
        "Name <=?utf-8?q?x?=@example.org>",
        "Name <a@example.org> trailing",
        "Name <a@example.org",
        "a\\@b@example.org",
        "x@y <a@example.org>",
    ]

    @Test("Plainly written fields are recognised", arguments: plain)
    func plainFields(value: String) {
        #expect(SearchAddresses.isWrittenPlainly(Array(value.utf8)))
    }

    @Test("Fields whose address form differs are not", arguments: notPlain)
    func otherFields(value: String) {
        #expect(!SearchAddresses.isWrittenPlainly(Array(value.utf8)))
    }

    @Test("Latin-1 bytes are not plain: the two forms decode them differently")
    func invalidUTF8() {
        #expect(!SearchAddresses.isWrittenPlainly(Array("J".utf8) + [0xF6] + Array("rg <j@example.org>".utf8)))
    }

    @Test("Needles with separators or spaces need the address form")
    func needles() {
        #expect(SearchAddresses.staysWithinOneWord(Array("alice@example.org".utf8)))
        #expect(SearchAddresses.staysWithinOneWord(Array("müller".utf8)))
        for needle in ["alice <a", "a>", "a,b", "x:", "\"", "(c)", "a b", "a\tb", "a;"] {
            #expect(!SearchAddresses.staysWithinOneWord(Array(needle.utf8)), "\(needle)")
        }
    }

    /// The property the shortcut rests on, over every one-word substring of the address form
    /// of every plain field.
    /// Random fields from the characters that matter, checked against the same property.
    @Test("Random fields: the shortcut never hides a match")
    func randomFields() {
        var generator = SplitMix64(seed: 0x7E57)
        let pieces = ["a", "B", "x.y", "@", "<", ">", ",", " ", "  ", ".", "=?utf-8?q?=C3=A9t=C3=A9?=", "é", "-", "\t"]
        var plainCount = 0
        for _ in 0..<3000 {
            let value = (0..<Int.random(in: 1...12, using: &generator)).map { _ in
                pieces.randomElement(using: &generator)!
            }.joined()
            let raw = Array(value.utf8)
            guard SearchAddresses.isWrittenPlainly(raw) else { continue }
            plainCount += 1
            let decoded = SearchFolding.folded(EncodedWordDecoder.decode(raw))
            let form = SearchFolding.folded(SearchAddresses.text(of: AddressParser.parseAddressList(raw)))
            for start in form.indices {
                for end in start + 1...form.count {
                    let needle = Array(form[start..<end])
                    guard SearchAddresses.staysWithinOneWord(needle) else { continue }
                    #expect(SearchContent.contains(decoded, needle),
                            "\(String(decoding: needle, as: UTF8.self)) of \(value)")
                }
            }
        }
        #expect(plainCount > 100)
    }

    @Test("On plain fields every one-word piece of the address form is in the decoded text", arguments: plain)
    func addressFormAddsNothing(value: String) {
        let raw = Array(value.utf8)
        let decoded = SearchFolding.folded(EncodedWordDecoder.decode(raw))
        let form = SearchFolding.folded(SearchAddresses.text(of: AddressParser.parseAddressList(raw)))
        var checked = 0
        for start in form.indices {
            for end in start + 1...form.count {
                let needle = Array(form[start..<end])
                guard SearchAddresses.staysWithinOneWord(needle),
                      String(validating: needle, as: UTF8.self) != nil else { continue }
                checked += 1
                #expect(SearchContent.contains(decoded, needle),
                        "\(String(decoding: needle, as: UTF8.self)) of \(value)")
            }
        }
        #expect(checked > 0)
    }
}

