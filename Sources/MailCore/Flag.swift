/// A message flag (RFC 9051 §2.3.2, `flag` and `flag-fetch` in §9). System flags are matched
/// case-insensitively and always spelled canonically; keywords keep the spelling they were
/// first given, and compare case-insensitively (as Dovecot and Cyrus do).
public enum Flag: Hashable, Sendable, CustomStringConvertible {
    case answered, flagged, deleted, seen, draft
    /// `\Recent` (RFC 3501 §2.3.2): session-only, never stored or settable; gone in IMAP4rev2.
    case recent
    /// A keyword such as `$Forwarded` or `Junk` (an atom without a leading backslash).
    case keyword(String)
    /// Any other `\Atom` flag: accepted from clients, never generated (RFC 9051 §9).
    case `extension`(String)

    /// Parses a flag from its atom, e.g. `\Seen` or `$MDNSent`; system flags case-insensitively.
    public init(_ text: String) {
        guard text.first == "\\" else {
            self = .keyword(text)
            return
        }
        switch text.lowercased() {
        case "\\answered": self = .answered
        case "\\flagged": self = .flagged
        case "\\deleted": self = .deleted
        case "\\seen": self = .seen
        case "\\draft": self = .draft
        case "\\recent": self = .recent
        default: self = .extension(text)
        }
    }

    public var description: String {
        switch self {
        case .answered: return "\\Answered"
        case .flagged: return "\\Flagged"
        case .deleted: return "\\Deleted"
        case .seen: return "\\Seen"
        case .draft: return "\\Draft"
        case .recent: return "\\Recent"
        case .keyword(let k): return k
        case .extension(let e): return e
        }
    }

    /// Whether this is one of the five system flags that every mailbox stores.
    public var isSystemFlag: Bool {
        switch self {
        case .answered, .flagged, .deleted, .seen, .draft: return true
        case .recent, .keyword, .extension: return false
        }
    }
}
