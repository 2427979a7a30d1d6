import IMAPSyntax
import MailStore

extension Session {
    /// LOGIN (RFC 9051 §6.2.3).
    func login(_ username: String, _ password: String) async throws -> CommandOutcome {
        try await authenticateUser(username, password)
    }

    /// Verifies credentials and enters the authenticated state. The failure text never says
    /// whether the user or the password was wrong (RFC 9051 §6.2.3).
    func authenticateUser(_ username: String, _ password: String) async throws -> CommandOutcome {
        guard let user = try await server.authenticator.verify(username: username, password: password) else {
            logger.notice("login failed", metadata: ["user": "\(username)"])
            return .no("Authentication failed", code: .authenticationFailed)
        }
        logger[metadataKey: "user"] = "\(user.name)"
        logger.info("login succeeded")
        state = .authenticated(user)
        return .ok("Logged in", code: .capability(capabilities))
    }
}
