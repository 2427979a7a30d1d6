public import MailMessage

/// What SORT and THREAD need of one message, computed once when the message is stored (from
/// the parse every new message gets) and kept beside it, so that sorting a large mailbox
/// reads no message (RFC 5256, RFC 5957).
///
/// Strings are kept as `i;unicode-casemap` collation keys (`UnicodeCasemap.key`), so that
/// comparing two messages is a byte comparison. A missing header is the empty string, which
/// sorts first (RFC 5256 §3: "If the associated RFC-822 header for a particular criterion is
/// absent, it is treated as the empty string").
public struct MessageSortKeys: Hashable, Sendable {
    /// The sent date (RFC 5256 §2.2): the Date field's instant, normalised to UTC, in seconds
    /// since 1970; nil when there is no Date field or it cannot be parsed (the INTERNALDATE
    /// stands in, see `SortableMessage.sentDate`).
    public var sentDate: Int64?
    /// The collation key of the base subject (§2.1).
    public var subject: [UInt8]
    /// Extracting the base subject removed a reply or forward marker (§3, REFERENCES).
    public var isReplyOrForward: Bool
    /// Collation keys of the addr-mailbox of the first From, To and Cc address (§3).
    public var from: [UInt8]
    public var to: [UInt8]
    public var cc: [UInt8]
    /// Collation keys of the DISPLAY sort value of the first From and To address (RFC 5957 §3).
    public var displayFrom: [UInt8]
    public var displayTo: [UInt8]
    /// The normalised Message-ID (`MessageIDs`), nil when absent or invalid.
    public var messageID: String?
    /// The references of §3 REFERENCES: the msg-ids of References, or, when it has none, the
    /// first msg-id of In-Reply-To.
    public var references: [String]

    public init(sentDate: Int64? = nil, subject: [UInt8] = [], isReplyOrForward: Bool = false,
                from: [UInt8] = [], to: [UInt8] = [], cc: [UInt8] = [],
                displayFrom: [UInt8] = [], displayTo: [UInt8] = [],
                messageID: String? = nil, references: [String] = []) {
        self.sentDate = sentDate
        self.subject = subject
        self.isReplyOrForward = isReplyOrForward
        self.from = from
        self.to = to
        self.cc = cc
        self.displayFrom = displayFrom
        self.displayTo = displayTo
        self.messageID = messageID
        self.references = references
    }

    /// The keys of a parsed message: `structure` is MailMessage's parse of `message` (only the
    /// top-level header is read, so `message` may be the header alone).
    public init(structure: MessageStructure, message: UnsafeRawBufferPointer) {
        let envelope = structure.envelope
        let header = structure.root.headerRange
        // The first Subject and Date field count, as in Dovecot (ENVELOPE shows the last one;
        // RFC 5322 §3.6 allows only one of each).
        let fields = MessageText.headerValues(namedAnyOf: ["Subject", "Date", "References"], in: message,
                                              range: header)
        let subject = fields[0].first ?? ""
        let base = BaseSubject(decoded: subject)
        let date = fields[1].first
        var references: [String] = []
        for value in fields[2] {
            references += MessageIDs.all(in: value.utf8)
        }
        if references.isEmpty, let inReplyTo = envelope.inReplyTo, let first = MessageIDs.first(in: inReplyTo) {
            references = [first]
        }
        self.init(sentDate: date.flatMap { MessageDate.parse($0.utf8)?.secondsSince1970 },
                  subject: UnicodeCasemap.key(base.text), isReplyOrForward: base.isReplyOrForward,
                  from: Self.mailboxKey(envelope.from), to: Self.mailboxKey(envelope.to),
                  cc: Self.mailboxKey(envelope.cc),
                  displayFrom: Self.displayKey(envelope.from), displayTo: Self.displayKey(envelope.to),
                  messageID: envelope.messageID.flatMap { MessageIDs.first(in: $0) },
                  references: references)
    }

    /// The keys of a message given as bytes (parsed here; for messages stored before keys
    /// were kept, whose header is read back).
    public init(message: UnsafeRawBufferPointer) {
        self.init(structure: MessageParser.parse(message), message: message)
    }

    /// RFC 5256 §3: "[IMAP] addr-mailbox of the first ... address".
    static func mailboxKey(_ addresses: [Address]) -> [UInt8] {
        guard let mailbox = addresses.first?.mailbox else { return [] }
        return UnicodeCasemap.key(EncodedWordDecoder.decode(mailbox))
    }

    /// RFC 5957 §3–4: the first address's decoded display name if not empty, else
    /// `addr-mailbox@addr-host`, else `addr-mailbox`, else the empty string.
    static func displayKey(_ addresses: [Address]) -> [UInt8] {
        guard let address = addresses.first else { return [] }
        if let name = address.name {
            let decoded = EncodedWordDecoder.decode(name)
            if !decoded.isEmpty { return UnicodeCasemap.key(decoded) }
        }
        guard let mailbox = address.mailbox else { return [] }
        var value = Array(mailbox)
        if let host = address.host { value += [UInt8(ascii: "@")] + host }
        return UnicodeCasemap.key(EncodedWordDecoder.decode(value))
    }
}
