/// How the deliverer resolves recipients and what it accepts (the `[lmtp]` settings).
public struct DeliveryConfiguration: Sendable {
    /// The domains whose addresses are local, lower case; an address in another domain is an
    /// unknown recipient. Empty: any domain (only the local part is looked at).
    public var domains: [String]
    /// Characters that separate a user from a subaddress (RFC 5233 §3: `alice+lists`). Each
    /// character is a delimiter, as Dovecot's `recipient_delimiter`; empty turns it off.
    public var subaddressDelimiter: String
    /// Seconds within which a second delivery of one Message-ID to one user is dropped
    /// (answered as delivered); 0 turns duplicate suppression off.
    public var duplicateWindowSeconds: Int64
    /// The largest message accepted, in bytes (RFC 1870 SIZE).
    public var maxMessageSize: UInt64
    /// This server's name in `Received:` lines.
    public var hostName: String
    /// Whether a delivery to a full mailbox is a temporary failure (`452 4.2.2`, the MTA
    /// retries) rather than a permanent one (`552 5.2.2`), as Dovecot's `quota_full_tempfail`.
    /// A message larger than the whole limit is always permanent.
    public var quotaFullTempfail: Bool

    public init(domains: [String] = [], subaddressDelimiter: String = "+", duplicateWindowSeconds: Int64 = 0,
                maxMessageSize: UInt64 = 64 << 20, hostName: String = "localhost", quotaFullTempfail: Bool = false) {
        self.quotaFullTempfail = quotaFullTempfail
        self.domains = domains.map { $0.lowercased() }
        self.subaddressDelimiter = subaddressDelimiter
        self.duplicateWindowSeconds = duplicateWindowSeconds
        self.maxMessageSize = maxMessageSize
        self.hostName = hostName
    }
}
