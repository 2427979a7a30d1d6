public import MailCore

/// The three status conditions of a tagged response (`resp-cond-state`, RFC 9051 §7.1).
public enum ResponseStatus: String, Hashable, Sendable {
    case ok = "OK"
    case no = "NO"
    case bad = "BAD"
}

/// The condition of an untagged status response (RFC 9051 §7.1).
public enum UntaggedCondition: String, Hashable, Sendable {
    case ok = "OK"
    case no = "NO"
    case bad = "BAD"
    case preauth = "PREAUTH"
    case bye = "BYE"
}

/// `resp-text` (RFC 9051 §9): an optional response code and human-readable text.
public struct ResponseText: Hashable, Sendable {
    public var code: ResponseCode?
    public var text: String
    public init(code: ResponseCode? = nil, _ text: String) {
        self.code = code
        self.text = text
    }
}

/// A complete server response line except FETCH data with streamed bodies, which the encoder
/// writes piece by piece (see `FetchResponseWriter`).
public enum Response: Hashable, Sendable {
    case tagged(Tag, ResponseStatus, ResponseText)
    case untagged(UntaggedResponse)
    /// `continue-req` (RFC 9051 §7.5): `+ text`.
    case continuation(String)
    /// `continue-req` with a base64 SASL challenge (RFC 9051 §6.2.2); the bytes are encoded.
    case continuationChallenge([UInt8])
}

/// A mailbox name in a response, already decoded to Unicode: the encoder writes it as
/// modified UTF-7 (RFC 3501 §5.1.3) or, after ENABLE UTF8=ACCEPT, as UTF-8 (RFC 6855).
public typealias MailboxDisplayName = String

/// `mailbox-list` (RFC 9051 §7.3.1) with the extended items of RFC 5258 §3.
public struct ListResponse: Hashable, Sendable {
    public var attributes: [MailboxAttribute]
    /// The hierarchy delimiter, or nil for a flat name space (NIL).
    public var delimiter: Character?
    public var name: MailboxDisplayName
    /// `CHILDINFO ("SUBSCRIBED")` (RFC 5258 §3.5).
    public var childInfo: [String]
    /// `OLDNAME (name)` (RFC 9051 §6.3.9.7).
    public var oldName: MailboxDisplayName?

    public init(attributes: [MailboxAttribute], delimiter: Character?, name: MailboxDisplayName,
                childInfo: [String] = [], oldName: MailboxDisplayName? = nil) {
        self.attributes = attributes
        self.delimiter = delimiter
        self.name = name
        self.childInfo = childInfo
        self.oldName = oldName
    }
}

/// `status-att-val` (RFC 9051 §7.3.2 and the extensions listed at `StatusAttribute`).
public enum StatusValue: Hashable, Sendable {
    case messages(Int)
    case recent(Int)
    case uidNext(UID)
    case uidValidity(UIDValidity)
    case unseen(Int)
    case deleted(Int)
    case size(UInt64)
    case highestModSeq(ModSeq)
    case mailboxID(String)
    /// nil is `APPENDLIMIT NIL`: no limit for this mailbox.
    case appendLimit(UInt64?)
    /// `DELETED-STORAGE number64` (RFC 9208 §4.1.4), in units of 1024 octets.
    case deletedStorage(UInt64)
}

/// One personal/other/shared namespace (RFC 2342 §5).
public struct NamespaceDescription: Hashable, Sendable {
    public var prefix: String
    public var delimiter: Character?
    public init(prefix: String, delimiter: Character?) {
        self.prefix = prefix
        self.delimiter = delimiter
    }
}

/// `search-return-data` of an ESEARCH response (RFC 4731 §3.2, RFC 9051 §7.3.4).
public enum SearchReturnData: Hashable, Sendable {
    case min(UInt32)
    case max(UInt32)
    /// ALL as a set of numbers (sequence numbers or UIDs), written in compact range form.
    case all([ClosedRange<UInt32>])
    case count(Int)
    case modSeq(ModSeq)
    /// `ret-data-partial` (RFC 9394 §4, RFC 5267 §5): the requested range and the results in
    /// it, in the requested order (NIL when there are none).
    case partial(PartialRange, [UInt32])
    /// `ret-data-addto` and `ret-data-removefrom` (RFC 5267 §4.3.3, §4.3.4).
    case addTo([ContextUpdate])
    case removeFrom([ContextUpdate])
}

/// Untagged server data (`response-data`, RFC 9051 §7).
public enum UntaggedResponse: Hashable, Sendable {
    case condition(UntaggedCondition, ResponseText)
    case capability([Capability])
    case enabled([String])
    case flags([Flag])
    case list(ListResponse)
    case lsub(ListResponse)
    case status(MailboxDisplayName, [StatusValue])
    /// `* SEARCH n...` with an optional `(MODSEQ n)` (RFC 7162 §3.1.5).
    case search([UInt32], modSeq: ModSeq?)
    /// `* SORT n...` (RFC 5256 §4) with an optional `(MODSEQ n)` (RFC 7162 §3.1.5): the
    /// numbers in sort order.
    case sort([UInt32], modSeq: ModSeq?)
    /// `* THREAD (2)(3 6 (4 23)(44 7 96))` (RFC 5256 §4).
    case thread([ThreadNode])
    /// `* ESEARCH (TAG "a") UID ...` (RFC 4731 §3.2).
    case esearch(tag: Tag?, uid: Bool, [SearchReturnData])
    case exists(Int)
    case recent(Int)
    case expunge(SequenceNumber)
    /// `VANISHED [(EARLIER)] uid-set` (RFC 7162 §3.2.10).
    case vanished(earlier: Bool, UIDSet)
    case namespace(personal: [NamespaceDescription], otherUsers: [NamespaceDescription],
                   shared: [NamespaceDescription])
    /// `* ID (...)` or `* ID NIL` (RFC 2971 §3.2).
    case id([IDField]?)
    /// `* QUOTA root (resource usage limit ...)` (RFC 9208 §4.2.1).
    case quota(root: String, [QuotaResourceStatus])
    /// `* QUOTAROOT mailbox root ...` (RFC 9208 §4.2.2).
    case quotaRoot(MailboxDisplayName, roots: [String])
    /// A FETCH response whose items are all small (no streamed literal).
    case fetch(SequenceNumber, [FetchItem])
    /// `* METADATA mailbox (entry value ...)` (RFC 5464 §4.4.1); the empty mailbox is the
    /// server.
    case metadata(MailboxDisplayName, [MetadataEntryValue])
    /// `* METADATA mailbox entry ...` (RFC 5464 §4.4.2): unsolicited, the names of entries
    /// that changed (for NOTIFY, RFC 5465 §5.6–5.7).
    case metadataChanged(MailboxDisplayName, [MetadataEntryName])
    /// `* ACL mailbox identifier rights ...` (RFC 4314 §3.6).
    case acl(MailboxDisplayName, [AccessListEntry])
    /// `* LISTRIGHTS mailbox identifier required optional ...` (RFC 4314 §3.7).
    case listRights(MailboxDisplayName, identifier: String, required: String, optional: [String])
    /// `* MYRIGHTS mailbox rights` (RFC 4314 §3.8).
    case myRights(MailboxDisplayName, rights: String)
}

/// The source of a body-section item in a FETCH response: how the request named it, which
/// is how the response must name it (RFC 9051 §7.5.2), e.g. `BODY[1.MIME]<0>`.
public enum FetchSectionName: Hashable, Sendable {
    /// `BODY[section]<origin>`
    case body(SectionSpecifier, origin: UInt64?)
    /// `BINARY[part]<origin>` (RFC 3516 §4.2)
    case binary(SectionPart, origin: UInt64?)
    case rfc822
    case rfc822Header
    case rfc822Text
}

/// `msg-att` items of a FETCH response (RFC 9051 §7.5.2).
public enum FetchItem: Hashable, Sendable {
    case flags([Flag])
    case uid(UID)
    case internalDate(ZonedDateTime)
    case rfc822Size(UInt64)
    case modSeq(ModSeq)
    /// A section's bytes; nil is NIL. Large sections are streamed instead (see encoder).
    case section(FetchSectionName, [UInt8]?)
    case binarySize(SectionPart, UInt64)
    case emailID(String)
    /// nil is `THREADID NIL`.
    case threadID(String?)
    case saveDate(ZonedDateTime?)
    /// `PREVIEW nstring` (RFC 8970 §6); nil is NIL, only after `PREVIEW (LAZY)`.
    case preview(String?)
    case envelope(Envelope)
    /// `BODY` (extensible: false) or `BODYSTRUCTURE` (extensible: true), RFC 9051 §7.5.2.
    case bodyStructure(BodyStructure, extensible: Bool)
}
