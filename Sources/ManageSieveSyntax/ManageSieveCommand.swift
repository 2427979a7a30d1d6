/// A ManageSieve command (RFC 5804 §2), typed. Script names are checked against §1.6
/// (`ScriptName`); script contents are octets (the Sieve compiler judges them).
public enum ManageSieveCommand: Hashable, Sendable {
    /// `AUTHENTICATE auth-type [SP string]` (§2.1): the mechanism, upper-cased, and the
    /// initial response still in base64 (nil when absent; "" is an empty response).
    case authenticate(mechanism: String, initialResponse: [UInt8]?)
    /// §2.2
    case startTLS
    /// §2.3
    case logout
    /// §2.4
    case capability
    /// `HAVESPACE sieve-name SP number` (§2.5)
    case haveSpace(name: String, size: UInt32)
    /// `PUTSCRIPT sieve-name SP sieve-script` (§2.6)
    case putScript(name: String, content: [UInt8])
    /// §2.7
    case listScripts
    /// `SETACTIVE active-sieve-name` (§2.8): nil for "" (deactivate).
    case setActive(name: String?)
    /// §2.9
    case getScript(name: String)
    /// §2.10
    case deleteScript(name: String)
    /// §2.11
    case renameScript(from: String, to: String)
    /// `CHECKSCRIPT sieve-script` (§2.12)
    case checkScript(content: [UInt8])
    /// `NOOP [SP string]` (§2.13): the tag to echo back.
    case noop(tag: [UInt8]?)
    /// §2.14.1
    case unauthenticate
}

/// Why a frame is not a valid command; the session answers `NO` with `description`.
public enum ManageSieveCommandError: Error, Hashable, Sendable, CustomStringConvertible {
    case empty
    case unknownCommand(String)
    /// Wrong number or kind of arguments for the command.
    case badArguments(command: String, expected: String)
    case invalidScriptName(ScriptName.Problem)
    case invalidNumber

    public var description: String {
        switch self {
        case .empty: return "Empty command"
        case .unknownCommand(let name): return "Unknown command \(name)"
        case .badArguments(let command, let expected): return "\(command) expects \(expected)"
        case .invalidScriptName(let problem): return "Invalid script name: \(problem)"
        case .invalidNumber: return "Invalid number (0 to 4294967295, no leading zeros)"
        }
    }
}

extension ManageSieveCommand {
    /// Parses one frame (`command`, RFC 5804 §4). Command names are case-insensitive.
    public static func parse(_ frame: ManageSieveFrame) throws(ManageSieveCommandError) -> ManageSieveCommand {
        guard case .atom(let nameBytes)? = frame.tokens.first else {
            if frame.tokens.isEmpty { throw .empty }
            throw .unknownCommand("(a string)")
        }
        let name = String(decoding: nameBytes, as: UTF8.self).uppercased()
        var arguments = Arguments(command: name, tokens: Array(frame.tokens.dropFirst()))
        let command: ManageSieveCommand
        switch name {
        case "AUTHENTICATE":
            // `auth-type = DQUOTE auth-type-name DQUOTE`; an atom is accepted too.
            let mechanism = try arguments.stringOrAtom("a mechanism and an optional initial response")
            let initial = try arguments.optionalString("a mechanism and an optional initial response")
            command = .authenticate(mechanism: String(decoding: mechanism, as: UTF8.self).uppercased(),
                                    initialResponse: initial)
        case "STARTTLS": command = .startTLS
        case "LOGOUT": command = .logout
        case "CAPABILITY": command = .capability
        case "HAVESPACE":
            let script = try arguments.scriptName("a script name and a size")
            command = .haveSpace(name: script, size: try arguments.number("a script name and a size"))
        case "PUTSCRIPT":
            let script = try arguments.scriptName("a script name and the script")
            command = .putScript(name: script, content: try arguments.string("a script name and the script"))
        case "LISTSCRIPTS": command = .listScripts
        case "SETACTIVE":
            let raw = try arguments.string("a script name, or \"\" for none")
            command = .setActive(name: raw.isEmpty ? nil : try Self.validName(raw))
        case "GETSCRIPT": command = .getScript(name: try arguments.scriptName("a script name"))
        case "DELETESCRIPT": command = .deleteScript(name: try arguments.scriptName("a script name"))
        case "RENAMESCRIPT":
            let from = try arguments.scriptName("the old and the new script name")
            command = .renameScript(from: from, to: try arguments.scriptName("the old and the new script name"))
        case "CHECKSCRIPT": command = .checkScript(content: try arguments.string("the script"))
        case "NOOP": command = .noop(tag: try arguments.optionalString("an optional tag"))
        case "UNAUTHENTICATE": command = .unauthenticate
        default:
            throw .unknownCommand(String(decoding: nameBytes.prefix(64), as: UTF8.self))
        }
        try arguments.finish()
        return command
    }

    static func validName(_ raw: [UInt8]) throws(ManageSieveCommandError) -> String {
        switch ScriptName.validate(raw) {
        case .success(let name): return name
        case .failure(let problem): throw .invalidScriptName(problem)
        }
    }

    /// The name used in logs and in the command table.
    public var name: String {
        switch self {
        case .authenticate: return "AUTHENTICATE"
        case .startTLS: return "STARTTLS"
        case .logout: return "LOGOUT"
        case .capability: return "CAPABILITY"
        case .haveSpace: return "HAVESPACE"
        case .putScript: return "PUTSCRIPT"
        case .listScripts: return "LISTSCRIPTS"
        case .setActive: return "SETACTIVE"
        case .getScript: return "GETSCRIPT"
        case .deleteScript: return "DELETESCRIPT"
        case .renameScript: return "RENAMESCRIPT"
        case .checkScript: return "CHECKSCRIPT"
        case .noop: return "NOOP"
        case .unauthenticate: return "UNAUTHENTICATE"
        }
    }

    /// Whether the command is valid before authentication (RFC 5804 §2: AUTHENTICATE,
    /// CAPABILITY, STARTTLS, LOGOUT and NOOP); the others only after it.
    public var isAllowedBeforeAuthentication: Bool {
        switch self {
        case .authenticate, .startTLS, .logout, .capability, .noop: return true
        default: return false
        }
    }

    /// Whether the command is valid after authentication (AUTHENTICATE and STARTTLS are not,
    /// §2.1 and §2.2).
    public var isAllowedAfterAuthentication: Bool {
        switch self {
        case .authenticate, .startTLS: return false
        default: return true
        }
    }
}

/// The arguments of one command, consumed in order.
private struct Arguments {
    let command: String
    var tokens: [ManageSieveToken]
    var index = 0

    mutating func string(_ expected: String) throws(ManageSieveCommandError) -> [UInt8] {
        guard index < tokens.count, case .string(let bytes) = tokens[index] else {
            throw .badArguments(command: command, expected: expected)
        }
        index += 1
        return bytes
    }

    mutating func stringOrAtom(_ expected: String) throws(ManageSieveCommandError) -> [UInt8] {
        guard index < tokens.count else { throw .badArguments(command: command, expected: expected) }
        defer { index += 1 }
        switch tokens[index] {
        case .string(let bytes), .atom(let bytes): return bytes
        }
    }

    mutating func optionalString(_ expected: String) throws(ManageSieveCommandError) -> [UInt8]? {
        guard index < tokens.count else { return nil }
        return try string(expected)
    }

    mutating func scriptName(_ expected: String) throws(ManageSieveCommandError) -> String {
        try ManageSieveCommand.validName(try string(expected))
    }

    /// `number = (NZDIGIT *DIGIT) / "0"`, below 2^32 (RFC 5804 §4).
    mutating func number(_ expected: String) throws(ManageSieveCommandError) -> UInt32 {
        guard index < tokens.count, case .atom(let digits) = tokens[index] else {
            throw .badArguments(command: command, expected: expected)
        }
        index += 1
        guard !digits.isEmpty, digits.count <= 10, digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
              digits.count == 1 || digits[0] != 0x30,
              let value = UInt32(String(decoding: digits, as: UTF8.self))
        else { throw .invalidNumber }
        return value
    }

    func finish() throws(ManageSieveCommandError) {
        guard index == tokens.count else {
            throw .badArguments(command: command, expected: "no more arguments")
        }
    }
}
