import ManageSieveSyntax
import Testing

/// Commands (RFC 5804 §2, §4) and script names (§1.6).
@Suite("ManageSieve commands")
struct CommandTests {
    func parse(_ line: String) throws(ManageSieveCommandError) -> ManageSieveCommand {
        var framer = ManageSieveFramer()
        guard case .frame(let frame)? = framer.feed(Array(line.utf8)).first else {
            throw .empty
        }
        return try ManageSieveCommand.parse(frame)
    }

    @Test func everyCommand() throws {
        #expect(try parse("authenticate \"plain\" \"AGEAYg==\"\r\n")
                == .authenticate(mechanism: "PLAIN", initialResponse: Array("AGEAYg==".utf8)))
        #expect(try parse("AUTHENTICATE \"SCRAM-SHA-256\"\r\n") == .authenticate(mechanism: "SCRAM-SHA-256", initialResponse: nil))
        #expect(try parse("StartTls\r\n") == .startTLS)
        #expect(try parse("LOGOUT\r\n") == .logout)
        #expect(try parse("CAPABILITY\r\n") == .capability)
        #expect(try parse("HAVESPACE \"a\" 435\r\n") == .haveSpace(name: "a", size: 435))
        #expect(try parse("PUTSCRIPT \"a\" {5+}\r\nkeep;\r\n") == .putScript(name: "a", content: Array("keep;".utf8)))
        #expect(try parse("LISTSCRIPTS\r\n") == .listScripts)
        #expect(try parse("SETACTIVE \"a\"\r\n") == .setActive(name: "a"))
        #expect(try parse("SETACTIVE \"\"\r\n") == .setActive(name: nil))
        #expect(try parse("GETSCRIPT \"a\"\r\n") == .getScript(name: "a"))
        #expect(try parse("DELETESCRIPT \"a\"\r\n") == .deleteScript(name: "a"))
        #expect(try parse("RENAMESCRIPT \"a\" \"b\"\r\n") == .renameScript(from: "a", to: "b"))
        #expect(try parse("CHECKSCRIPT {5+}\r\nkeep;\r\n") == .checkScript(content: Array("keep;".utf8)))
        #expect(try parse("NOOP\r\n") == .noop(tag: nil))
        #expect(try parse("NOOP \"STARTTLS-SYNC-42\"\r\n") == .noop(tag: Array("STARTTLS-SYNC-42".utf8)))
        #expect(try parse("UNAUTHENTICATE\r\n") == .unauthenticate)
    }

    @Test func wrongArgumentsAreErrors() {
        #expect(throws: ManageSieveCommandError.badArguments(command: "GETSCRIPT", expected: "a script name")) {
            try parse("GETSCRIPT\r\n")
        }
        #expect(throws: ManageSieveCommandError.badArguments(command: "LOGOUT", expected: "no more arguments")) {
            try parse("LOGOUT \"now\"\r\n")
        }
        #expect(throws: ManageSieveCommandError.invalidNumber) { try parse("HAVESPACE \"a\" 0123\r\n") }
        #expect(throws: ManageSieveCommandError.invalidNumber) { try parse("HAVESPACE \"a\" 4294967296\r\n") }
        #expect(throws: ManageSieveCommandError.unknownCommand("FROB")) { try parse("FROB\r\n") }
        #expect(throws: ManageSieveCommandError.invalidScriptName(.empty)) { try parse("GETSCRIPT \"\"\r\n") }
    }

    @Test func scriptNames() {
        #expect(ScriptName.validate(Array("vacation été".utf8)) == .success("vacation été"))
        #expect(ScriptName.validate(Array("a\u{7F}".utf8)) == .failure(.forbiddenCharacter(0x7F)))
        #expect(ScriptName.validate(Array("a\u{2028}".utf8)) == .failure(.forbiddenCharacter(0x2028)))
        #expect(ScriptName.validate(Array("a\u{85}".utf8)) == .failure(.forbiddenCharacter(0x85)))
        #expect(ScriptName.validate([0x61, 0xFF]) == .failure(.invalidUTF8))
        #expect(ScriptName.validate(Array(String(repeating: "é", count: ScriptName.maximumLength).utf8)) != .failure(.tooLong(limit: ScriptName.maximumLength)))
        #expect(ScriptName.validate(Array(String(repeating: "é", count: ScriptName.maximumLength + 1).utf8)) == .failure(.tooLong(limit: ScriptName.maximumLength)))
    }
}

@Suite("ManageSieve responses")
struct ResponseTests {
    func encoded(_ body: (inout [UInt8]) -> Void) -> String {
        var output: [UInt8] = []
        body(&output)
        return String(decoding: output, as: UTF8.self)
    }

    @Test func responsesWithCodesAndStrings() {
        #expect(encoded { ManageSieveEncoder.response(.ok(), into: &$0) } == "OK\r\n")
        #expect(encoded { ManageSieveEncoder.response(.no("There is \"no\" script", code: .nonexistent), into: &$0) }
                == "NO (NONEXISTENT) \"There is \\\"no\\\" script\"\r\n")
        #expect(encoded { ManageSieveEncoder.response(.ok("Done", code: .tag(Array("x\r\ny".utf8))), into: &$0) }
                == "OK (TAG {4}\r\nx\r\ny) \"Done\"\r\n")
        #expect(encoded { ManageSieveEncoder.response(.no("line 1: a\r\nline 2: b", code: .quotaMaxSize), into: &$0) }
                == "NO (QUOTA/MAXSIZE) {20}\r\nline 1: a\r\nline 2: b\r\n")
        #expect(encoded { ManageSieveEncoder.response(.bye("Bye"), into: &$0) } == "BYE \"Bye\"\r\n")
    }

    @Test func capabilityListingAndLiteralLines() {
        #expect(encoded { ManageSieveEncoder.capability("VERSION", "1.0", into: &$0) } == "\"VERSION\" \"1.0\"\r\n")
        #expect(encoded { ManageSieveEncoder.capability("STARTTLS", nil, into: &$0) } == "\"STARTTLS\"\r\n")
        #expect(encoded { ManageSieveEncoder.scriptListing("main", active: true, into: &$0) } == "\"main\" ACTIVE\r\n")
        #expect(encoded { ManageSieveEncoder.literalLine(Array("keep;".utf8), into: &$0) } == "{5}\r\nkeep;\r\n")
        let long = String(repeating: "a", count: 1025)
        #expect(encoded { ManageSieveEncoder.string(long, into: &$0) } == "{1025}\r\n" + long)
    }

    @Test func base64RoundTripAndStrictness() {
        for text in ["", "a", "ab", "abc", "\0alice\0secret"] {
            let bytes = Array(text.utf8)
            #expect(Base64.decode(Base64.encode(bytes)) == bytes)
        }
        #expect(Base64.encode(Array("\0a\0b".utf8)) == Array("AGEAYg==".utf8))
        #expect(Base64.decode(Array("AGE".utf8)) == nil)
        #expect(Base64.decode(Array("A=GE".utf8)) == nil)
        #expect(Base64.decode(Array("AG!A".utf8)) == nil)
        // Non-zero bits beside the padding: not canonical (a fuzzing finding).
        #expect(Base64.decode(Array("tin=".utf8)) == nil)
        #expect(Base64.decode(Array("tio=".utf8)) != nil)
        #expect(Base64.decode(Array("YR==".utf8)) == nil)
        #expect(Base64.decode(Array("YQ==".utf8)) == Array("a".utf8))
    }
}
