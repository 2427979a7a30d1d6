import Sieve
import Testing

@Suite("Tests, comparators and match types (RFC 5228 §2.7, §5)")
struct TestCommandTests {
    /// Whether `test` holds for `message` (running it inside an if).
    func holds(_ test: String, require: [String] = [], on message: SieveMessage = messageA,
               context: SieveContext = context()) throws -> Bool {
        let requires = require.isEmpty ? "" : "require [" + require.map { "\"\($0)\"" }.joined(separator: ", ") + "];\n"
        let result = try run(requires + "if \(test) { discard; }", on: message, context: context)
        #expect(result.error == nil)
        return result.actions == [.discard]
    }

    @Test("true, false, not, allof, anyof (§5.2, §5.3, §5.6, §5.8, §5.10)")
    func logic() throws {
        #expect(try holds("true"))
        #expect(try !holds("false"))
        #expect(try holds("not false"))
        #expect(try !holds("allof (false, false)"))
        #expect(try !holds("allof (false, true)"))
        #expect(try holds("allof (true, true)"))
        #expect(try !holds("anyof (false, false)"))
        #expect(try holds("anyof (false, true)"))
        #expect(try holds("anyof (not exists [\"From\", \"Date\"], header :contains \"from\" \"coyote\")"))
        #expect(compileError("if allof true { stop; }")?.kind == .wrongArguments("allof", "allof <tests: test-list>"))
        #expect(compileError("if not (true) { stop; }")?.kind == .wrongArguments("not", "not <test>"))
        #expect(compileError("if true false { stop; }")?.kind == .wrongArguments("true", "true"))
        #expect(compileError("if nosuch { stop; }")?.kind == .unknownTest("nosuch"))
        #expect(compileError("if allof(true, bogus :x) { stop; }")?.kind == .unknownTest("bogus"))
    }

    @Test("exists: every named field must be there (§5.5)")
    func exists() throws {
        #expect(try holds("exists [\"From\", \"Date\"]"))
        #expect(try holds("exists \"subject\""))
        #expect(try !holds("exists [\"From\", \"X-Nope\"]"))
        #expect(try holds("not exists [\"From\",\"Date\"]", on: message("From: a@b\n\nx\n")))
        #expect(compileError("if exists \"bad name:\" { stop; }")?.kind == .invalidValue("invalid header name \"bad name:\""))
    }

    @Test("size :over and :under (§5.9)")
    func size() throws {
        let size = messageA.size
        #expect(try holds("size :over \(size - 1)"))
        #expect(try !holds("size :over \(size)"))
        #expect(try holds("size :under \(size + 1)"))
        #expect(try !holds("size :under \(size)"))
        #expect(compileError("if size 100 { stop; }") != nil)
        #expect(compileError("if size :over :under 100 { stop; }")?.kind == .conflictingTags("over", "under"))
        #expect(compileError("if size :over \"100\" { stop; }") != nil)
    }

    @Test("header: RFC 2047 decoded, unfolded, case-insensitive names; :is, :contains, :matches")
    func header() throws {
        let mail = message("""
            Subject: =?utf-8?q?Gr=C3=BC=C3=9Fe?= aus
             Berlin
            X-Two: first
            X-Two: second
            Cc:
            
            body
            """)
        #expect(try holds("header :is \"subject\" \"Grüße aus Berlin\"", on: mail))
        #expect(try holds("header :contains \"SUBJECT\" \"ÜSSE\"", on: mail) == false) // ASCII casemap only
        #expect(try holds("header :contains \"SUBJECT\" \"grüße\"", on: mail))
        #expect(try holds("header :is \"x-two\" \"second\"", on: mail))
        #expect(try holds("header :matches \"x-two\" \"f*t\"", on: mail))
        #expect(try !holds("header :is \"x-none\" \"\"", on: mail))
        #expect(try holds("header :is \"cc\" \"\"", on: mail))
        // §5.7: absent or empty Cc.
        #expect(try !holds("not header :matches \"Cc\" \"?*\"", on: messageA) == false)
        #expect(try holds("not header :matches \"Cc\" \"?*\"", on: mail))
        #expect(try !holds("header :contains [\"x-two\", \"subject\"] [\"nope\", \"zzz\"]", on: mail))
    }

    @Test("Comparators: i;octet is case-sensitive, i;ascii-casemap folds ASCII only (§2.7.3)")
    func comparators() throws {
        #expect(try holds("header :contains :comparator \"i;octet\" \"Subject\" \"present\""))
        #expect(try !holds("header :contains :comparator \"i;octet\" \"Subject\" \"PRESENT\""))
        #expect(try holds("header :contains :comparator \"i;ascii-casemap\" \"Subject\" \"PRESENT\""))
        #expect(try holds("header :contains \"Subject\" \"PRESENT\""))
        #expect(try holds("header :matches :comparator \"i;octet\" \"Subject\" \"I have*\""))
        #expect(try !holds("header :matches :comparator \"i;octet\" \"Subject\" \"i have*\""))
        // The example of §2.7.3: MAKE MONEY FAST with i;octet.
        let shouting = message("Subject: You can MAKE MONEY FAST\n\nx\n")
        let quiet = message("Subject: You can Make Money Fast\n\nx\n")
        let test = "header :contains :comparator \"i;octet\" \"Subject\" \"MAKE MONEY FAST\""
        #expect(try holds(test, on: shouting))
        #expect(try !holds(test, on: quiet))
        #expect(compileError("if header :comparator \"i;nope\" \"a\" \"b\" { stop; }")?.kind == .unknownComparator("i;nope"))
        #expect(compileError("if header :comparator \"i;ascii-numeric\" \"a\" \"b\" { stop; }")?.kind
            == .capabilityNotRequired("comparator \"i;ascii-numeric\"", needed: "comparator-i;ascii-numeric"))
        #expect(compileError("require \"comparator-i;ascii-numeric\";\nif header :contains :comparator \"i;ascii-numeric\" \"a\" \"1\" { stop; }")
            == SieveError(line: 2, .unsupportedMatchType(comparator: "i;ascii-numeric", matchType: "contains")))
        #expect(compileError("if header :is :contains \"a\" \"b\" { stop; }")?.kind == .conflictingTags("is", "contains"))
        #expect(compileError("if header :comparator \"i;octet\" :comparator \"i;octet\" \"a\" \"b\" { stop; }")?.kind
            == .duplicateTag("comparator", of: "header"))
        #expect(compileError("if header :comparator \"a\" { stop; }") != nil)
        #expect(compileError("if header \"a\" :is \"b\" { stop; }")?.kind == .unknownTag("is", of: "header"))
    }

    @Test(":matches: * and ? on characters, backslash escapes (§2.7.1)")
    func wildcards() throws {
        let mail = message("Subject: 100% *real* Grüße?\n\nx\n")
        #expect(try holds("header :matches \"subject\" \"*\"", on: mail))
        #expect(try holds("header :matches \"subject\" \"100% \\\\*real\\\\* *\"", on: mail))
        #expect(try !holds("header :matches \"subject\" \"100% \\\\*rea\\\\* *\"", on: mail))
        #expect(try holds("header :matches \"subject\" \"*Gr??e\\\\?\"", on: mail))
        #expect(try !holds("header :matches \"subject\" \"*Gr???e\\\\?\"", on: mail))
        #expect(try holds("header :matches \"subject\" \"1?0*\"", on: mail))
        #expect(try !holds("header :matches \"subject\" \"100\"", on: mail))
        #expect(try holds("header :matches \"subject\" \"*?*?*\"", on: mail))
        #expect(try holds("header :contains \"subject\" \"\"", on: mail))
        #expect(try holds("header :is \"subject\" \"100% *REAL* grüße?\"", on: mail))
        #expect(try !holds("header :is \"subject\" \"100% *real* GRÜSSE?\"", on: mail))
        // The spam patterns of the §9 example.
        let spam = message("Subject: Make lots of MONEY very fast\n\nx\n")
        #expect(try holds("header :matches \"subject\" [\"*make*money*fast*\", \"*university*dipl*mas*\"]", on: spam))
    }

    @Test("address: :all, :localpart, :domain on parsed address fields (§2.7.4, §5.1)")
    func address() throws {
        let mail = message("""
            From: "Coyote, Wile E." <coyote@Desert.Example.ORG>
            To: friends: roadrunner@acme.example.com, "Tweety" <tweety@cage.example.org>;, bugs@warner.example
            Subject: tests
            
            x
            """)
        #expect(try holds("address :is :all \"from\" \"coyote@desert.example.org\"", on: mail))
        #expect(try holds("address :is \"from\" \"coyote@desert.example.org\"", on: mail))
        #expect(try holds("address :localpart :is \"from\" \"COYOTE\"", on: mail))
        #expect(try holds("address :domain :is \"from\" \"desert.example.org\"", on: mail))
        #expect(try !holds("address :domain :is :comparator \"i;octet\" \"from\" \"desert.example.org\"", on: mail))
        #expect(try holds("address :domain :is \"to\" \"cage.example.org\"", on: mail))
        #expect(try holds("address :localpart :is \"to\" \"bugs\"", on: mail))
        #expect(try !holds("address :localpart :is \"to\" \"friends\"", on: mail))
        #expect(try holds("address :matches :domain \"to\" \"*.example\"", on: mail))
        // Only fields that hold addresses are looked at.
        #expect(try !holds("address :contains \"subject\" \"tests\"", on: mail))
        #expect(try holds("address :is :all \"from\" \"tim@example.com\"", on: message("From: Tim <tim@example.com>\n\n")))
        #expect(compileError("if address :all :domain \"from\" \"x\" { stop; }")?.kind == .conflictingTags("all", "domain"))
        #expect(compileError("if address :user \"from\" \"x\" { stop; }")?.kind
            == .capabilityNotRequired(":user", needed: "subaddress"))
    }

    @Test("envelope: from and to; the null reverse path is the empty string (§5.4)")
    func envelope() throws {
        let ctx = context(from: "tim@example.com", to: "Me+Lists@Example.COM")
        #expect(try holds("envelope :all :is \"from\" \"tim@example.com\"", require: ["envelope"], context: ctx))
        #expect(try holds("envelope :domain :is \"to\" \"example.com\"", require: ["envelope"], context: ctx))
        #expect(try holds("envelope :localpart :is \"to\" \"me+lists\"", require: ["envelope"], context: ctx))
        #expect(try !holds("envelope :is \"from\" \"x@y\"", require: ["envelope"], context: ctx))
        let bounce = context(from: "", to: "me@example.com")
        #expect(try holds("envelope :is \"from\" \"\"", require: ["envelope"], context: bounce))
        #expect(try holds("envelope :domain :is \"from\" \"\"", require: ["envelope"], context: bounce))
        #expect(compileError("if envelope \"from\" \"x\" { stop; }")?.kind
            == .capabilityNotRequired("envelope", needed: "envelope"))
        #expect(compileError("require \"envelope\"; if envelope \"bcc\" \"x\" { stop; }")?.kind
            == .invalidValue("unknown envelope part \"bcc\""))
    }

    @Test("The extended example of RFC 5228 §9")
    func extendedExample() throws {
        let script = """
            #
            # Example Sieve Filter
            # Declare any optional features or extension used by the script
            #
            require ["fileinto"];

            #
            # Handle messages from known mailing lists
            # Move messages from IETF filter discussion list to filter mailbox
            #
            if header :is "Sender" "owner-ietf-mta-filters@imc.org"
                    {
                    fileinto "filter";  # move to "filter" mailbox
                    }
            #
            # Keep all messages to or from people in my company
            #
            elsif address :DOMAIN :is ["From", "To"] "example.com"
                    {
                    keep;               # keep in "In" mailbox
                    }

            #
            # Try and catch unsolicited email.  If a message is not to me,
            # or it contains a subject known to be spam, file it away.
            #
            elsif anyof (NOT address :all :contains
                           ["To", "Cc", "Bcc"] "me@example.com",
                         header :matches "subject"
                           ["*make*money*fast*", "*university*dipl*mas*"])
                    {
                    fileinto "spam";   # move to "spam" mailbox
                    }
            else
                    {
                    # Move all other (non-company) mail to "personal"
                    # mailbox.
                    fileinto "personal";
                    }
            """
        let list = message("Sender: owner-ietf-mta-filters@imc.org\nTo: me@example.com\n\nx\n")
        let colleague = message("From: boss@example.com\nTo: me@example.com\n\nx\n")
        let notToMe = message("From: x@elsewhere.example\nTo: you@example.net\n\nx\n")
        let spam = message("From: x@elsewhere.example\nTo: x@elsewhere.example\nCc: me@example.com\nSubject: make MONEY fast\n\nx\n")
        let personal = message("From: mum@family.example\nCc: me@example.com\nSubject: hi\n\nx\n")
        #expect(try run(script, on: list).actions == [fileInto("filter")])
        #expect(try run(script, on: colleague).actions == implicitKeep)
        #expect(try run(script, on: notToMe).actions == [fileInto("spam")])
        #expect(try run(script, on: spam).actions == [fileInto("spam")])
        #expect(try run(script, on: personal).actions == [fileInto("personal")])
    }
}
