/// A script that does not compile: where (the 1-based line) and why. ManageSieve's
/// CHECKSCRIPT and PUTSCRIPT (RFC 5804 §2.6, §2.12) send `description` to the client.
public struct SieveError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The line the problem was found on, counting from 1.
    public var line: Int
    public var kind: Kind

    public init(line: Int, _ kind: Kind) {
        self.line = line
        self.kind = kind
    }

    /// What went wrong; cases carry what a test or a client needs to tell them apart.
    public enum Kind: Hashable, Sendable {
        // Lexical (RFC 5228 §8.1)
        case unexpectedCharacter(UInt8)
        case unterminatedString
        case unterminatedMultiLine
        case unterminatedComment
        case numberTooLarge
        case invalidUTF8
        case invalidEncodedCharacter(String)
        // Grammar (RFC 5228 §8.2)
        case expected(String, found: String)
        // Commands and tests (RFC 5228 §2.9, §3, §4, §5)
        case unknownCommand(String)
        case unknownTest(String)
        case unknownCapability(String)
        case capabilityNotRequired(String, needed: String)
        case requireNotAtStart
        case misplacedCommand(String, String)
        case unknownTag(String, of: String)
        case duplicateTag(String, of: String)
        case conflictingTags(String, String)
        case tagNeedsValue(String, String)
        case wrongArguments(String, String)
        case unknownComparator(String)
        case unsupportedMatchType(comparator: String, matchType: String)
        case unknownRelation(String)
        case invalidValue(String)
        case invalidVariableName(String)
        case invalidAddress(String)
        case notConstant(String)
        // Limits (SieveLimits)
        case scriptTooLarge(limit: Int)
        case nestingTooDeep(limit: Int)
        case tooManyCommands(limit: Int)
        case tooManyStrings(limit: Int)
    }

    public var message: String {
        switch kind {
        case .unexpectedCharacter(let byte):
            let shown = byte >= 0x21 && byte < 0x7F ? "'\(Character(Unicode.Scalar(byte)))'"
                                                     : "byte 0x\(String(byte, radix: 16))"
            return "unexpected character \(shown)"
        case .unterminatedString: return "unterminated quoted string"
        case .unterminatedMultiLine: return "unterminated multi-line string (missing a line with a single \".\")"
        case .unterminatedComment: return "unterminated /* comment"
        case .numberTooLarge: return "number too large"
        case .invalidUTF8: return "string is not valid UTF-8"
        case .invalidEncodedCharacter(let text): return "invalid encoded character \"${\(text)}\""
        case .expected(let what, let found): return "expected \(what), found \(found)"
        case .unknownCommand(let name): return "unknown command \"\(name)\""
        case .unknownTest(let name): return "unknown test \"\(name)\""
        case .unknownCapability(let name): return "unsupported extension \"\(name)\" in require"
        case .capabilityNotRequired(let what, let needed):
            return "\(what) needs require \"\(needed)\""
        case .requireNotAtStart: return "require must come before any other command"
        case .misplacedCommand(let name, let reason): return "\"\(name)\" \(reason)"
        case .unknownTag(let tag, let name): return "unknown tagged argument :\(tag) for \"\(name)\""
        case .duplicateTag(let tag, let name): return "tagged argument :\(tag) given twice to \"\(name)\""
        case .conflictingTags(let first, let second): return ":\(first) cannot be used with :\(second)"
        case .tagNeedsValue(let tag, let what): return ":\(tag) must be followed by \(what)"
        case .wrongArguments(let name, let usage): return "wrong arguments for \"\(name)\"; usage: \(usage)"
        case .unknownComparator(let name): return "unknown comparator \"\(name)\""
        case .unsupportedMatchType(let comparator, let matchType):
            return "comparator \"\(comparator)\" does not support :\(matchType)"
        case .unknownRelation(let name): return "unknown relational operator \"\(name)\""
        case .invalidValue(let text): return text
        case .invalidVariableName(let name): return "invalid variable name \"\(name)\""
        case .invalidAddress(let text): return "invalid address \"\(text)\""
        case .notConstant(let what): return "\(what) must be a constant string"
        case .scriptTooLarge(let limit): return "script larger than \(limit) bytes"
        case .nestingTooDeep(let limit): return "blocks and tests nested deeper than \(limit)"
        case .tooManyCommands(let limit): return "more than \(limit) commands"
        case .tooManyStrings(let limit): return "more than \(limit) strings"
        }
    }

    /// `line N: message`, the form ManageSieve clients show.
    public var description: String { "line \(line): \(message)" }
}

/// A failure while running a script (RFC 5228 §2.10.6). The run's actions are dropped and the
/// message is kept; the caller logs `description`.
public struct SieveRuntimeError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The line of the command or test that failed (in the included script, for `include`).
    public var line: Int
    /// The included script the error happened in, nil for the top-level script.
    public var script: String?
    public var kind: Kind

    public init(line: Int, script: String? = nil, _ kind: Kind) {
        self.line = line
        self.script = script
        self.kind = kind
    }

    public enum Kind: Hashable, Sendable {
        case tooManyActions(limit: Int)
        case tooManyRedirects(limit: Int)
        case stepBudgetExhausted(limit: Int)
        case incompatibleActions(String, String)
        case duplicateReject
        case duplicateVacation
        case invalidAddress(String)
        case invalidMailboxName(String)
        case includeNotFound(String)
        case includeRecursive(String)
        case includeTooDeep(limit: Int)
        case tooManyIncludes(limit: Int)
        case includeFailed(String, SieveError)
        case globalAfterSet(String)
        case tooManyVariables(limit: Int)
    }

    public var message: String {
        switch kind {
        case .tooManyActions(let limit): return "more than \(limit) actions"
        case .tooManyRedirects(let limit): return "more than \(limit) redirects"
        case .stepBudgetExhausted(let limit): return "script ran longer than its budget of \(limit) steps"
        case .incompatibleActions(let first, let second): return "\(first) is incompatible with \(second)"
        case .duplicateReject: return "reject or ereject executed more than once"
        case .duplicateVacation: return "vacation executed more than once"
        case .invalidAddress(let text): return "invalid address \"\(text)\""
        case .invalidMailboxName(let text): return "invalid mailbox name \"\(text)\""
        case .includeNotFound(let name): return "included script \"\(name)\" not found"
        case .includeRecursive(let name): return "script \"\(name)\" includes itself"
        case .includeTooDeep(let limit): return "includes nested deeper than \(limit)"
        case .tooManyIncludes(let limit): return "more than \(limit) included scripts"
        case .includeFailed(let name, let error): return "included script \"\(name)\": \(error)"
        case .globalAfterSet(let name):
            return "variable \"\(name)\" declared global after it was set"
        case .tooManyVariables(let limit): return "more than \(limit) variables"
        }
    }

    public var description: String {
        if let script { return "script \"\(script)\" line \(line): \(message)" }
        return "line \(line): \(message)"
    }
}
