/// Why a command line was refused; each maps to one reply (RFC 5321 §4.2.3, RFC 3463 codes),
/// after which the session goes on.
public enum LMTPSyntaxError: Error, Hashable, Sendable {
    /// Not a command of this server: `500 5.5.1`.
    case unknownCommand(String)
    /// A known command with bad arguments: `501 5.5.2` (or `5.5.4` for a missing argument).
    case badArguments(String)
    /// A `MAIL`/`RCPT` parameter that is not supported: `555 5.5.4` (RFC 5321 §4.1.1.11).
    case unsupportedParameter(String)
    /// The line is longer than the limit: `500 5.5.2` (RFC 5321 §4.5.3.1.4).
    case lineTooLong
    /// A NUL or other byte no command may hold: `500 5.5.2`.
    case invalidCharacters

    /// The reply that answers the error.
    public var reply: LMTPReply {
        switch self {
        case .unknownCommand(let verb):
            let shown = verb.count > 16 ? String(verb.prefix(16)) + "..." : verb
            return LMTPReply(500, "5.5.1", "Unknown command \(shown.isEmpty ? "(empty line)" : shown)")
        case .badArguments(let text): return LMTPReply(501, "5.5.4", text)
        case .unsupportedParameter(let name):
            return LMTPReply(555, "5.5.4", "Unsupported parameter \(name.prefix(32))")
        case .lineTooLong: return LMTPReply(500, "5.5.2", "Line too long")
        case .invalidCharacters: return LMTPReply(500, "5.5.2", "Invalid characters in command")
        }
    }
}
