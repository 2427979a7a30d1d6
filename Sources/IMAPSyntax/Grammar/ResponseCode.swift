public import MailCore

/// `resp-text-code` (RFC 3501 §7.1, RFC 9051 §7.1, RFC 5530, RFC 4315, RFC 7162, RFC 4469).
public enum ResponseCode: Hashable, Sendable {
    case alert
    case badCharset([String])
    case capability([Capability])
    case parse
    case permanentFlags([PermanentFlag])
    case readOnly
    case readWrite
    case tryCreate
    case uidNext(UID)
    case uidValidity(UIDValidity)
    case unseen(SequenceNumber)
    /// `APPENDUID` (RFC 4315 §3).
    case appendUID(UIDValidity, UIDSet)
    /// `COPYUID` (RFC 4315 §3): source UIDs and destination UIDs, in matching order.
    case copyUID(UIDValidity, source: [UID], destination: [UID])
    case uidNotSticky
    case highestModSeq(ModSeq)
    case noModSeq
    /// `MODIFIED` (RFC 7162 §3.1.3): the messages that failed UNCHANGEDSINCE.
    case modified(ModifiedMessages)
    case closed
    case tooBig
    case unavailable, authenticationFailed, authorizationFailed, expired, privacyRequired
    case contactAdmin, noPerm, inUse, expungeIssued, corruption, serverBug, clientBug, cannot
    case limit, overQuota, alreadyExists, nonExistent, notSaved, hasChildren, unknownCTE
    /// `MAILBOXID` (RFC 8474 §4.1).
    case mailboxID(String)
    /// `NOUPDATE "tag"` (RFC 5267 §4.3.1): the searching command's UPDATE is refused.
    case noUpdate(Tag)
    /// `INPROGRESS ("tag" done total)` (RFC 9585 §4, §5); nil counts are written NIL.
    case inProgress(tag: Tag?, done: UInt64?, total: UInt64?)
    /// `METADATA ...` (RFC 5464 §4.2.1, §4.3).
    case metadata(MetadataResponseCode)
    /// `APPENDLIMIT` is a capability, not a code; any other atom with optional text.
    case other(String, String?)
}

/// The messages of `MODIFIED` (RFC 7162 §3.1.3): sequence numbers after STORE, UIDs after
/// UID STORE.
public enum ModifiedMessages: Hashable, Sendable {
    case sequenceNumbers(SequenceNumberSet)
    case uids(UIDSet)

    var ranges: [ClosedRange<UInt32>] {
        switch self {
        case .sequenceNumbers(let set): return set.ranges
        case .uids(let set): return set.ranges
        }
    }
}

/// One capability name (`capability`, RFC 9051 §9), e.g. `IMAP4rev1`, `AUTH=PLAIN`.
public struct Capability: RawRepresentable, Hashable, Sendable, ExpressibleByStringLiteral {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ value: String) { self.rawValue = value }
    public init(stringLiteral value: String) { self.rawValue = value }
}
