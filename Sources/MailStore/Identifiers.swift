/// A user account's stable identifier in a store.
public struct UserID: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: Int64
    public init(rawValue: Int64) { self.rawValue = rawValue }
    public var description: String { String(rawValue) }
}

/// A mailbox's stable identifier: survives RENAME; a deleted and re-created mailbox gets a new one.
public struct MailboxID: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: Int64
    public init(rawValue: Int64) { self.rawValue = rawValue }
    public var description: String { String(rawValue) }
}

/// The name of an immutable message blob: the lowercase hex SHA-256 of its bytes, so identical
/// messages (one LMTP delivery to many users, COPY) share one blob.
public struct BlobID: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }
}

/// An account.
public struct User: Hashable, Sendable {
    public var id: UserID
    public var name: String
    public init(id: UserID, name: String) {
        self.id = id
        self.name = name
    }
}

extension User {
    /// User names are case-insensitive: stored and looked up in lower case.
    public static func canonicalName(_ name: String) -> String { name.lowercased() }
}
