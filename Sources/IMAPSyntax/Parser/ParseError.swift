/// Why a command could not be parsed. The server answers `tag BAD <description>` and the
/// session goes on (RFC 9051 §7.1.3); tests assert on `kind`, clients read `description`.
public struct ParseError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Kind: Hashable, Sendable {
        /// The line does not start with a valid `tag` followed by SP.
        case invalidTag
        /// No command name, or a name this grammar does not know.
        case unknownCommand(String)
        /// A known command with something other than what its grammar allows, at `rule`.
        case expected(rule: String)
        /// A byte that cannot appear here (NUL, 8-bit in an atom, a CTL...).
        case invalidCharacter(UInt8)
        case unterminatedQuotedString
        /// A number that is too large for its rule, or zero where `nz-number` is required.
        case invalidNumber
        case invalidSequenceSet
        case invalidDate
        case invalidFlag(String)
        case unknownFetchAttribute(String)
        case unknownSearchKey(String)
        case unknownStatusAttribute(String)
        /// Parentheses or search keys nested deeper than the limit.
        case nestingTooDeep
        /// Bytes left after a complete command.
        case trailingCharacters
        /// The command ended where more was required.
        case unexpectedEnd
        /// An empty line where a command was expected (RFC 9051 §2.2.1: every command starts
        /// with a tag).
        case emptyCommand
        /// A literal announcement whose length is not a `number64` (RFC 9051 §9: at most
        /// 9223372036854775807).
        case invalidLiteralLength
    }

    /// The command's tag, if the line began with a valid one: the BAD response carries it.
    public var tag: Tag?
    public var kind: Kind

    public init(tag: Tag? = nil, _ kind: Kind) {
        self.tag = tag
        self.kind = kind
    }

    public var description: String {
        switch kind {
        case .invalidTag: return "Invalid tag"
        case .unknownCommand(let name): return name.isEmpty ? "Missing command" : "Unknown command \(name)"
        case .expected(let rule): return "Syntax error: expected \(rule)"
        case .invalidCharacter(let byte):
            return byte == 0 ? "NUL byte not allowed" : "Invalid character 0x\(String(byte, radix: 16, uppercase: true))"
        case .unterminatedQuotedString: return "Unterminated quoted string"
        case .invalidNumber: return "Invalid number"
        case .invalidSequenceSet: return "Invalid sequence set"
        case .invalidDate: return "Invalid date"
        case .invalidFlag(let flag): return "Invalid flag \(flag)"
        case .unknownFetchAttribute(let name): return "Unknown FETCH attribute \(name)"
        case .unknownSearchKey(let name): return "Unknown SEARCH key \(name)"
        case .unknownStatusAttribute(let name): return "Unknown STATUS attribute \(name)"
        case .nestingTooDeep: return "Nesting too deep"
        case .trailingCharacters: return "Unexpected characters after command"
        case .unexpectedEnd: return "Command ended unexpectedly"
        case .emptyCommand: return "Empty command line"
        case .invalidLiteralLength: return "Invalid literal length: more than 9223372036854775807 octets"
        }
    }
}

/// Limits the grammar enforces itself (the framer enforces line and literal sizes).
public struct ParserLimits: Hashable, Sendable {
    /// Maximum depth of nested parentheses and search keys (NOT/OR/groups).
    public var maxNestingDepth: Int
    public init(maxNestingDepth: Int = 32) { self.maxNestingDepth = maxNestingDepth }
}

/// Where a literal announced at the end of an APPEND line belongs (see `CommandFramer`).
public enum AppendPrefix: Hashable, Sendable {
    /// The line is not an APPEND command: the literal is an ordinary argument.
    case notAppend
    /// An APPEND whose mailbox name is this literal (`tag APPEND {5}`).
    case mailboxLiteral
    /// The literal is the first message of an APPEND.
    case message(tag: Tag, mailbox: MailboxName, options: AppendMessageOptions)
    /// The literal is the message of a REPLACE or UID REPLACE (RFC 8508 §3.2–3.3).
    case replacement(tag: Tag, target: ReplaceTarget, mailbox: MailboxName, options: AppendMessageOptions)
    /// An APPEND that is malformed before its message literal.
    case invalid(ParseError)
}
