/// A store that can swap an account's credentials for new ones only while they are still the
/// ones a login has just verified: how the server re-keys a password transparently (new
/// iteration count, RFC 7677 §4) without undoing a password change made at the same moment by
/// an administrator.
public protocol CredentialReplacing: MailStore {
    /// Stores `replacement` for the user if the stored record is still `expected`; returns
    /// false (and changes nothing) if it is not, or if there is no such user.
    func replaceCredentials(_ expected: PasswordCredentials, with replacement: PasswordCredentials,
                            forUser name: String) async throws -> Bool
}
