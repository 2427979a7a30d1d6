public import MailCore

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
