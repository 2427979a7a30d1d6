public import MailCore

/// `section-part` (RFC 9051 §9): a MIME part path such as `1.2.3`; empty means the whole message.
public typealias SectionPart = [Int]

/// The text part of a `section-spec` (RFC 9051 §6.4.5, §9): `section-msgtext` or `MIME`.
public enum SectionText: Hashable, Sendable {
    case header
    case headerFields([String])
    case headerFieldsNot([String])
    case text
    /// `MIME`: the MIME header of a body part; only after a part number.
    case mime
}

/// `section` (RFC 9051 §9): what a `BODY[...]` fetch names.
public struct SectionSpecifier: Hashable, Sendable {
    public var part: SectionPart
    public var text: SectionText?
    public init(part: SectionPart = [], text: SectionText? = nil) {
        self.part = part
        self.text = text
    }
    /// `BODY[]`: the whole message.
    public static let complete = SectionSpecifier()
}

/// `partial` (RFC 9051 §9): `<offset.length>` of a body fetch.
public struct Partial: Hashable, Sendable {
    public var offset: UInt64
    public var length: UInt64
    public init(offset: UInt64, length: UInt64) {
        self.offset = offset
        self.length = length
    }
}

/// `fetch-att` (RFC 3501 §6.4.5, RFC 9051 §6.4.5, RFC 3516 BINARY, RFC 7162 MODSEQ,
/// RFC 8474 EMAILID/THREADID, RFC 8514 SAVEDATE, RFC 8970 PREVIEW).
public enum FetchAttribute: Hashable, Sendable {
    case envelope
    case flags
    case internalDate
    case rfc822Size
    /// `RFC822` ≡ `BODY[]`, but reported under its own name.
    case rfc822
    /// `RFC822.HEADER` ≡ `BODY.PEEK[HEADER]`.
    case rfc822Header
    /// `RFC822.TEXT` ≡ `BODY[TEXT]`.
    case rfc822Text
    /// `BODY` without a section: the non-extensible body structure.
    case bodyStructureNonExtensible
    case bodyStructure
    case uid
    case bodySection(SectionSpecifier, partial: Partial?, peek: Bool)
    case binary(SectionPart, partial: Partial?, peek: Bool)
    case binarySize(SectionPart)
    case modSeq
    case emailID
    case threadID
    case saveDate
    case preview(lazy: Bool)

    /// `ALL` macro (RFC 3501 §6.4.5): FLAGS INTERNALDATE RFC822.SIZE ENVELOPE.
    public static let all: [FetchAttribute] = [.flags, .internalDate, .rfc822Size, .envelope]
    /// `FAST` macro: FLAGS INTERNALDATE RFC822.SIZE.
    public static let fast: [FetchAttribute] = [.flags, .internalDate, .rfc822Size]
    /// `FULL` macro: FLAGS INTERNALDATE RFC822.SIZE ENVELOPE BODY.
    public static let full: [FetchAttribute] = [.flags, .internalDate, .rfc822Size, .envelope,
                                                .bodyStructureNonExtensible]
}

/// `fetch-modifier` (RFC 7162 §3.1.4 CHANGEDSINCE, §3.2.6 VANISHED).
public enum FetchModifier: Hashable, Sendable {
    case changedSince(ModSeq)
    case vanished
    /// `modifier-partial` of UID FETCH (RFC 9394 §3.3): only the messages in the range.
    case partial(PartialRange)
}
