import MailCore

/// Who has an account (Dovecot's userdb). Creating an account creates its INBOX; deleting one
/// removes all its mail.
public protocol AccountStore: Sendable {
    /// Creates an account with an INBOX and its first credentials. Throws `userExists`.
    func addUser(name: String, credentials: PasswordCredentials) async throws -> User
    /// Removes an account with all its mailboxes, messages and subscriptions. Throws
    /// `userNotFound`.
    func deleteUser(name: String) async throws
    /// Every account, in name order.
    func users() async throws -> [User]
}

/// How users prove who they are (Dovecot's passdb), apart from where their mail is, so that an
/// external directory can answer instead.
public protocol CredentialStore: Sendable {
    /// The account of a (canonical) login name and its stored credentials, or nil if there is
    /// no such user.
    func credentials(forUser name: String) async throws -> (User, PasswordCredentials)?
    /// Replaces a user's credentials. Throws `userNotFound`.
    func setCredentials(_ credentials: PasswordCredentials, forUser name: String) async throws
}
