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
    /// The account of a canonical user name, or nil (a deleted account is gone: the server
    /// ends its sessions).
    func user(named name: String) async throws -> User?
}

/// How users prove who they are (Dovecot's passdb), apart from where their mail is, so that an
/// external directory can answer instead.
public protocol CredentialStore: Sendable {
    /// The account of a (canonical) login name and its stored credentials, or nil if there is
    /// no such user.
    func credentials(forUser name: String) async throws -> (User, PasswordCredentials)?
    /// Replaces a user's credentials. Throws `userNotFound`.
    func setCredentials(_ credentials: PasswordCredentials, forUser name: String) async throws
    /// Stores `replacement` for the user only if the stored record is still `expected`: how
    /// the server re-keys a password transparently (a new iteration count, RFC 7677 §4)
    /// without undoing a password change made at the same moment. False (and nothing changed)
    /// if it is not, or if there is no such user.
    func replaceCredentials(_ expected: PasswordCredentials, with replacement: PasswordCredentials,
                            forUser name: String) async throws -> Bool
}

extension CredentialStore {
    /// The account a client names at login and its credentials: the name in its canonical
    /// form (RFC 8265 §3.3, `User.canonicalName`); nil if there is no such user or the name
    /// is not a valid user name.
    public func credentials(forLogin name: String) async throws -> (User, PasswordCredentials)? {
        guard let canonical = User.canonicalName(name) else { return nil }
        return try await credentials(forUser: canonical)
    }
}

/// Secrets of one installation that must outlive restarts and travel with the data: random
/// bytes made at first use and never changed, so that what is derived from them (EMAILIDs,
/// RFC 8474 §5.1, which must never change for a message) stays the same.
public protocol ServerSecrets: Sendable {
    /// The 32-byte secret called `name`, created on the first call.
    func secret(named name: String) async throws -> [UInt8]
}
