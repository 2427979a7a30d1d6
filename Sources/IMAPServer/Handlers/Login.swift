import IMAPSyntax
import MailCore
import MailStore

extension Session {
    /// LOGIN (RFC 9051 §6.2.3): refused with `[PRIVACYREQUIRED]` where passwords may not
    /// travel in the clear (LOGINDISABLED is advertised there, RFC 9051 §6.2.3).
    func login(_ username: String, _ password: String) async throws -> CommandOutcome {
        guard plaintextAllowed else {
            return .no("Log in over TLS (STARTTLS or the TLS port)", code: .privacyRequired)
        }
        return try await authenticateUser(username, password)
    }

    /// Whether a password may be sent in the clear on this connection (RFC 8314 §3).
    var plaintextAllowed: Bool {
        switch configuration.plaintextAuthentication {
        case .always: return true
        case .tlsOnly: return transport.tls
        case .tlsOrLoopback: return transport.tls || connection.isLoopback
        }
    }

    /// Verifies credentials and enters the authenticated state. The failure text never says
    /// whether the user or the password was wrong (RFC 9051 §6.2.3); answers to an address
    /// that failed recently are delayed, and a connection that fails too often is closed.
    func authenticateUser(_ username: String, _ password: String) async throws -> CommandOutcome {
        let user = try await verifyWithPenalty { try await self.environment.authenticator.verify(username: username, password: password) }
        guard let user else {
            logger.notice("login failed", metadata: ["user": "\(username)"])
            return try await loginFailed()
        }
        return try enterAuthenticatedState(as: user)
    }

    /// Runs a credential check after the address's penalty delay (like Dovecot's auth penalty).
    func verifyWithPenalty(_ check: () async throws -> User?) async throws -> User? {
        try await waitOutLoginPenalty()
        return try await check()
    }

    /// Waits as long as the client's address must before its next credential check.
    func waitOutLoginPenalty() async throws {
        let delay = environment.penalties.delay(for: connection.remote)
        if delay > .zero { try await Task.sleep(for: delay) }
    }

    /// The answer to a failed login; the connection closes after too many.
    func loginFailed() async throws -> CommandOutcome {
        environment.penalties.recordFailure(from: connection.remote)
        loginFailures += 1
        var outcome = CommandOutcome.no("Authentication failed", code: .authenticationFailed)
        if loginFailures >= configuration.maxLoginFailuresPerConnection {
            outcome.closeConnection = "Too many failed logins"  // after the tagged NO (RFC 9051 §7.1.5)
        }
        return outcome
    }

    /// Logs the user in, unless they already have the most connections allowed.
    func enterAuthenticatedState(as user: User) throws -> CommandOutcome {
        guard environment.registry.bind(connection.id, toUser: user.name, limit: configuration.maxConnectionsPerUser) else {
            logger.notice("login refused: too many connections", metadata: ["user": "\(user.name)"])
            return .no("Too many connections for this account", code: .limit)
        }
        environment.penalties.recordSuccess(from: connection.remote)
        logger[metadataKey: "user"] = "\(user.name)"
        logger.info("login succeeded")
        state = .authenticated(UserSession(user: user))
        return .ok("Logged in", code: .capability(capabilities))
    }
}
