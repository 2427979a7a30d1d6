/// What became of one recipient's copy: one LMTP reply each after DATA (RFC 2033 §4.2).
public enum DeliveryOutcome: Sendable, Equatable {
    /// Stored in these mailboxes (none: discarded on purpose by a filter, or a duplicate
    /// dropped within the duplicate window): `250 2.0.0`.
    case delivered(mailboxes: [String], duplicate: Bool = false)
    /// Refused for good by the filter: `550 5.7.1` (RFC 5429 §2.2).
    case rejected(reason: String)
    /// Not stored now; the client should try again: `451 4.3.0` (store error, RFC 3463).
    case temporaryFailure(reason: String)
    /// The message is larger than the configured maximum: `552 5.3.4` (RFC 1870 §6.3).
    case tooLarge(limit: UInt64)
    /// The recipient's quota has no room (RFC 9208): `552 5.2.2` if `permanent` (the message
    /// can never fit, or `quotaFullTempfail` is off), else `452 4.2.2` (RFC 3463 §3.3).
    case overQuota(permanent: Bool)
}
