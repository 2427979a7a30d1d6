public import MailCore
public import MailMessage

/// The message a script runs on (RFC 5228 §2.8): its bytes and MIME structure, parsed once by
/// MailMessage. Header tests see unfolded values with RFC 2047 words decoded (RFC 5228 §5.7),
/// address tests the parsed addresses, `body` the MIME parts, `size` the size.
public struct SieveMessage: Sendable {
    public let bytes: [UInt8]
    public let structure: MessageStructure
    /// The size `size` tests (RFC 5228 §5.9): the message as delivered, by default its bytes.
    public var size: Int
    let header: HeaderFields

    /// Parses `bytes`.
    public init(_ bytes: [UInt8]) {
        self.init(bytes: bytes, structure: MessageParser.parse(bytes))
    }

    /// A message whose structure the caller already has (delivery parses it to store it).
    public init(bytes: [UInt8], structure: MessageStructure) {
        self.bytes = bytes
        self.structure = structure
        self.size = bytes.count
        self.header = HeaderFields(parsing: bytes)
    }

    /// The fields named `name`, in order.
    func fields(named name: String) -> [HeaderField] { header.all(named: name) }

    /// A field's value unfolded, RFC 2047 words decoded, white space at the ends removed.
    func decodedValue(_ field: HeaderField) -> String {
        trimmed(header.decodedValue(of: field))
    }

    /// A field's value unfolded, not decoded (for addresses and dates).
    func unfoldedValue(_ field: HeaderField) -> [UInt8] { header.unfoldedValue(of: field) }

    func trimmed(_ text: String) -> String {
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })!
        return String(scalars[first...last])
    }
}

/// The SMTP envelope of the delivery (RFC 5228 §5.4), as LMTP received it.
public struct SieveEnvelope: Hashable, Sendable {
    /// The reverse path (MAIL FROM) without angle brackets; empty for the null path `<>`.
    public var from: String
    /// The recipient (RCPT TO) this run is for, with its detail (`user+detail@domain`, which
    /// `envelope :detail "to"` reads, RFC 5233 §4).
    public var to: String

    public init(from: String, to: String) {
        self.from = from
        self.to = to
    }
}

/// What a run needs besides the message and the script: the envelope, the current time
/// (`currentdate`, RFC 5260 §5), the environment items (RFC 5183 §3), the user's own
/// addresses (vacation, RFC 5230 §4.5) and the limits.
public struct SieveContext: Sendable {
    public var envelope: SieveEnvelope
    /// The current date and time, in the zone date tests use by default (RFC 5260 §4.1).
    public var now: ZonedDateTime
    /// RFC 5183 §3 items by lower-case name ("domain", "host", "location", "name", "phase",
    /// "remote-host", "remote-ip", "version", ...). Items not given are unknown: the test
    /// fails. "name" and "phase" default to "Tern" and "during".
    public var environment: [String: String]
    /// Addresses that belong to the user, besides the envelope recipient (RFC 5230 §4.5 (1)).
    public var userAddresses: [String]
    public var limits: SieveLimits

    public init(envelope: SieveEnvelope, now: ZonedDateTime, environment: [String: String] = [:],
                userAddresses: [String] = [], limits: SieveLimits = SieveLimits()) {
        self.envelope = envelope
        self.now = now
        var items = ["name": "Tern", "phase": "during"]
        for (key, value) in environment { items[key.lowercased()] = value }
        self.environment = items
        self.userAddresses = userAddresses
        self.limits = limits
    }
}

/// Questions a run asks the delivery agent. Every method has a default, so a caller
/// implements only what it supports.
public protocol SieveHost {
    /// Whether the user's mailbox `name` exists and takes deliveries (RFC 5490 §3.1).
    func mailboxExists(_ name: String) -> Bool
    /// The text of the script `name` for `include` (RFC 6609 §3.2); nil when there is none.
    func includedScript(named name: String, location: IncludeLocation) -> [UInt8]?
    /// Whether a vacation response with `handle` went to `address` less than `period`
    /// seconds ago (RFC 5230 §4.2). The caller records a response when it sends one.
    func vacationResponded(to address: String, handle: String, within period: Int) -> Bool
}

extension SieveHost {
    public func mailboxExists(_ name: String) -> Bool { false }
    public func includedScript(named name: String, location: IncludeLocation) -> [UInt8]? { nil }
    public func vacationResponded(to address: String, handle: String, within period: Int) -> Bool { false }
}

/// A host that knows no mailbox, no included script and no earlier vacation response.
public struct NoSieveHost: SieveHost {
    public init() {}
}
