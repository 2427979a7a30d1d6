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
    /// The one form of a user name that is stored and looked up: the PRECIS UsernameCaseMapped
    /// profile (RFC 8265 §3.3: width mapping, Unicode lower case, NFC, the IdentifierClass and
    /// the Bidi Rule), so `ＡＬＩＣＥ`, `Alice` and `alice` are one account and an NFD spelling
    /// finds the NFC one. Nil if the name is not a valid user name (spaces, controls, symbols
    /// outside ASCII, characters with compatibility forms, empty): no account has such a name.
    public static func canonicalName(_ name: String) -> String? { UsernameCaseMapped.enforce(name) }
}
