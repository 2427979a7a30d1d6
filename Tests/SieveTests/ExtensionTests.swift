import MailCore
import Sieve
import Testing

@Suite("Extensions: imap4flags, subaddress, body, relational, date, index, mailbox, copy, reject, environment")
struct ExtensionTests {
    func holds(_ test: String, require: [String], on message: SieveMessage = messageA,
               context: SieveContext = context(), host: TestHost = TestHost()) throws -> Bool {
        let requires = "require [" + require.map { "\"\($0)\"" }.joined(separator: ", ") + "];\n"
        let result = try run(requires + "if \(test) { discard; }", on: message, context: context, host: host)
        #expect(result.error == nil)
        return result.actions == [.discard]
    }

    // MARK: imap4flags (RFC 5232)

    @Test("setflag, addflag, removeflag on the internal variable; keep and implicit keep use it (RFC 5232 §3, §5)")
    func internalFlags() throws {
        let big = message("From: x@y\n\n" + String(repeating: "x", count: 600 * 1024))
        #expect(try run("require \"imap4flags\"; if size :over 500K { setflag \"\\\\Deleted\"; }", on: big).actions
            == [.keep(flags: [.deleted])])
        let script = """
            require "imap4flags";
            addflag "\\\\Deleted";
            addflag ["\\\\answered", "$Label1 \\\\Deleted"];
            removeflag "\\\\DELETED";
            """
        #expect(try run(script).actions == [.keep(flags: [.answered, .keyword("$Label1")])])
        #expect(try run("require \"imap4flags\"; setflag \"A\"; keep; setflag \"B\";").actions
            == [.keep(flags: [.keyword("A")])])
        #expect(try run("require \"imap4flags\"; setflag \"A\"; keep :flags \"C D\";").actions
            == [.keep(flags: [.keyword("C"), .keyword("D")])])
        // Flags that cannot be stored are ignored (RFC 5232 §5): \Recent, unknown system flags, atom-specials.
        #expect(try run("require \"imap4flags\"; setflag [\"\\\\Recent\", \"\\\\Bogus\", \"a(b\", \"ok\", \"\"];").actions
            == [.keep(flags: [.keyword("ok")])])
    }

    @Test("Flags in variables: the examples of RFC 5232 §3")
    func flagVariables() throws {
        let boss = message("From: boss@frobnitzm.example.edu\n\nx\n")
        let script = """
            require ["imap4flags", "variables", "fileinto"];
            if header :contains "from" "boss@frobnitzm.example.edu" {
                setflag "flagvar" "\\\\Flagged";
                fileinto :flags "${flagvar}" "INBOX.From Boss";
            }
            """
        #expect(try run(script, on: boss).actions == [fileInto("INBOX.From Boss", flags: [.flagged])])
        for form in ["addflag \"flagvar\" \"\\\\Deleted\"; addflag \"flagvar\" \"\\\\Answered\";",
                     "addflag \"flagvar\" [\"\\\\Deleted\", \"\\\\Answered\"];",
                     "addflag \"flagvar\" \"\\\\Deleted \\\\Answered\";"] {
            let result = try run("require [\"imap4flags\", \"variables\", \"fileinto\"]; \(form) fileinto :flags \"${flagvar}\" \"x\";")
            #expect(result.actions == [fileInto("x", flags: [.deleted, .answered])], "\(form)")
        }
        let mdn = message("Disposition-Notification-To: mel@example.com\nFrom: imap@cac.washington.example.edu\n\nx\n")
        let remove = """
            require ["imap4flags", "variables", "fileinto"];
            if header :contains "Disposition-Notification-To" "mel@example.com" {
                addflag "flagvar" "$MDNRequired";
            }
            if header :contains "from" "imap@cac.washington.example.edu" {
                removeflag "flagvar" "$MDNRequired";
                fileinto :flags "${flagvar}" "INBOX.imap-list";
            }
            """
        #expect(try run(remove, on: mdn).actions == [fileInto("INBOX.imap-list")])
        #expect(compileError("require \"imap4flags\"; setflag \"v\" \"x\";")?.kind
            == .capabilityNotRequired("a variable name in setflag", needed: "variables"))
        #expect(compileError("setflag \"x\";")?.kind == .capabilityNotRequired("setflag", needed: "imap4flags"))
        #expect(compileError("require \"fileinto\"; fileinto :flags \"x\" \"y\";")?.kind
            == .capabilityNotRequired(":flags", needed: "imap4flags"))
    }

    @Test("hasflag: the examples of RFC 5232 §4")
    func hasflag() throws {
        let flags = ["imap4flags", "variables"]
        #expect(try holds("hasflag :is \"b A\"", require: flags + [], on: messageA) == false)
        #expect(try run("require \"imap4flags\"; setflag \"A B\"; if hasflag :is \"b A\" { discard; }").actions.contains(.discard))
        #expect(try run("require \"imap4flags\"; setflag \"A B\"; if hasflag [\"b\",\"A\"] { discard; }").actions.contains(.discard))
        let myVar = "set \"MyVar\" \"NonJunk Junk gnus-forward $Forwarded NotJunk JunkRecorded $Junk $NotJunk\";"
        for (test, expected) in [("hasflag :contains \"MyVar\" \"Junk\"", true),
                                 ("hasflag :contains \"MyVar\" \"forward\"", true),
                                 ("hasflag :contains \"MyVar\" [\"label\", \"forward\"]", true),
                                 ("hasflag :contains \"MyVar\" [\"junk\", \"forward\"]", true),
                                 ("hasflag :contains \"MyVar\" \"junk forward\"", true),
                                 ("hasflag :contains \"MyVar\" \"label\"", false),
                                 ("hasflag :contains \"MyVar\" [\"label1\", \"label2\"]", false)] {
            let result = try run("require [\"imap4flags\", \"variables\"]; \(myVar) if \(test) { discard; }")
            #expect(result.actions.contains(.discard) == expected, "\(test)")
        }
        let count = """
            require ["imap4flags", "variables", "relational", "comparator-i;ascii-numeric"];
            set "MyFlags" "A B";
            if hasflag :count "ge" :comparator "i;ascii-numeric" "MyFlags" "2" { discard; }
            """
        #expect(try run(count).actions == [.discard])
    }

    @Test("The extended example of RFC 5232 §9 (with its errata: 'anyof (...)', 'removeflag')")
    func flagsExtendedExample() throws {
        let script = """
            require ["fileinto", "imap4flags", "variables"];
            if size :over 1M {
                addflag "MyFlags" "Big";
                if header :is "From" "boss@company.example.com" {
                    addflag "MyFlags" "\\\\Flagged";
                }
                fileinto :flags "${MyFlags}" "Big messages";
            }
            if header :is "From" "grandma@example.net" {
                addflag "MyFlags" ["\\\\Answered", "$MDNSent"];
                fileinto :flags "${MyFlags}" "GrandMa";
            }
            if header :is "Sender" "owner-ietf-mta-filters@example.org" {
                set "MyFlags" "\\\\Flagged $Work";
                keep :flags "${MyFlags}";
            }
            elsif anyof (address :domain :is ["From", "To"] "company.example.com") {
                keep :flags "${MyFlags}";
            }
            elsif anyof (not address :all :contains ["To", "Cc"] "me@company.example.com",
                         header :matches "subject" ["*make*money*fast*", "*university*dipl*mas*"]) {
                removeflag "MyFlags" "\\\\Flagged";
                fileinto :flags "${MyFlags}" "spam";
            }
            else {
                fileinto :flags "${MyFlags}" "personal";
            }
            """
        let body = String(repeating: "x", count: (1 << 20) + 10)
        let bigBoss = message("From: boss@company.example.com\nTo: me@company.example.com\n\n" + body)
        #expect(try run(script, on: bigBoss).actions
            == [fileInto("Big messages", flags: [.keyword("Big"), .flagged]), .keep(flags: [.keyword("Big"), .flagged])])
        let grandma = message("From: grandma@example.net\nTo: me@company.example.com\n\nhi\n")
        // To a colleague: kept too, with grandma's flags.
        #expect(try run(script, on: grandma).actions
            == [fileInto("GrandMa", flags: [.answered, .keyword("$MDNSent")]),
                .keep(flags: [.answered, .keyword("$MDNSent")])])
        let outside = message("From: someone@example.net\nTo: me@company.example.com\nCc: x@elsewhere.example\n\nhi\n")
        #expect(try run(script, on: outside).actions == [.keep(flags: [])])
        let spam = message("From: someone@example.net\nTo: me@home.example\nSubject: make money fast\n\nhi\n")
        #expect(try run(script, on: spam).actions == [fileInto("spam")])
        let list = message("Sender: owner-ietf-mta-filters@example.org\n\nx\n")
        #expect(try run(script, on: list).actions == [.keep(flags: [.flagged, .keyword("$Work")])])
    }

    // MARK: subaddress (RFC 5233)

    @Test(":user and :detail, the example of RFC 5233 §4")
    func subaddress() throws {
        let script = """
            require ["envelope", "subaddress", "fileinto"];
            if envelope :user "to" "postmaster" {
                fileinto "inbox.postmaster";
                stop;
            }
            if envelope :detail "to" "mta-filters" {
                fileinto "inbox.ietf-mta-filters";
            }
            if envelope :detail "to" "foo" {
                redirect "ken@example.net";
            }
            """
        #expect(try run(script, context: context(to: "postmaster+x@example.com")).actions == [fileInto("inbox.postmaster")])
        #expect(try run(script, context: context(to: "ken+mta-filters@example.com")).actions
            == [fileInto("inbox.ietf-mta-filters")])
        #expect(try run(script, context: context(to: "ken+foo@example.com")).actions
            == [.redirect(address: "ken@example.net", copy: false)])
        #expect(try run(script, context: context(to: "ken@example.com")).actions == implicitKeep)
        let sub = ["subaddress"]
        let mail = message("To: ken+@example.com, other@example.com\n\nx\n")
        #expect(try holds("address :detail \"to\" \"\"", require: sub, on: mail))
        #expect(try holds("address :user \"to\" \"other\"", require: sub, on: mail))
        #expect(try !holds("address :detail :matches \"to\" \"?*\"", require: sub, on: mail))
        #expect(try holds("address :detail :count \"eq\" \"to\" \"1\"", require: sub + ["relational"], on: mail))
        var limits = SieveLimits()
        limits.subaddressSeparator = "--"
        #expect(try holds("envelope :detail \"to\" \"list\"", require: sub + ["envelope"],
                          context: context(to: "ken--list@example.com", limits: limits)))
    }

    // MARK: body (RFC 5173)

    static let mimeExample = message("""
        From: Whomever
        To: Someone
        Date: Whenever
        Subject: whatever
        MIME-Version: 1.0
        Content-Type: multipart/mixed; boundary=outer

        This is a multi-part message in MIME format.

        --outer
        Content-Type: multipart/alternative; boundary=inner

        This is a nested multi-part message in MIME format.

        --inner
        Content-Type: text/plain; charset="us-ascii"

        Hello

        --inner
        Content-Type: text/html; charset="us-ascii"

        <html><body>Hello</body></html>

        --inner--

        This is the end of the inner MIME multipart.

        --outer
        Content-Type: message/rfc822

        From: Someone Else
        Subject: hello request

        Please say Hello

        --outer--

        This is the end of the outer MIME multipart.
        """)

    @Test("body :content, the example of RFC 5173 §5.2")
    func bodyContent() throws {
        let body = ["body"]
        let mail = Self.mimeExample
        #expect(try holds("body :content \"multipart\" :contains \"MIME\"", require: body, on: mail))
        #expect(try holds("body :content \"multipart\" :contains \"end of the inner\"", require: body, on: mail))
        #expect(try !holds("body :content \"multipart\" :contains \"Hello\"", require: body, on: mail))
        #expect(try holds("body :content \"text/plain\" :contains \"Hello\"", require: body, on: mail))
        #expect(try !holds("body :content \"text/plain\" :contains \"html\"", require: body, on: mail))
        #expect(try holds("body :content \"text/html\" :contains \"<body>Hello\"", require: body, on: mail))
        #expect(try holds("body :content \"text\" :contains \"html\"", require: body, on: mail))
        #expect(try holds("body :content \"message/rfc822\" :contains \"hello request\"", require: body, on: mail))
        #expect(try !holds("body :content \"message/rfc822\" :contains \"Please\"", require: body, on: mail))
        #expect(try holds("body :content \"text\" :contains \"Please say\"", require: body, on: mail))
        #expect(try !holds("body :content \"text/\" :contains \"Hello\"", require: body, on: mail))
        #expect(try !holds("body :content \"text/plain/x\" :contains \"Hello\"", require: body, on: mail))
        #expect(try holds("body :content \"\" :contains \"Please\"", require: body, on: mail))
        #expect(try holds("body :content \"image\" :count \"eq\" \"0\"", require: body + ["relational"], on: mail))
    }

    @Test("body :raw sees transfer encodings and MIME headers; :text decodes (RFC 5173 §5.1, §5.3)")
    func bodyRawAndText() throws {
        let encoded = message("""
            Subject: x
            MIME-Version: 1.0
            Content-Type: multipart/mixed; boundary=b

            --b
            Content-Type: text/plain; charset=utf-8
            Content-Transfer-Encoding: base64

            TUFLRSBNT05FWSBGQVNUIC0gR3LDvMOfZQ==
            --b
            Content-Type: application/octet-stream

            MAKE NO MONEY
            --b--
            """)
        let body = ["body"]
        #expect(try !holds("body :raw :contains \"MAKE MONEY FAST\"", require: body, on: encoded))
        #expect(try holds("body :raw :contains \"TUFLRSBNT05FWSBGQVNU\"", require: body, on: encoded))
        #expect(try holds("body :raw :contains \"application/octet-stream\"", require: body, on: encoded))
        #expect(try holds("body :contains \"MAKE MONEY FAST - Grüße\"", require: body, on: encoded))
        #expect(try holds("body :text :contains \"make money fast\"", require: body, on: encoded))
        #expect(try !holds("body :text :contains \"NO MONEY\"", require: body, on: encoded))
        #expect(try holds("body :content \"application\" :contains \"NO MONEY\"", require: body, on: encoded))
        // A message with no empty line after its header has no body: every body test fails.
        let headerOnly = SieveMessage(Array("Subject: x\r\n".utf8))
        #expect(try !holds("body :raw :matches \"*\"", require: body, on: headerOnly))
        #expect(try holds("body :raw :is \"\"", require: body, on: SieveMessage(Array("Subject: x\r\n\r\n".utf8))))
        #expect(compileError("require \"body\"; if body :raw :text \"x\" { stop; }")?.kind == .conflictingTags("raw", "text"))
        #expect(compileError("if body \"x\" { stop; }")?.kind == .capabilityNotRequired("body", needed: "body"))
        #expect(compileError("require \"body\"; if body :content \"x\" { stop; }")?.kind
            == .wrongArguments("body", "body [COMPARATOR] [MATCH-TYPE] [BODY-TRANSFORM] <key-list>"))
    }

    // MARK: relational (RFC 5231)

    @Test(":value and :count with i;ascii-numeric and the other comparators (RFC 5231 §4)")
    func relational() throws {
        let rel = ["relational", "comparator-i;ascii-numeric"]
        let mail = message("""
            Received: from a
            Received: from b
            Received: from c
            X-Priority: 3
            X-Spam-Score: 12
            To: a@x.example, b@x.example
            Cc: c@x.example
            Subject: m

            x
            """)
        #expect(try holds("header :count \"ge\" :comparator \"i;ascii-numeric\" \"received\" \"3\"", require: rel, on: mail))
        #expect(try !holds("header :count \"gt\" :comparator \"i;ascii-numeric\" \"received\" \"3\"", require: rel, on: mail))
        #expect(try holds("address :count \"eq\" :comparator \"i;ascii-numeric\" [\"to\", \"cc\"] \"3\"", require: rel, on: mail))
        #expect(try holds("header :value \"lt\" :comparator \"i;ascii-numeric\" \"x-priority\" \"4\"", require: rel, on: mail))
        #expect(try holds("header :value \"gt\" :comparator \"i;ascii-numeric\" \"x-spam-score\" \"9\"", require: rel, on: mail))
        // Compared as strings, "12" sorts before "9".
        #expect(try !holds("header :value \"gt\" \"x-spam-score\" \"9\"", require: rel, on: mail))
        #expect(try holds("header :value \"ge\" \"subject\" \"M\"", require: rel, on: mail))
        #expect(try !holds("header :value \"ge\" :comparator \"i;octet\" \"subject\" \"M\"", require: rel, on: mail) == false)
        #expect(try holds("header :value \"ne\" \"subject\" \"n\"", require: rel, on: mail))
        #expect(try holds("header :value \"le\" \"subject\" \"m\"", require: rel, on: mail))
        // i;ascii-numeric: a string that does not start with a digit is positive infinity.
        #expect(try holds("header :value \"gt\" :comparator \"i;ascii-numeric\" \"subject\" \"99999999999999999999999\"",
                          require: rel, on: mail))
        #expect(try holds("header :value \"eq\" :comparator \"i;ascii-numeric\" \"subject\" \"x\"", require: rel, on: mail))
        #expect(try holds("header :value \"eq\" :comparator \"i;ascii-numeric\" \"x-priority\" \"003\"", require: rel, on: mail))
        #expect(try holds("header :count \"eq\" \"x-none\" \"0\"", require: rel, on: mail))
        #expect(compileError("require \"relational\"; if header :value \"bigger\" \"a\" \"b\" { stop; }")?.kind
            == .unknownRelation("bigger"))
        #expect(compileError("if header :count \"eq\" \"a\" \"b\" { stop; }")?.kind
            == .capabilityNotRequired(":count", needed: "relational"))
        #expect(compileError("require \"relational\"; if header :count \"eq\" :contains \"a\" \"b\" { stop; }")?.kind
            == .conflictingTags("count", "contains"))
    }

    // MARK: date and index (RFC 5260)

    @Test("date: the examples of RFC 5260 §4.4, zones and date parts")
    func date() throws {
        let dated = message("""
            From: boss@example.com
            Date: Sat, 14 Mar 2026 10:30:00 -0500
            Received: from mx by here; Sun, 15 Mar 2026 01:02:03 +0000
            Received: from a by mx; Sat, 14 Mar 2026 23:59:59 +0000

            x
            """)
        let urgent = """
            require ["date", "relational", "fileinto"];
            if allof(header :is "from" "boss@example.com",
                     date :value "ge" :originalzone "date" "hour" "09",
                     date :value "lt" :originalzone "date" "hour" "17")
            { fileinto "urgent"; }
            """
        #expect(try run(urgent, on: dated).actions == [fileInto("urgent")])
        let weekend = """
            require ["date", "relational", "fileinto"];
            if anyof(date :is "received" "weekday" "0",
                     date :is "received" "weekday" "6")
            { fileinto "weekend"; }
            """
        #expect(try run(weekend, on: dated).actions == [fileInto("weekend")])
        let date = ["date"]
        // The local zone is the zone of the current date (+0100 here).
        #expect(try holds("date :is \"date\" \"hour\" \"16\"", require: date, on: dated))
        #expect(try holds("date :is :zone \"+0000\" \"date\" \"time\" \"15:30:00\"", require: date, on: dated))
        #expect(try holds("date :is :originalzone \"date\" \"zone\" \"-0500\"", require: date, on: dated))
        #expect(try holds("date :is \"date\" \"zone\" \"+0100\"", require: date, on: dated))
        #expect(try holds("date :is :zone \"+0000\" \"date\" \"iso8601\" \"2026-03-14T15:30:00Z\"", require: date, on: dated))
        #expect(try holds("date :is :zone \"-0330\" \"date\" \"iso8601\" \"2026-03-14T12:00:00-03:30\"", require: date, on: dated))
        #expect(try holds("date :is :originalzone \"date\" \"std11\" \"Sat, 14 Mar 2026 10:30:00 -0500\"", require: date, on: dated))
        #expect(try holds("date :is :originalzone \"date\" \"date\" \"2026-03-14\"", require: date, on: dated))
        #expect(try holds("date :is :originalzone \"date\" \"julian\" \"61113\"", require: date, on: dated))
        #expect(try holds("date :is :originalzone \"date\" \"month\" \"03\"", require: date, on: dated))
        #expect(try holds("date :is :originalzone \"date\" \"day\" \"14\"", require: date, on: dated))
        #expect(try holds("date :is :originalzone \"date\" \"minute\" \"30\"", require: date, on: dated))
        #expect(try holds("date :is :originalzone \"date\" \"second\" \"00\"", require: date, on: dated))
        #expect(try !holds("date :matches \"x-missing\" \"year\" \"*\"", require: date, on: dated))
        #expect(try !holds("date :matches \"from\" \"year\" \"*\"", require: date, on: dated))
        #expect(compileError("require \"date\"; if date \"date\" \"era\" \"x\" { stop; }")?.kind
            == .invalidValue("unknown date part \"era\""))
        #expect(compileError("require \"date\"; if date :zone \"CET\" \"date\" \"year\" \"x\" { stop; }") != nil)
        #expect(compileError("require \"date\"; if currentdate :originalzone \"year\" \"x\" { stop; }")?.kind
            == .unknownTag("originalzone", of: "currentdate"))
    }

    @Test(":index and :last count fields across the named headers (RFC 5260 §6)")
    func index() throws {
        let dated = message("""
            Received: from mx by here; Sun, 15 Mar 2026 01:02:03 +0000
            Received: from a by mx; Sat, 14 Mar 2026 23:59:59 +0000
            To: first@example.com
            Cc: second@example.com, third@example.com
            X-A: 1
            X-B: 2
            X-A: 3

            x
            """)
        let index = ["date", "index"]
        #expect(try holds("date :index 1 :last :zone \"+0000\" \"received\" \"weekday\" \"6\"", require: index, on: dated))
        #expect(try holds("date :index 1 :zone \"+0000\" \"received\" \"weekday\" \"0\"", require: index, on: dated))
        #expect(try !holds("date :index 3 \"received\" \"year\" \"2026\"", require: index, on: dated))
        #expect(try holds("header :index 2 [\"x-a\", \"x-b\"] \"3\"", require: index, on: dated))
        #expect(try holds("header :index 3 [\"x-a\", \"x-b\"] \"2\"", require: index, on: dated))
        #expect(try holds("header :index 1 :last [\"x-b\", \"x-a\"] \"3\"", require: index, on: dated))
        #expect(try holds("address :index 2 [\"to\", \"cc\"] \"third@example.com\"", require: index, on: dated))
        #expect(try !holds("address :index 1 [\"to\", \"cc\"] \"third@example.com\"", require: index, on: dated))
        #expect(compileError("require \"index\"; if header :last \"a\" \"b\" { stop; }")?.kind
            == .invalidValue(":last needs :index"))
        #expect(compileError("require \"index\"; if header :index 0 \"a\" \"b\" { stop; }")?.kind
            == .invalidValue(":index must be at least 1"))
        #expect(compileError("if header :index 1 \"a\" \"b\" { stop; }")?.kind == .capabilityNotRequired(":index", needed: "index"))
    }

    @Test("currentdate: the examples of RFC 5260 §5.1 at a fixed time")
    func currentDate() throws {
        // testNow is Saturday 2026-03-14 15:09:26 +0100.
        let pager = """
            require ["date", "relational"];
            if anyof(currentdate :is "weekday" "0",
                     currentdate :is "weekday" "6",
                     currentdate :value "lt" "hour" "09",
                     currentdate :value "ge" "hour" "17")
            { redirect "pager@example.com"; }
            """
        #expect(try run(pager).actions == [.redirect(address: "pager@example.com", copy: false)])
        let folder = """
            require ["date", "variables", "fileinto"];
            if currentdate :matches "month" "*" { set "month" "${1}"; }
            if currentdate :matches "year"  "*" { set "year"  "${1}"; }
            fileinto "${month}-${year}";
            """
        #expect(try run(folder).actions == [fileInto("03-2026")])
        let date = ["date", "relational"]
        #expect(try holds("currentdate :is \"std11\" \"Sat, 14 Mar 2026 15:09:26 +0100\"", require: date))
        #expect(try holds("currentdate :zone \"-1000\" :is \"date\" \"2026-03-14\"", require: date))
        #expect(try holds("currentdate :zone \"+1000\" :is \"time\" \"00:09:26\"", require: date))
        #expect(try holds("currentdate :count \"eq\" \"year\" \"1\"", require: date))
        #expect(try holds("allof(currentdate :value \"ge\" \"date\" \"2026-03-01\", currentdate :value \"le\" \"date\" \"2026-03-31\")",
                          require: date))
    }

    // MARK: mailbox (RFC 5490), copy (RFC 3894)

    @Test("mailboxexists and fileinto :create (RFC 5490 §3)")
    func mailbox() throws {
        let host = TestHost(mailboxes: ["INBOX", "Lists/ietf"])
        #expect(try holds("mailboxexists \"Lists/ietf\"", require: ["mailbox"], host: host))
        #expect(try holds("mailboxexists [\"INBOX\", \"Lists/ietf\"]", require: ["mailbox"], host: host))
        #expect(try !holds("mailboxexists [\"INBOX\", \"Nope\"]", require: ["mailbox"], host: host))
        let script = """
            require ["fileinto", "mailbox"];
            if mailboxexists "Lists/ietf" { fileinto "Lists/ietf"; } else { fileinto :create "Lists/new"; }
            """
        #expect(try run(script, host: host).actions == [fileInto("Lists/ietf")])
        #expect(try run(script).actions == [fileInto("Lists/new", create: true)])
        #expect(compileError("require \"fileinto\"; fileinto :create \"x\";")?.kind == .capabilityNotRequired(":create", needed: "mailbox"))
    }

    @Test("The example of RFC 5490 §3.1")
    func mailboxExample() throws {
        let script = """
            require ["fileinto", "reject", "mailbox"];
            if mailboxexists "Partners" {
               fileinto "Partners";
            } else {
               reject "This message was not accepted by the Mailstore";
            }
            """
        #expect(try run(script, host: TestHost(mailboxes: ["Partners"])).actions == [fileInto("Partners")])
        #expect(try run(script).actions == [.reject(reason: "This message was not accepted by the Mailstore")])
    }

    @Test(":copy keeps the implicit keep (RFC 3894 §3)")
    func copy() throws {
        #expect(try run("require [\"copy\", \"fileinto\"];\nfileinto :copy \"incoming\";\n\n# ... more processing follows ...\n")
            .actions == [fileInto("incoming", copy: true), .keep(flags: [])])
        #expect(try run("require [\"copy\", \"fileinto\"]; fileinto :copy \"A\";").actions
            == [fileInto("A", copy: true), .keep(flags: [])])
        #expect(try run("require \"copy\"; redirect :copy \"a@b.example\";").actions
            == [.redirect(address: "a@b.example", copy: true), .keep(flags: [])])
        #expect(try run("require [\"copy\", \"fileinto\"]; fileinto :copy \"A\"; fileinto \"A\";").actions
            == [fileInto("A")])
        #expect(try run("require [\"copy\", \"fileinto\"]; fileinto :copy \"A\"; discard;").actions == [fileInto("A", copy: true)])
    }

    // MARK: reject and ereject (RFC 5429)

    @Test("reject and ereject cancel the implicit keep and exclude vacation (RFC 5429 §2.4)")
    func reject() throws {
        let script = """
            require ["reject"];
            if header :contains "from" "coyote@desert.example.org" {
                reject text:
            I am not taking mail from you, and I don't
            want your birdseed, either!
            .
            ;
            }
            """
        #expect(try run(script).actions
            == [.reject(reason: "I am not taking mail from you, and I don't\r\nwant your birdseed, either!\r\n")])
        #expect(try run("require \"ereject\"; ereject \"spam\";").actions == [.ereject(reason: "spam")])
        #expect(try run("require [\"reject\", \"vacation\"]; reject \"no\";\nvacation \"away\";").error
            == SieveRuntimeError(line: 2, .incompatibleActions("reject", "vacation")))
        #expect(compileError("reject \"x\";")?.kind == .capabilityNotRequired("reject", needed: "reject"))
        #expect(compileError("require \"reject\"; reject;") != nil)
    }

    // MARK: environment (RFC 5183)

    @Test("environment items given by the caller (RFC 5183 §4)")
    func environment() throws {
        let ctx = context(environment: ["Domain": "example.net", "remote-ip": "192.0.2.7", "version": "1.0"])
        let env = ["environment"]
        #expect(try holds("environment :is \"domain\" \"example.net\"", require: env, context: ctx))
        #expect(try holds("environment :matches \"remote-ip\" \"192.0.2.*\"", require: env, context: ctx))
        #expect(try holds("environment :is \"name\" \"Tern\"", require: env, context: ctx))
        #expect(try holds("environment :is \"phase\" \"during\"", require: env, context: ctx))
        #expect(try !holds("environment :matches \"location\" \"*\"", require: env, context: ctx))
        #expect(try holds("environment :count \"eq\" \"location\" \"0\"", require: env + ["relational"], context: ctx))
        // §4: ':contains "item" ""' tells whether the item is known.
        let known = context(environment: ["location": "", "remote-host": "mx.example.com"])
        #expect(try holds("environment :contains \"location\" \"\"", require: env, context: known))
        #expect(try !holds("environment :contains \"vnd.nothing\" \"\"", require: env, context: known))
        #expect(try holds("environment :count \"eq\" \"location\" \"0\"", require: env + ["relational"], context: known))
        #expect(try holds("environment :count \"eq\" \"remote-host\" \"1\"", require: env + ["relational"], context: known))
        #expect(try holds("environment :matches \"remote-host\" \"*.example.com\"", require: env, context: known))
        #expect(compileError("if environment \"domain\" \"x\" { stop; }")?.kind
            == .capabilityNotRequired("environment", needed: "environment"))
    }
}
