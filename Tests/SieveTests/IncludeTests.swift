import Sieve
import Testing

@Suite("include, return, global (RFC 6609)")
struct IncludeTests {
    @Test("The example of RFC 6609 §3.4.1: a subroutine setting a global variable")
    func subroutine() throws {
        let active = """
            require ["fileinto", "include", "variables", "relational"];
            global "test";
            global "test_mailbox";

            set "test" "$$";
            include "subject_tests";

            set "test" "Make money";
            include "subject_tests";

            if string :count "eq" "${test_mailbox}" "1"
            {
                fileinto "${test_mailbox}";
                stop;
            }
            """
        let subjectTests = """
            require ["include", "variables"];
            global ["test", "test_mailbox"];

            if header :contains "Subject" "${test}"
            {
                set "test_mailbox" "spam-${test}";
            }
            """
        let host = TestHost(personal: ["subject_tests": subjectTests])
        #expect(try run(active, on: messageB, host: host).actions == [fileInto("spam-$$")])
        let money = message("Subject: Make money fast\n\nx\n")
        #expect(try run(active, on: money, host: host).actions == [fileInto("spam-Make money")])
        #expect(try run(active, on: messageA, host: host).actions == implicitKeep)
    }

    @Test("Variables are private unless global; global.name is the same variable (§3.4)")
    func scopes() throws {
        let host = TestHost(personal: [
            "setter": "require [\"include\", \"variables\"]; set \"local\" \"inner\"; set \"global.shared\" \"g\";",
            "reader": "require [\"include\", \"variables\", \"fileinto\"]; global \"shared\"; fileinto \"${shared}-${local}\";",
        ])
        let script = """
            require ["include", "variables", "fileinto"];
            set "local" "outer";
            include "setter";
            include "reader";
            fileinto "${local}-${global.shared}";
            """
        #expect(try run(script, host: host).actions == [fileInto("g-"), fileInto("outer-g")])
        let late = try run("require [\"include\", \"variables\"]; set \"x\" \"1\";\nglobal \"x\";")
        #expect(late.error == SieveRuntimeError(line: 2, .globalAfterSet("x")))
        #expect(compileError("require \"include\"; global \"x\";")?.kind == .capabilityNotRequired("global", needed: "variables"))
        #expect(compileError("require [\"include\", \"variables\"]; global \"global.x\";")?.kind
            == .invalidVariableName("global.x"))
        #expect(compileError("require \"variables\"; set \"global.x\" \"1\";")?.kind == .invalidVariableName("global.x"))
    }

    @Test("return ends the included script; stop ends everything; return at the top acts as stop (§3.3)")
    func returnAndStop() throws {
        let host = TestHost(personal: [
            "returns": "require [\"include\", \"fileinto\"]; fileinto \"a\"; return; fileinto \"b\";",
            "stops": "require [\"include\", \"fileinto\"]; fileinto \"c\"; stop;",
        ])
        #expect(try run("require [\"include\", \"fileinto\"]; include \"returns\"; fileinto \"d\";", host: host).actions
            == [fileInto("a"), fileInto("d")])
        #expect(try run("require [\"include\", \"fileinto\"]; include \"stops\"; fileinto \"d\";", host: host).actions
            == [fileInto("c")])
        #expect(try run("require [\"include\", \"fileinto\"]; return; fileinto \"d\";", host: host).actions == implicitKeep)
    }

    @Test(":personal and :global, :once, :optional, missing scripts (§3.2)")
    func locations() throws {
        let host = TestHost(personal: ["x": "require [\"include\", \"fileinto\"]; fileinto \"personal\";"],
                            global: ["x": "require [\"include\", \"fileinto\"]; fileinto \"global\";"])
        #expect(try run("require \"include\"; include :global \"x\"; include \"x\";", host: host).actions
            == [fileInto("global"), fileInto("personal")])
        let counter = TestHost(personal: ["add": "require [\"include\", \"variables\"]; global \"n\"; set \"n\" \"${n}x\";"])
        let once = """
            require ["include", "variables", "fileinto"];
            global "n";
            include :once "add"; include :once "add"; include "add";
            fileinto "${n}";
            """
        #expect(try run(once, host: counter).actions == [fileInto("xx")])
        #expect(try run("require \"include\";\ninclude \"missing\";").error == SieveRuntimeError(line: 2, .includeNotFound("missing")))
        #expect(try run("require \"include\"; include :optional \"missing\";").error == nil)
        #expect(compileError("require \"include\"; include :personal :global \"x\";")?.kind == .conflictingTags("personal", "global"))
        #expect(compileError("require [\"include\", \"variables\"]; include \"${x}\";")?.kind
            == .notConstant("the name of an included script"))
        #expect(compileError("require \"include\"; include \"a/b\";") != nil)
    }

    @Test("Recursion, depth and broken included scripts are runtime errors (§3.2)")
    func errors() throws {
        let host = TestHost(personal: [
            "self": "require \"include\"; include \"self\";",
            "a": "require \"include\"; include \"b\";",
            "b": "require \"include\";\ninclude \"a\";",
            "broken": "require \"include\";\nfoo;",
            "d1": "require \"include\"; include \"d2\";", "d2": "require \"include\"; include \"d3\";",
            "d3": "require \"include\"; include \"d4\";", "d4": "require \"include\"; include \"d5\";",
            "d5": "keep;",
        ])
        let direct = try run("require \"include\"; include \"self\";", host: host)
        #expect(direct.error == SieveRuntimeError(line: 1, script: "self", .includeRecursive("self")))
        #expect(direct.actions == implicitKeep)
        #expect(try run("require \"include\"; include \"a\";", host: host).error
            == SieveRuntimeError(line: 2, script: "b", .includeRecursive("a")))
        #expect(try run("require \"include\"; include \"broken\";", host: host).error?.kind
            == .includeFailed("broken", SieveError(line: 2, .unknownCommand("foo"))))
        #expect(try run("require \"include\"; include \"d1\";", host: host).error?.kind == .includeTooDeep(limit: 4))
        #expect(try run("require \"include\"; include \"d2\";", host: host).error == nil)
    }
}
