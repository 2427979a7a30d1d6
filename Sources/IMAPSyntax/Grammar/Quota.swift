/// `setquota-resource = resource-name SP resource-limit` (RFC 9208 §7): a limit a SETQUOTA
/// asks for. The name is kept as sent, upper case (`resource-name-ext` is any atom).
public struct QuotaLimitRequest: Hashable, Sendable {
    public var resource: String
    public var limit: UInt64

    public init(resource: String, limit: UInt64) {
        self.resource = resource
        self.limit = limit
    }
}

/// `quota-resource = resource-name SP resource-usage SP resource-limit` (RFC 9208 §7): one
/// triplet of a QUOTA response. STORAGE is in units of 1024 octets (§5.1).
public struct QuotaResourceStatus: Hashable, Sendable {
    public var resource: String
    public var usage: UInt64
    public var limit: UInt64

    public init(resource: String, usage: UInt64, limit: UInt64) {
        self.resource = resource
        self.usage = usage
        self.limit = limit
    }
}
