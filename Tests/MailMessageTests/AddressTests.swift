import MailMessage
import Testing

@Suite("Address lists (RFC 5322 §3.4, obsolete forms §4.4)")
struct AddressTests {
    func parse(_ value: String) -> String {
        render(AddressParser.parseAddressList(Array(value.utf8)))
    }

    @Test("A display name is a phrase: quotes removed, comments dropped")
    func displayNames() {
        #expect(parse(#""A B" <a@b.c>"#) == #"("A B" NIL "a" "b.c")"#)
        #expect(parse("Jane  (middle) Doe <j@d>") == #"("Jane Doe" NIL "j" "d")"#)
        #expect(parse(#""Quoted \" Name" <q@x>"#) == #"("Quoted " Name" NIL "q" "x")"#)
        #expect(parse(#""" <i@j>"#) == #"(NIL NIL "i" "j")"#)
        #expect(parse("<a@b>") == #"(NIL NIL "a" "b")"#)
    }

    @Test("RFC 2047 words in a name stay encoded (IMAP sends them as they are)")
    func encodedWordsStay() {
        #expect(parse("=?utf-8?q?J=C3=BCrgen?= <j@m>") == #"("=?utf-8?q?J=C3=BCrgen?=" NIL "j" "m")"#)
    }

    @Test("A comment after a bare address becomes the name; the last one wins")
    func commentNames() {
        #expect(parse("k@l (Karl)") == #"("Karl" NIL "k" "l")"#)
        #expect(parse("a@b (c) (d)") == #"("d" NIL "a" "b")"#)
        #expect(parse("(before) g@h") == #"(NIL NIL "g" "h")"#)
    }

    @Test("Groups: start with the name as mailbox, end with all NIL")
    func groups() {
        #expect(parse("undisclosed-recipients:;")
            == #"(NIL NIL "undisclosed-recipients" NIL)(NIL NIL NIL NIL)"#)
        #expect(parse(#"Group: x@y.z, "q" <@r1,@r2:m@n.o>;, after@c"#)
            == #"(NIL NIL "Group" NIL)(NIL NIL "x" "y.z")("q" "@r1,@r2" "m" "n.o")(NIL NIL NIL NIL)"#
            + #"(NIL NIL "after" "c")"#)
        #expect(parse(#""g h" : ;"#) == #"(NIL NIL "g h" NIL)(NIL NIL NIL NIL)"#)
        #expect(parse("g: a@b") == #"(NIL NIL "g" NIL)(NIL NIL "a" "b")(NIL NIL NIL NIL)"#)
    }

    @Test("An obsolete route becomes the adl; a broken one is marked")
    func routes() {
        #expect(parse("<@r1,@r2:u@h>") == #"(NIL "@r1,@r2" "u" "h")"#)
        #expect(parse("<@a, ,@b:u@h>") == #"(NIL "@a,@b" "u" "h")"#)
        #expect(parse("<@a u@h>") == #"(NIL "INVALID_ROUTE" "u" "h")"#)
        #expect(parse("<<a@b>>") == #"(NIL NIL "MISSING_MAILBOX" "SYNTAX_ERROR")"#)
    }

    @Test("Missing parts are filled in the way Dovecot fills them")
    func missingParts() {
        #expect(parse("user") == #"(NIL NIL "user" "MISSING_DOMAIN")"#)
        #expect(parse("<>") == #"(NIL NIL "MISSING_MAILBOX" "MISSING_DOMAIN")"#)
        #expect(parse("@") == #"(NIL NIL "MISSING_MAILBOX" "MISSING_DOMAIN")"#)
        #expect(parse("a@x.") == #"(NIL NIL "a" "MISSING_DOMAIN")"#)
        #expect(parse("x y <a@b") == #"("x y" NIL "a" "SYNTAX_ERROR")"#)
        #expect(parse("foo bar, baz")
            == #"("foo bar" NIL "MISSING_MAILBOX" "MISSING_DOMAIN")(NIL NIL "baz" "MISSING_DOMAIN")"#)
        #expect(parse(",c@d") == #"(NIL NIL "MISSING_MAILBOX" "MISSING_DOMAIN")(NIL NIL "c" "d")"#)
    }

    @Test("Local parts: quoted strings unquoted, odd dots tolerated (obs-local-part)")
    func localParts() {
        #expect(parse(#""x\"y"@z"#) == #"(NIL NIL "x"y" "z")"#)
        #expect(parse(#""a b"@c"#) == #"(NIL NIL "a b" "c")"#)
        #expect(parse("a..b@x") == #"(NIL NIL "a..b" "x")"#)
        #expect(parse(".a@x") == #"(NIL NIL ".a" "x")"#)
        #expect(parse("a .b@x") == #"(NIL NIL "a.b" "x")"#)
        // Not an address: the words become a name (ENVELOPE later collapses the spaces).
        #expect(parse("a. b@x") == #"("a.  b" NIL "MISSING_MAILBOX" "MISSING_DOMAIN")"#)
    }

    @Test("Domains: literals kept with brackets, CFWS around dots removed")
    func domains() {
        #expect(parse("a@[1.2.3.4]") == #"(NIL NIL "a" "[1.2.3.4]")"#)
        #expect(parse("a@ x . y") == #"(NIL NIL "a" "x.y")"#)
        #expect(parse("a@xn--mller-kva.example") == #"(NIL NIL "a" "xn--mller-kva.example")"#)
    }

    @Test("Folded lists and empty input")
    func foldedAndEmpty() {
        #expect(parse("a@b,\r\n c@d") == #"(NIL NIL "a" "b")(NIL NIL "c" "d")"#)
        #expect(parse("") == "")
        #expect(parse("  (just a comment) ") == "")
    }

    @Test("Garbage never traps and stops at the first unparsable address")
    func garbage() {
        #expect(parse("a@b@c") == #"(NIL NIL "a" "b")"#)
        #expect(parse(#""unterminated <a@b>"#) == #"(NIL NIL "MISSING_MAILBOX" "MISSING_DOMAIN")"#)
        for value in ["<", ">", "(", "\"", ":", ";", "@@@", "<<a@b>>", "g:(", "\\", "=?x?=", ",,,"] {
            _ = parse(value)
        }
    }
}
