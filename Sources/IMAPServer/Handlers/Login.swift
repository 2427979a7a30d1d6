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
    /// whether the user or the password was wrong (RFC 9051 §6.2.3). Every check first waits
    /// for its turn and penalty delay (`LoginPenalties`); a connection that fails too often
    /// is closed.
    func authenticateUser(_ username: String, _ password: String) async throws -> CommandOutcome {
        guard try await waitOutLoginPenalty(for: username) else { return loginRefused() }
        guard let user = try await environment.authenticator.verify(username: username, password: password) else {
            logClientEvent(.notice, "login failed", metadata: ["user": "\(LoggedText(username, limit: 64))"])
            return try await loginFailed()
        }
        return try enterAuthenticatedState(as: user)
    }

    /// Waits for this attempt's turn among the attempts from the same address and at the same
    /// user, then for the penalty their failures call for; false if the turn did not come in
    /// time. Every credential check (LOGIN, PLAIN, SASL LOGIN, SCRAM) passes here first.
    func waitOutLoginPenalty(for username: String) async throws -> Bool {
        let user = User.canonicalName(username) ?? Self.invalidUserKey
        return try await environment.penalties.waitForTurn(connection: connection.id, address: connection.remote,
                                                           user: user)
    }

    /// The penalty key for every name that is not a valid user name: such names reach no
    /// account, but guesses with them still count against the address.
    private static let invalidUserKey = "\u{FFFD}"

    /// The answer to a failed login; the connection closes after too many.
    func loginFailed() async throws -> CommandOutcome {
        environment.penalties.recordFailure(connection: connection.id, address: connection.remote)
        return countingFailure(.no("Authentication failed", code: .authenticationFailed))
    }

    /// The answer to an attempt that did not get its turn in time (too many attempts from
    /// this address or at this user): refused without checking, so it tells nothing about the
    /// password; it counts towards the connection's failed logins.
    func loginRefused() -> CommandOutcome {
        logClientEvent(.notice, "login refused: too many attempts")
        return countingFailure(.no("Too many login attempts, try again later", code: .unavailable))
    }

    /// Gives up this connection's turn when a SASL exchange ends without an outcome (the
    /// client cancelled with `*`, or sent invalid base64, RFC 9051 §6.2.2), or the connection
    /// ends, so that attempts waiting on the same keys need not wait for the turn to expire.
    func endLoginTurn() {
        environment.penalties.release(connection: connection.id)
    }

    /// Counts a failed login; after too many the connection closes after the tagged NO
    /// (RFC 9051 §7.1.5).
    private func countingFailure(_ outcome: CommandOutcome) -> CommandOutcome {
        loginFailures += 1
        var outcome = outcome
        if loginFailures >= configuration.maxLoginFailuresPerConnection {
            outcome.closeConnection = "Too many failed logins"
        }
        return outcome
    }

    /// Logs the user in, unless they already have the most connections allowed.
    func enterAuthenticatedState(as user: User) throws -> CommandOutcome {
        environment.penalties.recordSuccess(connection: connection.id, address: connection.remote, user: user.name)
        guard environment.registry.bind(connection.id, to: user, limit: configuration.maxConnectionsPerUser) else {
            logClientEvent(.notice, "login refused: too many connections", metadata: ["user": "\(LoggedText(user.name))"])
            return .no("Too many connections for this account", code: .limit)
        }
        logger[metadataKey: "user"] = "\(LoggedText(user.name))"
        logger.info("login succeeded")
        state = .authenticated(UserSession(user: user))
        return .ok("Logged in", code: .capability(capabilities))
    }
}
