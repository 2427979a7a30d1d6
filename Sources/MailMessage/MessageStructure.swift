/// The envelope of a message or of an embedded message (RFC 9051 §7.5.2 `envelope`), ready for
/// the wire: values are unfolded header bytes, nil when the field is absent.
///
/// The strings follow Dovecot: Date, In-Reply-To and Message-ID are the unfolded value with
/// white space after the colon skipped; Subject and display names are made readable (runs of
/// white space become one space, leading and trailing white space removed). The last Date,
/// Subject, In-Reply-To and Message-ID field wins; repeated address fields are concatenated.
/// RFC 2047 encoded words stay encoded.
///
/// RFC 9051 §7.5.2 says a missing Sender or Reply-To is sent as the From list; that is for the
/// IMAP layer to apply (an empty list here means the field is absent or empty).
public struct Envelope: Hashable, Sendable {
    public var date: [UInt8]?
    public var subject: [UInt8]?
    public var from: [Address]
    public var sender: [Address]
    public var replyTo: [Address]
    public var to: [Address]
    public var cc: [Address]
    public var bcc: [Address]
    public var inReplyTo: [UInt8]?
    public var messageID: [UInt8]?

    public init(date: [UInt8]? = nil, subject: [UInt8]? = nil, from: [Address] = [],
                sender: [Address] = [], replyTo: [Address] = [], to: [Address] = [],
                cc: [Address] = [], bcc: [Address] = [], inReplyTo: [UInt8]? = nil,
                messageID: [UInt8]? = nil) {
        self.date = date
        self.subject = subject
        self.from = from
        self.sender = sender
        self.replyTo = replyTo
        self.to = to
        self.cc = cc
        self.bcc = bcc
        self.inReplyTo = inReplyTo
        self.messageID = messageID
    }
}

/// One MIME entity (RFC 2045 §2.4): a header block and a body, located by byte offsets into
/// the stored message.
///
/// - `headerRange` is the part's MIME header (for the top level and for an embedded message:
///   the message header) including the empty line that ends it. When a boundary line cuts a
///   header short, the line break before the boundary belongs to the boundary (RFC 2046
///   §5.1.1), not to the header.
/// - `bodyRange` starts where the header ends. The line break before a boundary line is not
///   part of the body either.
/// - `bodyLines` is the number of LF bytes in the body: IMAP's `body-fld-lines`
///   (RFC 3501 §7.4.2), counted as Dovecot counts it.
public struct MessagePart: Hashable, Sendable {
    public var headerRange: Range<Int>
    public var bodyRange: Range<Int>
    public var bodyLines: Int
    public var content: ContentFields
    public var kind: Kind

    public indirect enum Kind: Hashable, Sendable {
        /// A leaf: any type that is not parsed further (also a multipart or message/rfc822
        /// beyond the nesting limit).
        case single
        /// A multipart (RFC 2046 §5.1) and its body parts in order. A multipart whose boundary
        /// never appears, or that has no boundary parameter, has no parts.
        case multipart([MessagePart])
        /// A message/rfc822 or message/global part (RFC 2046 §5.2.1, RFC 6532 §3.5): the
        /// embedded message's envelope and its top-level entity, whose ranges lie inside
        /// this part's body.
        case message(Envelope, MessagePart)
    }

    public init(headerRange: Range<Int>, bodyRange: Range<Int>, bodyLines: Int,
                content: ContentFields = ContentFields(), kind: Kind = .single) {
        self.headerRange = headerRange
        self.bodyRange = bodyRange
        self.bodyLines = bodyLines
        self.content = content
        self.kind = kind
    }

    /// The whole entity: header and body.
    public var range: Range<Int> { headerRange.lowerBound..<bodyRange.upperBound }

    /// The body parts of a multipart, empty otherwise.
    public var children: [MessagePart] {
        if case let .multipart(parts) = kind { return parts }
        return []
    }

    /// The media type with the RFC 2045 §5.2 default applied: as written in Content-Type, else
    /// `text` (or `message` for the parts of a multipart/digest, RFC 2046 §5.1.5).
    public var mediaType: String {
        if let type = content.type { return type }
        if case .message = kind { return "message" }
        return "text"
    }

    /// The media subtype with defaults applied (`plain`, or `rfc822` in a multipart/digest).
    public var mediaSubtype: String {
        if let subtype = content.subtype { return subtype }
        if case .message = kind { return "rfc822" }
        return "plain"
    }

    /// Whether the part is text (Content-Type `text`, or none): BODYSTRUCTURE gives such a leaf
    /// a line count (RFC 3501 §7.4.2 `body-type-text`).
    public var isText: Bool {
        guard case .single = kind else { return false }
        return ASCII.equalsIgnoringCase(mediaType.utf8, "text")
    }

    /// The charset with the RFC 2045 §5.2 default (`us-ascii`) for text parts.
    public var charset: String? {
        content.charset ?? (isText ? "us-ascii" : nil)
    }

    /// The Content-Transfer-Encoding with the RFC 2045 §6.1 default (`7bit`).
    public var transferEncoding: String { content.transferEncoding ?? "7bit" }
}

/// What the server keeps beside each stored message so that FETCH and SEARCH never parse the
/// message again: the top-level envelope and the MIME tree with byte ranges into the message.
/// `MessageStructure.encoded()` / `init(decoding:)` store it compactly (see StructureCoding).
public struct MessageStructure: Hashable, Sendable {
    /// The size of the message in bytes (RFC822.SIZE).
    public var size: Int
    /// The envelope of the message (FETCH ENVELOPE).
    public var envelope: Envelope
    /// The top-level entity: its header is the message header (BODY[HEADER]), its body is
    /// BODY[TEXT]; for a multipart message its children are parts 1, 2, ...
    public var root: MessagePart

    public init(size: Int, envelope: Envelope, root: MessagePart) {
        self.size = size
        self.envelope = envelope
        self.root = root
    }
}
