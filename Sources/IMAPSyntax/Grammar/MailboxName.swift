/// A mailbox name as it travels on the wire (`mailbox` in RFC 9051 §9): modified UTF-7
/// (RFC 3501 §5.1.3) unless the client enabled UTF-8 (RFC 6855). The raw bytes are kept so
/// that decoding errors can be reported precisely; `ModifiedUTF7` converts.
public struct MailboxName: Hashable, Sendable, CustomStringConvertible {
    public var bytes: [UInt8]
    public init(_ bytes: [UInt8]) { self.bytes = bytes }
    public init(_ string: String) { self.bytes = Array(string.utf8) }

    /// Whether this is INBOX in any case (RFC 3501 §5.1: "INBOX" is case-insensitive).
    public var isInbox: Bool {
        bytes.count == 5 && String(decoding: bytes, as: UTF8.self).uppercased() == "INBOX"
    }

    public var description: String { String(decoding: bytes, as: UTF8.self) }
}

/// `list-mailbox` (RFC 9051 §9): a mailbox name pattern that may hold `%` and `*` wildcards.
public struct MailboxPattern: Hashable, Sendable, CustomStringConvertible {
    public var bytes: [UInt8]
    public init(_ bytes: [UInt8]) { self.bytes = bytes }
    public init(_ string: String) { self.bytes = Array(string.utf8) }
    public var description: String { String(decoding: bytes, as: UTF8.self) }
}
