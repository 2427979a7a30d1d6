import Sieve
import Testing

@Suite("vacation (RFC 5230, RFC 6131)")
struct VacationTests {
    static let personal = message("""
        From: Coyote <coyote@desert.example.org>
        To: roadrunner@acme.example.com
        Subject: Dinner?
        Message-ID: <123@desert.example.org>
        References: <100@desert.example.org>

        Come over.
        """)

    func response(_ script: String, on message: SieveMessage = personal, context: SieveContext = context(),
                  host: TestHost = TestHost()) throws -> (VacationResponse?, VacationSkip?) {
        let result = try run("require [\"vacation\", \"vacation-seconds\", \"variables\"];\n" + script,
                             on: message, context: context, host: host)
        #expect(result.error == nil)
        for case .vacation(let response) in result.actions { return (response, nil) }
        return (nil, result.vacationSkipped)
    }

    @Test("All parameters resolved; defaults for subject, period and threading (§4, §5)")
    func resolved() throws {
        let (first, _) = try response("vacation \"I'm away\";")
        let handle = try #require(first?.handle)
        #expect(first == VacationResponse(
            recipient: "coyote@desert.example.org", from: nil, subject: "Auto: Dinner?", reason: "I'm away",
            isMIME: false, handle: handle, period: 7 * 86_400, inReplyTo: "<123@desert.example.org>",
            references: "<100@desert.example.org> <123@desert.example.org>"))
        let full = """
            vacation :days 23 :subject "Gone fishing" :from "Road Runner <rr@acme.example.com>"
                     :addresses ["rr@acme.example.com"] :mime :handle "fish" text:
            Content-Type: text/plain

            Back soon.
            .
            ;
            """
        let (second, _) = try response(full)
        #expect(second?.subject == "Gone fishing")
        #expect(second?.from == "Road Runner <rr@acme.example.com>")
        #expect(second?.period == 23 * 86_400)
        #expect(second?.isMIME == true)
        #expect(second?.handle == "fish")
        #expect(second?.addresses == ["rr@acme.example.com"])
        #expect(second?.reason == "Content-Type: text/plain\r\n\r\nBack soon.\r\n")
        // Without a Subject: a fixed one (§5.3).
        let noSubject = message("From: c@d.example\nTo: roadrunner@acme.example.com\n\nx\n")
        #expect(try response("vacation \"x\";", on: noSubject).0?.subject == "Automated reply")
    }

    @Test("The period is kept within the site's limits (§4.1, RFC 6131)")
    func period() throws {
        #expect(try response("vacation :days 0 \"x\";").0?.period == 86_400)
        #expect(try response("vacation :days 1000 \"x\";").0?.period == 90 * 86_400)
        #expect(try response("vacation :seconds 3600 \"x\";").0?.period == 86_400)
        var limits = SieveLimits()
        limits.vacationMinimumPeriod = 60
        #expect(try response("vacation :seconds 3600 \"x\";", context: context(limits: limits)).0?.period == 3600)
        #expect(compileError("require \"vacation\"; vacation :seconds 10 \"x\";")?.kind
            == .capabilityNotRequired(":seconds", needed: "vacation-seconds"))
        #expect(compileError("require \"vacation-seconds\"; vacation :days 1 :seconds 10 \"x\";")?.kind
            == .conflictingTags("days", "seconds"))
    }

    @Test("Response tracking: same handle for the same unexpanded arguments (§4.2)")
    func handles() throws {
        let a = try response("vacation \"I'm out -- send mail to cyrus-bugs\";").0?.handle
        let b = try response("vacation \"I'm out -- call me at +1 304 555 0123\";").0?.handle
        #expect(a != nil && b != nil && a != b)
        let expanded = "if header :matches \"subject\" \"*\" { vacation :subject \"Automatic response to: ${1}\" \"away\"; }"
        let first = try response(expanded).0
        let other = message("From: c@d.example\nTo: roadrunner@acme.example.com\nSubject: Lunch?\n\nx\n")
        let second = try response(expanded, on: other).0
        #expect(first?.subject == "Automatic response to: Dinner?")
        #expect(second?.subject == "Automatic response to: Lunch?")
        #expect(first?.handle == second?.handle)
        // Counted fields: the same text in another parameter is another response.
        #expect(try response("vacation :subject \"a\" \"b\";").0?.handle != response("vacation :subject \"ab\" \"\";").0?.handle)
        #expect(try response("vacation :handle \"ran-away\" \"I'm out\";").0?.handle == "ran-away")
    }

    @Test("The :days window is asked of the host")
    func alreadyResponded() throws {
        let host = TestHost(responded: ["coyote@desert.example.org"])
        let (answer, skip) = try response("vacation \"x\";", host: host)
        #expect(answer == nil)
        #expect(skip == .alreadyResponded)
    }

    @Test("Only personal messages get a response (§4.5)")
    func personalOnly() throws {
        let bcc = message("From: c@d.example\nTo: list@x.example\n\nx\n")
        #expect(try response("vacation \"x\";", on: bcc).1 == .notPersonal)
        #expect(try response("vacation :addresses \"list@x.example\" \"x\";", on: bcc).0 != nil)
        var ctx = context()
        ctx.userAddresses = ["list@x.example"]
        #expect(try response("vacation \"x\";", on: bcc, context: ctx).0 != nil)
        // The envelope recipient with its detail, or without it, is the user's.
        let detail = message("From: c@d.example\nCc: RoadRunner@ACME.example.com\n\nx\n")
        #expect(try response("vacation \"x\";", on: detail, context: context(to: "roadrunner+x@acme.example.com")).0 != nil)
        let resent = message("From: c@d.example\nResent-To: roadrunner@acme.example.com\n\nx\n")
        #expect(try response("vacation \"x\";", on: resent).0 != nil)
    }

    @Test("Never to automated senders, lists or the user (§4.6)")
    func automated() throws {
        let base = "To: roadrunner@acme.example.com\nSubject: s\n"
        for (header, reason) in [("Auto-Submitted: auto-replied", VacationSkip.automatedMessage("Auto-Submitted: auto-replied")),
                                 ("Precedence: bulk", .automatedMessage("Precedence: bulk")),
                                 ("List-Id: <x.lists.example>", .automatedMessage("List-Id")),
                                 ("List-Unsubscribe: <mailto:u@x>", .automatedMessage("List-Unsubscribe"))] {
            #expect(try response("vacation \"x\";", on: message(base + header + "\n\nx\n")).1 == reason, "\(header)")
        }
        #expect(try response("vacation \"x\";", on: message(base + "Auto-Submitted: no\n\nx\n")).0 != nil)
        for sender in ["", "MAILER-DAEMON@x.example", "owner-list@x.example", "list-request@x.example",
                       "listserv@x.example", "roadrunner@acme.example.com"] {
            let (answer, skip) = try response("vacation \"x\";", context: context(from: sender))
            #expect(answer == nil, "\(sender)")
            #expect(skip != nil, "\(sender)")
        }
        #expect(try response("vacation \"x\";", context: context(from: "postmaster@x.example")).0 != nil)
    }

    @Test("One vacation per run (§4.7); it does not touch the implicit keep")
    func once() throws {
        let result = try run("require \"vacation\"; vacation \"a\";\nvacation \"b\";", on: Self.personal)
        #expect(result.error == SieveRuntimeError(line: 2, .duplicateVacation))
        let kept = try run("require \"vacation\"; vacation \"a\";", on: Self.personal)
        #expect(kept.actions.last == .keep(flags: []))
        #expect(kept.actions.count == 2)
        let filed = try run("require [\"vacation\", \"fileinto\"]; vacation \"a\"; fileinto \"x\";", on: Self.personal)
        #expect(filed.error == nil)
        #expect(compileError("require \"vacation\"; vacation :from \"not an address\" \"x\";")?.kind
            == .invalidAddress("not an address"))
        #expect(compileError("require \"vacation\"; vacation :days \"7\" \"x\";")?.kind == .tagNeedsValue("days", "a number"))
        #expect(compileError("require \"vacation\"; vacation :days 7;") != nil)
        // 8-bit header material in a :mime reason (§5), but 8-bit body text is fine.
        #expect(compileError("require \"vacation\";\nvacation :mime \"Subject: Grüße\r\n\r\nx\";")
            == SieveError(line: 2, .invalidValue("8-bit text in the MIME header of a :mime reason")))
        #expect(compileError("require \"vacation\"; vacation :mime \"Content-Type: text/plain; charset=utf-8\r\n\r\nGrüße\";") == nil)
        #expect(compileError("require \"vacation\"; vacation \"Grüße\";") == nil)
    }

    @Test("The examples of RFC 5230 §4.8 compile and run")
    func rfcExamples() throws {
        let examples = [
            """
            require "vacation";
            if header :contains "subject" "cyrus" {
                vacation "I'm out -- send mail to cyrus-bugs";
            } else {
                vacation "I'm out -- call me at +1 304 555 0123";
            }
            """,
            """
            require ["vacation", "variables"];
            if header :matches "subject" "*" {
                vacation :subject "Automatic response to: ${1}"
                         "I'm away -- send mail to foo in my absence";
            }
            """,
            """
            require "vacation";
            if header :contains "subject" "lunch" {
                vacation :handle "ran-away" "I'm out and can't meet for lunch";
            } else {
                vacation :handle "ran-away" "I'm out";
            }
            """,
            """
            require "vacation";
            vacation :mime text:
            Content-Type: multipart/alternative; boundary=foo

            --foo

            I'm at the beach relaxing.  Mmmm, surf...

            --foo
            Content-Type: text/html; charset=us-ascii

            <!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.0//EN"
             "http://www.w3.org/TR/REC-html40/strict.dtd">
            <HTML><HEAD><TITLE>How to relax</TITLE>
            <BASE HREF="http://home.example.com/pictures/"></HEAD>
            <BODY><P>I'm at the <A HREF="beach.gif">beach</A> relaxing.
            Mmmm, <A HREF="ocean.gif">surf</A>...
            </BODY></HTML>

            --foo--
            .
            ;
            """,
            """
            require "vacation";
            vacation :days 23 :addresses ["tjs@example.edu",
                                          "ts4z@landru.example.edu"]
               "I'm away until October 19.
               If it's an emergency, call 911, I guess." ;
            """,
            """
            require "vacation";
            if header :contains "from" "boss@example.edu" {
                redirect "pleeb@isp.example.org";
            } else {
                vacation "Sorry, I'm away, I'll read your
            message when I get around to it.";
            }
            """,
        ]
        for (index, example) in examples.enumerated() {
            let result = try run(example, on: Self.personal)
            #expect(result.error == nil, "example \(index)")
        }
    }
}
