public import MailCore
public import MailMessage
public import MailStore

/// The SMTP envelope of one transaction (RFC 5321 §3.3).
public struct DeliveryEnvelope: Hashable, Sendable {
    /// The reverse path without `<>`; "" for the null path (bounces, RFC 5321 §4.5.5).
    public var sender: String
    /// The LHLO argument.
    public var heloName: String?
    /// The peer's IP address, for `Received:` and Sieve's `remote-ip` (RFC 5183).
    public var remoteAddress: String?

    public init(sender: String, heloName: String? = nil, remoteAddress: String? = nil) {
        self.sender = sender
        self.heloName = heloName
        self.remoteAddress = remoteAddress
    }
}

/// A recipient the server accepted at RCPT time.
public struct DeliveryRecipient: Hashable, Sendable {
    /// As given in `RCPT TO`, without `<>`.
    public var address: String
    public var user: User
    /// The RFC 5233 subaddress (`lists` in `alice+lists@example.org`).
    public var detail: String?

    public init(address: String, user: User, detail: String? = nil) {
        self.address = address
        self.user = user
        self.detail = detail
    }
}

/// Where one recipient's copy goes, decided by a filter (Sieve) or by default.
public struct FilingTarget: Hashable, Sendable {
    /// "INBOX" or a mailbox name of the user.
    public var mailbox: String
    /// Flags the copy gets (RFC 5232 imap4flags).
    public var flags: [Flag]
    /// Create the mailbox if it is missing (RFC 5490 `:create`).
    public var create: Bool

    public init(mailbox: String, flags: [Flag] = [], create: Bool = false) {
        self.mailbox = mailbox
        self.flags = flags
        self.create = create
    }

    /// The default target: INBOX, no flags.
    public static let inbox = FilingTarget(mailbox: "INBOX")
}

/// What a filter decided for one recipient.
public enum FilterDecision: Sendable, Equatable {
    /// Store a copy in each target; empty: discarded on purpose (RFC 5228 §4.4).
    case file([FilingTarget])
    /// Refuse the message for this recipient: LMTP `550 5.7.1` (RFC 5429).
    case reject(reason: String)
    /// Try again later: LMTP `451 4.x.x`.
    case temporaryFailure(reason: String)
}

/// What the deliverer asks before storing a recipient's copy. The default (no filter, or the
/// user has no active script) is one target: the subaddress folder if it exists, else INBOX.
public protocol DeliveryFilter: Sendable {
    func decide(for recipient: DeliveryRecipient, envelope: DeliveryEnvelope,
                message: DeliveredMessage, defaultTarget: FilingTarget) async -> FilterDecision
}

/// The message being delivered: staged once, shared by every recipient.
public struct DeliveredMessage: Sendable {
    /// The stored size, trace headers included.
    public var size: UInt64
    /// The MIME structure, parsed once when the upload finished.
    public var structure: MessageStructure
    private let content: any StagingFile

    public init(size: UInt64, structure: MessageStructure, content: any StagingFile) {
        self.size = size
        self.structure = structure
        self.content = content
    }

    /// Runs `body` over the whole message bytes (mapped, not copied), where blocking is allowed.
    public func withBytes<T: Sendable>(_ body: @escaping @Sendable (UnsafeRawBufferPointer) throws -> T) async throws -> T {
        try await content.read(body)
    }
}
