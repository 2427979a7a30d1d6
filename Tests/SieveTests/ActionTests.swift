import MailCore
import Sieve
import Testing

@Suite("Actions and the rules of RFC 5228 §2.10, §3, §4")
struct ActionTests {
    @Test("An empty script keeps the message (implicit keep, §2.10.2)")
    func implicitKeepOnly() throws {
        #expect(try run("").actions == implicitKeep)
        #expect(try run("# nothing but a comment\n").actions == implicitKeep)
    }

    @Test("keep, discard, fileinto and redirect; discard with keep keeps (§4.3)")
    func basicActions() throws {
        #expect(try run("keep;").actions == implicitKeep)
        #expect(try run("discard;").actions == [.discard])
        #expect(try run("require \"fileinto\"; fileinto \"Archive\";").actions == [fileInto("Archive")])
        #expect(try run("redirect \"bart@example.com\";").actions == [.redirect(address: "bart@example.com", copy: false)])
        #expect(try run("discard; keep;").actions == implicitKeep)
        #expect(try run("keep; discard;").actions == implicitKeep)
        #expect(try run("require \"fileinto\"; fileinto \"A\"; discard;").actions == [fileInto("A")])
    }

    @Test("stop ends the script; the implicit keep still applies (§3.3)")
    func stop() throws {
        #expect(try run("stop; discard;").actions == implicitKeep)
        #expect(try run("discard; stop; keep;").actions == [.discard])
        #expect(try run("if true { stop; } discard;").actions == implicitKeep)
    }

    @Test("if, elsif, else: exactly one block runs (§3.1, the examples with messages A and B)")
    func ifElsifElse() throws {
        let dropBoth = """
            require "fileinto";
            if header :contains "from" "coyote" {
               discard;
            } elsif header :contains ["subject"] ["$$$"] {
               discard;
            } else {
               fileinto "INBOX";
            }
            """
        #expect(try run(dropBoth, on: messageA).actions == [.discard])
        #expect(try run(dropBoth, on: messageB).actions == [.discard])
        #expect(try run(dropBoth, on: message("Subject: hello\n\nhi\n")).actions == [fileInto("INBOX")])
        let redirects = """
            if header :contains ["From"] ["coyote"] {
               redirect "acm@example.com";
            } elsif header :contains "Subject" "$$$" {
               redirect "postmaster@example.com";
            } else {
               redirect "field@example.com";
            }
            """
        #expect(try run(redirects, on: messageA).actions == [.redirect(address: "acm@example.com", copy: false)])
        #expect(try run(redirects, on: messageB).actions == [.redirect(address: "postmaster@example.com", copy: false)])
        #expect(try run(redirects, on: message("Subject: x\n\n")).actions
            == [.redirect(address: "field@example.com", copy: false)])
    }

    @Test("elsif and else must follow if; require must come first (§3.1, §3.2)")
    func placement() {
        #expect(compileError("keep;\nelse { stop; }") == SieveError(line: 2, .misplacedCommand("else", "must follow \"if\" or \"elsif\"")))
        #expect(compileError("elsif true { stop; }")?.line == 1)
        #expect(compileError("if true { stop; }\nkeep;\nelse { stop; }")?.line == 3)
        #expect(compileError("keep;\nrequire \"fileinto\";") == SieveError(line: 2, .requireNotAtStart))
        #expect(compileError("if true { require \"fileinto\"; }")?.kind == .requireNotAtStart)
        #expect(compileError("require \"fileinto\";\nrequire \"envelope\";\nkeep;") == nil)
        #expect(compileError("if true;")?.kind == .misplacedCommand("if", "needs a block"))
        #expect(compileError("keep { stop; }")?.kind == .misplacedCommand("keep", "takes no block"))
    }

    @Test("Duplicate actions are collapsed (§2.10.3), flags merged")
    func duplicates() throws {
        #expect(try run("require \"fileinto\"; fileinto \"A\"; fileinto \"A\"; fileinto \"B\"; fileinto \"A\";").actions
            == [fileInto("A"), fileInto("B")])
        #expect(try run("redirect \"a@example.com\"; redirect \"A@example.com\";").actions
            == [.redirect(address: "a@example.com", copy: false)])
        #expect(try run("keep; keep;").actions == implicitKeep)
        let flagged = """
            require ["fileinto", "imap4flags"];
            fileinto :flags "\\\\Seen" "A";
            fileinto :flags ["\\\\Flagged", "\\\\Seen"] "A";
            """
        #expect(try run(flagged).actions == [fileInto("A", flags: [.seen, .flagged])])
    }

    @Test("Incompatible actions are a runtime error that keeps the message (§2.10.1, RFC 5429 §2.4)")
    func incompatible() throws {
        let result = try run("require [\"reject\", \"fileinto\"];\nfileinto \"A\";\nreject \"no\";")
        #expect(result.actions == implicitKeep)
        #expect(result.error == SieveRuntimeError(line: 3, .incompatibleActions("fileinto", "reject")))
        #expect(try run("require \"reject\"; reject \"no\"; keep;").error?.kind == .incompatibleActions("reject", "keep"))
        #expect(try run("require \"reject\"; redirect \"a@b.c\"; reject \"no\";").error?.kind
            == .incompatibleActions("redirect", "reject"))
        #expect(try run("require \"reject\"; reject \"a\"; reject \"b\";").error?.kind == .duplicateReject)
        #expect(try run("require [\"reject\", \"ereject\"]; reject \"a\"; ereject \"b\";").error?.kind == .duplicateReject)
        #expect(try run("require \"reject\"; reject \"no\"; discard;").actions == [.reject(reason: "no")])
    }

    @Test("Runtime limits: actions and redirects; the error falls back to keep")
    func runtimeLimits() throws {
        var limits = SieveLimits()
        limits.maximumRedirects = 2
        let two = "redirect \"a@x.example\"; redirect \"b@x.example\";"
        #expect(try run(two, context: context(limits: limits)).error == nil)
        let three = try run(two + "\nredirect \"c@x.example\";", context: context(limits: limits))
        #expect(three.error == SieveRuntimeError(line: 2, .tooManyRedirects(limit: 2)))
        #expect(three.actions == implicitKeep)

        limits = SieveLimits()
        limits.maximumActions = 3
        let script = "require \"fileinto\"; fileinto \"a\"; fileinto \"b\"; fileinto \"c\"; fileinto \"a\";"
        #expect(try run(script, context: context(limits: limits)).error == nil)
        #expect(try run(script + " fileinto \"d\";", context: context(limits: limits)).error?.kind == .tooManyActions(limit: 3))
    }

    @Test("The step budget bounds a run")
    func stepBudget() throws {
        var limits = SieveLimits()
        limits.maximumSteps = 50
        let script = String(repeating: "if header :contains \"subject\" \"zzz\" { stop; }\n", count: 40)
        let result = try run(script, context: context(limits: limits))
        #expect(result.error?.kind == .stepBudgetExhausted(limit: 50))
        #expect(result.actions == implicitKeep)
        // A pathological wildcard pattern on a long value runs out too, rather than running long.
        let long = message("Subject: " + String(repeating: "a", count: 5000) + "\n\n")
        let pattern = "if header :matches \"subject\" \"*" + String(repeating: "a", count: 100) + "b\" { stop; }"
        limits.maximumSteps = 100_000
        #expect(try run(pattern, on: long, context: context(limits: limits)).error?.kind
            == .stepBudgetExhausted(limit: 100_000))
    }

    @Test("redirect needs a valid address: at compile time when constant, at run time otherwise (§4.2)")
    func redirectAddress() throws {
        #expect(compileError("redirect \"not an address\";")?.kind == .invalidAddress("not an address"))
        #expect(compileError("redirect \"Joe <joe@example.com>\";")?.kind == .invalidAddress("Joe <joe@example.com>"))
        #expect(compileError("\nredirect \"@example.com\";")?.line == 2)
        #expect(try run("redirect \"<joe@example.com>\";").actions == [.redirect(address: "joe@example.com", copy: false)])
        let result = try run("require \"variables\"; set \"a\" \"nobody\";\nredirect \"${a}\";")
        #expect(result.error == SieveRuntimeError(line: 2, .invalidAddress("nobody")))
    }

    @Test("fileinto and keep need their arguments; fileinto needs require")
    func argumentChecks() {
        #expect(compileError("fileinto \"A\";")?.kind == .capabilityNotRequired("fileinto", needed: "fileinto"))
        #expect(compileError("require \"fileinto\"; fileinto;")?.kind
            == .wrongArguments("fileinto", "fileinto [:copy] [:create] [:flags <list>] <mailbox: string>"))
        #expect(compileError("require \"fileinto\"; fileinto [\"a\", \"b\"];") != nil)
        #expect(compileError("require \"fileinto\"; fileinto \"\";") != nil)
        #expect(compileError("keep \"x\";")?.kind == .wrongArguments("keep", "keep [:flags <list-of-flags>]"))
        #expect(compileError("stop 1;")?.kind == .wrongArguments("stop", "stop"))
        #expect(compileError("discard :copy;")?.kind == .wrongArguments("discard", "discard"))
        #expect(compileError("redirect :copy \"a@b.c\";")?.kind == .capabilityNotRequired(":copy", needed: "copy"))
        #expect(compileError("require \"fileinto\"; fileinto \"a\" :copy;")?.kind == .unknownTag("copy", of: "fileinto"))
        #expect(compileError("require \"copy\"; redirect :copy :copy \"a@b.c\";")?.kind == .duplicateTag("copy", of: "redirect"))
        #expect(compileError("foo;")?.kind == .unknownCommand("foo"))
        #expect(compileError("require \"nosuch\";")?.kind == .unknownCapability("nosuch"))
        #expect(compileError("require \"comparator-i;unicode-casemap\";")?.kind
            == .unknownCapability("comparator-i;unicode-casemap"))
    }

    @Test("A server can disable extensions: require then fails")
    func disabledExtension() {
        #expect(throws: SieveError(line: 1, .unknownCapability("vacation"))) {
            try SieveScript(compiling: "require \"vacation\";", extensions: [.fileinto])
        }
    }

    @Test("The capability string lists every extension")
    func capabilities() {
        let text = SieveExtension.capabilityString(SieveExtension.allCases)
        #expect(text.hasPrefix("fileinto envelope encoded-character"))
        #expect(text.contains("vacation-seconds"))
    }
}
