import Sieve
import Testing

@Suite("Lexical tokens and grammar (RFC 5228 §2.3, §2.4, §8)")
struct SyntaxTests {
    @Test("Hash and bracket comments, examples of RFC 5228 §2.3")
    func comments() throws {
        let big = message("Subject: x\n\n" + String(repeating: "a", count: 200 * 1024))
        #expect(try run("if size :over 100k { # this is a comment\n discard;\n}", on: big).actions == [.discard])
        let bracketed = """
            if size :over 100K { /* this is a comment
               this is still a comment */ discard /* this is a comment
               */ ;
            }
            """
        #expect(try run(bracketed, on: big).actions == [.discard])
        #expect(try run(bracketed).actions == implicitKeep)
        #expect(try run("/***/ keep; /* a * b ** / */ # end without a line break").actions == implicitKeep)
    }

    @Test("Numbers take K, M and G in either case (RFC 5228 §2.4.1)")
    func quantifiers() throws {
        let size = messageA.size
        for (text, value) in [("1k", 1024), ("1K", 1024), ("2m", 2 << 20), ("1G", 1 << 30), ("\(size)", size)] {
            #expect(try run("if size :under \(text) { discard; }").actions == (size < value ? [.discard] : implicitKeep),
                    "\(text)")
        }
        #expect(compileError("if size :over 99999999999999999999 { stop; }")?.kind == .numberTooLarge)
        #expect(compileError("if size :over 9999999999999999G { stop; }")?.kind == .numberTooLarge)
        #expect(compileError("if size :over 10X { stop; }")?.kind == .unexpectedCharacter(UInt8(ascii: "X")))
    }

    @Test("Quoted strings: \\\" and \\\\ escape, any other backslash is dropped (RFC 5228 §2.4.2)")
    func quotedStrings() throws {
        let subject = message("Subject: a \"quoted\" \\back\\slash\n\nbody\n")
        #expect(try run(#"if header :is "subject" "a \"quoted\" \\back\\slash" { discard; }"#, on: subject)
            .actions == [.discard])
        #expect(try run(#"if header :is "subject" "\a \"quoted\" \\b\ack\\sl\ash" { discard; }"#, on: subject)
            .actions == [.discard])
    }

    @Test("Multi-line strings: text:, a comment after it, dot-unstuffing, CRLF line ends")
    func multiLine() throws {
        let script = """
            require "reject";
            reject text: # the reason
            line one
            ..line two starts with a dot
            .line three keeps its dot
            .
            ;
            """
        let result = try run(script)
        #expect(result.actions == [.reject(reason: "line one\r\n.line two starts with a dot\r\n.line three keeps its dot\r\n")])
        #expect(compileError("require \"reject\";\nreject text:\nno end\n")
            == SieveError(line: 2, .unterminatedMultiLine))
        #expect(compileError("require \"reject\";\nreject text: x\n.\n;")?.line == 2)
    }

    @Test("Identifiers and tags are case-insensitive (RFC 5228 §8.1)")
    func caseInsensitive() throws {
        #expect(try run(#"IF Header :CONTAINS "Subject" "present" { DISCARD; }"#).actions == [.discard])
        #expect(try run(#"if address :DOMAIN :is ["From", "To"] "acme.example.com" { discard; }"#).actions
            == [.discard])
    }

    @Test("Errors carry the line they were found on")
    func errorLines() {
        #expect(compileError("keep;\n\nfoo;") == SieveError(line: 3, .unknownCommand("foo")))
        #expect(compileError("if true {\n  keep;\n") == SieveError(line: 3, .expected("a command or '}'", found: "end of script")))
        #expect(compileError("keep\nkeep;") == SieveError(line: 2, .expected("';' or '{'", found: "identifier \"keep\"")))
        #expect(compileError("if header :is \"a\" \"b\nc\" { stop; }\n\"x\";")?.line == 3)
        #expect(compileError("/* never\nclosed") == SieveError(line: 1, .unterminatedComment))
        #expect(compileError("\n\"open") == SieveError(line: 2, .unterminatedString))
        #expect(compileError("if true { keep; } else discard;")?.line == 1)
        #expect(compileError("keep;\n@") == SieveError(line: 2, .unexpectedCharacter(UInt8(ascii: "@"))))
        #expect(compileError("if header :is [\"a\" \"b\"] \"c\" { stop; }")?.kind == .expected("',' or ']'", found: "string"))
        // "true false" reads as a test with a nested test, which "true" does not take.
        #expect(compileError("if allof(true false) { stop; }")?.kind == .wrongArguments("true", "true"))
        #expect(compileError("if allof(true, false { stop; }")?.kind == .expected("',' or ')'", found: "'{'"))
        #expect(compileError("if header :is \"a\" \"\u{FF}\" { stop; }") == nil)
    }

    @Test("A string must be UTF-8 (RFC 5228 §8.1)")
    func invalidUTF8() throws {
        var bytes = Array("if header :is \"subject\" \"".utf8)
        bytes += [0xC3, 0x28]
        bytes += Array("\" { stop; }".utf8)
        #expect(throws: SieveError(line: 1, .invalidUTF8)) { try SieveScript(compiling: bytes) }
        #expect(throws: SieveError(line: 1, .unexpectedCharacter(0))) { try SieveScript(compiling: [0x6B, 0x00]) }
    }

    @Test("Every limit has its own error, at its edge")
    func limits() {
        var limits = SieveLimits()
        limits.maximumScriptSize = 10
        #expect(compileError("keep;keep;", limits: limits) == nil)
        #expect(compileError("keep;keep; ", limits: limits) == SieveError(line: 1, .scriptTooLarge(limit: 10)))

        limits = SieveLimits()
        limits.maximumNestingDepth = 3
        #expect(compileError("if true { if true { if true { stop; } } }", limits: limits) == nil)
        #expect(compileError("if true { if true { if true { if true { stop; } } } }", limits: limits)?.kind
            == .nestingTooDeep(limit: 3))
        #expect(compileError("if not not not true { stop; }", limits: limits) == nil)
        #expect(compileError("if not not not not true { stop; }", limits: limits)?.kind == .nestingTooDeep(limit: 3))

        limits = SieveLimits()
        limits.maximumCommands = 3
        #expect(compileError("keep; keep; keep;", limits: limits) == nil)
        #expect(compileError("keep; keep;\nkeep; keep;", limits: limits) == SieveError(line: 2, .tooManyCommands(limit: 3)))

        limits = SieveLimits()
        limits.maximumStrings = 4
        #expect(compileError(#"if header :is ["a", "b"] ["c", "d"] { stop; }"#, limits: limits) == nil)
        #expect(compileError(#"if header :is ["a", "b"] ["c", "d", "e"] { stop; }"#, limits: limits)?.kind
            == .tooManyStrings(limit: 4))
    }

    @Test("Deep nesting is refused before it can exhaust the stack")
    func deepNesting() {
        let depth = 100_000
        let script = String(repeating: "if true {", count: depth) + String(repeating: "}", count: depth)
        #expect(compileError(script)?.kind == .nestingTooDeep(limit: 32))
        let tests = "if " + String(repeating: "not ", count: depth) + "true { stop; }"
        #expect(compileError(tests)?.kind == .nestingTooDeep(limit: 32))
        let lists = "if " + String(repeating: "allof(", count: depth) + "true" + String(repeating: ")", count: depth) + " { stop; }"
        #expect(compileError(lists)?.kind == .nestingTooDeep(limit: 32))
    }

    @Test("Encoded characters, the examples of RFC 5228 §2.4.2.4")
    func encodedCharacters() throws {
        let cases: [(String, String)] = [
            ("$${hex:40}", "$@"), ("${hex: 40 }", "@"), ("${HEX: 40}", "@"), ("${hex:40", "${hex:40"),
            ("${hex:400}", "${hex:400}"), ("${hex:4${hex:30}}", "${hex:40}"), ("${unicode:40}", "@"),
            ("${ unicode:40}", "${ unicode:40}"), ("${UNICODE:40}", "@"), ("${UnICoDE:0000040}", "@"),
            ("${Unicode:40}", "@"), ("${Unicode:Cool}", "${Unicode:Cool}"), ("${hex:e2 82 ac}", "€"),
        ]
        for (written, meaning) in cases {
            let script = "require [\"encoded-character\", \"variables\", \"fileinto\"]; set \"v\" \"\(written)\"; "
                + "fileinto \"${v}\";"
            #expect(try run(script).actions == [fileInto(meaning)], "\(written)")
        }
        #expect(compileError("require \"encoded-character\";\nif header :is \"a\" \"${unicode:200000}\" { stop; }")?.line == 2)
        #expect(compileError("require \"encoded-character\"; if header :is \"a\" \"${unicode:D800}\" { stop; }") != nil)
        // Without the require, the text stays as written.
        #expect(try run(#"if header :contains "Subject" "${hex:70}resent" { discard; }"#).actions == implicitKeep)
        #expect(try run("require \"encoded-character\"; if header :contains \"Subject\" \"${hex:70}resent\" { discard; }")
            .actions == [.discard])
        let b = "require \"encoded-character\";\nif header :contains \"Subject\" \"$${hex:24 24}\" {\n discard;\n}"
        #expect(try run(b, on: messageB).actions == [.discard])
        #expect(try run(b, on: messageA).actions == implicitKeep)
    }
}
