import Sieve
import Testing

@Suite("Variables (RFC 5229)")
struct VariablesTests {
    /// Runs `script` with "variables" (and "fileinto") required and returns the mailbox it
    /// files into.
    func filed(_ script: String, on message: SieveMessage = messageA, extra: [String] = []) throws -> String? {
        let requires = (["variables", "fileinto"] + extra).map { "\"\($0)\"" }.joined(separator: ", ")
        let result = try run("require [\(requires)];\n" + script, on: message)
        #expect(result.error == nil)
        for case .fileInto(let mailbox, _, _, _) in result.actions { return mailbox }
        return nil
    }

    @Test("set and ${name}; names are case-insensitive; unknown variables are empty (§3, §4)")
    func setAndExpand() throws {
        #expect(try filed("set \"a\" \"one\"; set \"B_2\" \"two\"; fileinto \"${A}.${b_2}.${nope}.\";") == "one.two..")
        #expect(try filed("set \"a\" \"x\"; set \"a\" \"${a}${a}\"; fileinto \"${a}\";") == "xx")
        // Expansion happens once; what a value holds is not expanded again.
        #expect(try filed("set \"a\" \"${b}\"; set \"b\" \"inner\"; set \"c\" \"$${a}\"; fileinto \"${c}\";") == "$")
        #expect(try filed("set \"a\" \"$\"; set \"b\" \"{c}\"; fileinto \"${a}${b}\";") == "${c}")
        // Text that is no reference stays.
        #expect(try filed("fileinto \"${}${-x}${a b}${ a}$\";") == "${}${-x}${a b}${ a}$")
        #expect(compileError("require \"variables\"; set \"1\" \"x\";")?.kind == .invalidVariableName("1"))
        #expect(compileError("require \"variables\"; set \"a-b\" \"x\";")?.kind == .invalidVariableName("a-b"))
        #expect(compileError("require \"variables\";\nset \"a\";") == SieveError(line: 2,
            .wrongArguments("set", "set [MODIFIER] <name: string> <value: string>")))
        #expect(compileError("set \"a\" \"b\";")?.kind == .capabilityNotRequired("set", needed: "variables"))
        // A namespace that no required extension defines is an error (§3).
        #expect(compileError("require [\"variables\", \"fileinto\"]; fileinto \"${foo.bar}\";")?.kind
            == .invalidVariableName("foo.bar"))
        // Without "variables", "${...}" is plain text.
        #expect(try run("require \"fileinto\"; fileinto \"${a}\";").actions == [fileInto("${a}")])
    }

    @Test("Modifiers and their precedence, the examples of §4.1")
    func modifiers() throws {
        let cases: [(String, String, String)] = [
            (":lower", "Hello World", "hello world"), (":upper", "Hello World", "HELLO WORLD"),
            (":lowerfirst", "ABC", "aBC"), (":upperfirst", "abc", "Abc"),
            (":quotewildcard", "a*b?c\\\\d", "a\\*b\\?c\\\\d"), (":length", "Grüße", "5"),
            (":length", "", "0"),
            // Example of §4.1: :lower :upperfirst applies :lower first.
            (":upperfirst :lower", "juMBlEd lETteRS", "Jumbled letters"),
            (":lower :upperfirst", "juMBlEd lETteRS", "Jumbled letters"),
            (":length :lower", "ABC", "3"),
            (":quotewildcard :upper", "*a", "\\*A"),
        ]
        for (modifiers, value, expected) in cases {
            #expect(try filed("set \(modifiers) \"v\" \"\(value)\"; fileinto \"[${v}]\";") == "[\(expected)]",
                    "\(modifiers) \(value)")
        }
        // The case modifiers change ASCII letters only (§4.1.3).
        #expect(try filed("set :upper \"v\" \"grüße\"; fileinto \"${v}\";") == "GRüßE")
        #expect(try filed("set :lowerfirst \"v\" \"ÄB\"; fileinto \"${v}\";") == "ÄB")
        // The examples of §4.1, one after the other.
        let examples = """
            set "a" "juMBlEd lETteRS";
            set :length "b" "${a}"; set "all" "${b}";
            set :lower "b" "${a}"; set "all" "${all}|${b}";
            set :upperfirst "b" "${a}"; set "all" "${all}|${b}";
            set :upperfirst :lower "b" "${a}"; set "all" "${all}|${b}";
            set :quotewildcard "b" "Rock*"; set "all" "${all}|${b}";
            fileinto "${all}";
            """
        #expect(try filed(examples) == "15|jumbled letters|JuMBlEd lETteRS|Jumbled letters|Rock\\*")
        #expect(compileError("require \"variables\"; set :lower :upper \"a\" \"b\";")?.kind == .conflictingTags("lower", "upper"))
        #expect(compileError("require \"variables\"; set :lowerfirst :upperfirst \"a\" \"b\";")?.kind
            == .conflictingTags("lowerfirst", "upperfirst"))
        #expect(compileError("require \"variables\"; set :bogus \"a\" \"b\";")?.kind == .unknownTag("bogus", of: "set"))
    }

    @Test("Match variables: the examples of §3.2")
    func matchVariables() throws {
        let list = message("List-ID: Acme users <acme-users@lists.example.org>\nSubject: [acme-users] [fwd] version 1.0 is out\n\nx\n")
        #expect(try filed("if header :matches \"List-ID\" \"*<*@*\" { fileinto \"INBOX.lists.${2}\"; stop; }", on: list)
            == "INBOX.lists.acme-users")
        let subject = message("Subject: [acme-users] [fwd] version 1.0 is out\n\nx\n")
        #expect(try filed("if header :matches \"Subject\" \"[*] *\" { fileinto \"${1}|${2}\"; stop; }", on: subject)
            == "acme-users|[fwd] version 1.0 is out")
        let coyote = message("To: coyote@ACME.Example.COM\n\nx\n")
        let script = """
            if address :matches ["To", "Cc"] ["coyote@**.com",
                    "wile@**.com"] {
                fileinto "[${0}][${1}][${2}][${3}]"; stop;
            }
            """
        #expect(try filed(script, on: coyote) == "[coyote@ACME.Example.COM][][ACME.Example][]")
        // No successful match: the variables are empty; leading zeros are ignored.
        #expect(try filed("if anyof (true, header :matches \"subject\" \"*\") { fileinto \"[${1}]\"; }") == "[]")
        #expect(try filed("if header :matches \"subject\" \"I * a *\" { fileinto \"${001}/${02}\"; }") == "have/present for you")
        // Each "?" is a match variable too; a failed match leaves the earlier ones.
        let script2 = """
            if header :matches "subject" "I h?v? *" { set "x" "${1}${2}${3}"; }
            if header :matches "subject" "nomatch*" { set "x" "${x}!"; }
            fileinto "${x}/${3}";
            """
        #expect(try filed(script2) == "aea present for you/a present for you")
        // :contains and :is leave the match variables alone.
        #expect(try filed("if header :matches \"subject\" \"I*\" {} if header :contains \"subject\" \"have\" { fileinto \"${1}\"; }")
            == " have a present for you")
    }

    @Test("The example of §4: a multi-line value with references in any case")
    func setExample() throws {
        let script = """
            require ["variables", "reject"];
            set "honorific"  "Mr";
            set "first_name" "Wile";
            set "last_name"  "Coyote";
            set "vacation" text:
            Dear ${HONORIFIC} ${last_name},
            I'm out, please leave a message after the meep.
            .
            ;
            reject "${vacation}";
            """
        #expect(try run(script).actions
            == [.reject(reason: "Dear Mr Coyote,\r\nI'm out, please leave a message after the meep.\r\n")])
    }

    @Test("The string test (§5) and :count counting non-empty strings")
    func stringTest() throws {
        #expect(try filed("set \"state\" \"${state} pending\"; if string :matches \" ${state} \" \"* pending *\" { fileinto \"ok\"; }")
            == "ok")
        #expect(try filed("set \"a\" \"abc\"; if string :is \"${a}\" \"abc\" { fileinto \"yes\"; }") == "yes")
        #expect(try filed("if string :matches [\"x\", \"\"] \"\" { fileinto \"empty\"; }") == "empty")
        #expect(try filed("if string :count \"eq\" :comparator \"i;ascii-numeric\" [\"a\", \"\", \"b\"] \"2\" { fileinto \"two\"; }",
                          extra: ["relational", "comparator-i;ascii-numeric"]) == "two")
        #expect(compileError("if string \"a\" \"b\" { stop; }")?.kind == .capabilityNotRequired("string", needed: "variables"))
    }

    @Test("Values are cut to the size limit at a character boundary; the number of variables is bounded")
    func variableLimits() throws {
        var limits = SieveLimits()
        limits.maximumVariableSize = 5
        let result = try SieveScript(compiling: "require [\"variables\", \"fileinto\"]; set \"a\" \"abcdé\"; fileinto \"${a}\";")
            .run(on: messageA, context: context(limits: limits))
        #expect(result.actions == [fileInto("abcd")])
        // Expansion is cut too, however many references a string holds.
        limits = SieveLimits()
        limits.maximumExpandedStringSize = 10
        let expanded = try SieveScript(compiling: "require [\"variables\", \"fileinto\"]; set \"a\" \"abcd\"; fileinto \"${a}${a}${a}${a}\";")
            .run(on: messageA, context: context(limits: limits))
        #expect(expanded.actions == [fileInto("abcdabcdab")])
        limits = SieveLimits()
        limits.maximumVariables = 2
        let script = try SieveScript(compiling: "require \"variables\"; set \"a\" \"1\"; set \"b\" \"2\"; set \"a\" \"3\";\nset \"c\" \"4\";")
        #expect(script.run(on: messageA, context: context(limits: limits)).error
            == SieveRuntimeError(line: 1, .tooManyVariables(limit: 2)).with(line: 2))
    }
}

extension SieveRuntimeError {
    func with(line: Int) -> SieveRuntimeError {
        var copy = self
        copy.line = line
        return copy
    }
}
