public import MailCore

/// `flag-perm` (RFC 9051 §9): a flag in a PERMANENTFLAGS list, or `\*` (new keywords allowed).
public enum PermanentFlag: Hashable, Sendable {
    case flag(Flag)
    case wildcard
}
