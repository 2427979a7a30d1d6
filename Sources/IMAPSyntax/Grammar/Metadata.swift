public import MailCore

/// `getmetadata` (RFC 5464 §4.2, §5): the mailbox (empty for the server), the options and the
/// entries asked for.
public struct GetMetadataCommand: Hashable, Sendable {
    /// The empty name means the server's entries (METADATA-SERVER).
    public var mailbox: MailboxName
    /// `MAXSIZE n` (§4.2.1): only values of at most n octets are returned.
    public var maxSize: UInt32?
    /// `DEPTH 0 / 1 / infinity` (§4.2.2); `.zero` when absent.
    public var depth: MetadataDepth
    public var entries: [MetadataEntryName]

    public init(mailbox: MailboxName, maxSize: UInt32? = nil, depth: MetadataDepth = .zero,
                entries: [MetadataEntryName]) {
        self.mailbox = mailbox
        self.maxSize = maxSize
        self.depth = depth
        self.entries = entries
    }
}

/// `entry-value = entry SP value` (RFC 5464 §5): in SETMETADATA, nil (NIL) removes the entry;
/// in a METADATA response, nil is an entry asked for that has no value.
public struct MetadataEntryValue: Hashable, Sendable {
    public var entry: MetadataEntryName
    public var value: [UInt8]?

    public init(entry: MetadataEntryName, value: [UInt8]?) {
        self.entry = entry
        self.value = value
    }
}

/// The `METADATA` response codes (RFC 5464 §4.2.1, §4.3, §5).
public enum MetadataResponseCode: Hashable, Sendable {
    /// `METADATA LONGENTRIES n`: the largest value left out by MAXSIZE.
    case longEntries(UInt64)
    /// `METADATA MAXSIZE n`: the largest value the server accepts.
    case maxSize(UInt64)
    /// `METADATA TOOMANY`: no more entries.
    case tooMany
    /// `METADATA NOPRIVATE`: no private entries here.
    case noPrivate
}
