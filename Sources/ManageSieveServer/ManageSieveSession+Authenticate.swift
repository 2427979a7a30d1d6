import IMAPServer
import MailCore
import MailStore
import ManageSieveSyntax

/// Where one SASL exchange stands (RFC 4422 §3, RFC 5804 §2.1).
enum SASLExchange {
    /// PLAIN (RFC 4616): one message, the credentials.
    case plain
    /// SCRAM-SHA-256 (RFC 7677), with the account once its credentials were looked up.
    case scram(SCRAMServerExchange, user: User?)
}

/// What one step of an exchange leads to.
private enum SASLStep {
    case challenge([UInt8], SASLExchange)
    case done(ManageSieveResponse)
}

extension ManageSieveSession {
    /// The mechanisms offered now: PLAIN only where IMAP would take a password in the clear
    /// (RFC 5804 §2.1.1: PLAIN over TLS), SCRAM-SHA-256 always.
    var offeredMechanisms: [String] {
        (plaintextAllowed ? ["PLAIN"] : []) + ["SCRAM-SHA-256"]
    }

    /// IMAP's rule (`plaintext_auth`): over TLS, from loopback, or always, as configured.
    var plaintextAllowed: Bool {
        switch environment.configuration.plaintextAuthentication {
        case .always: return true
        case .tlsOnly: return tls
        case .tlsOrLoopback: return tls || connection.isLoopback
        }
    }

    /// AUTHENTICATE (RFC 5804 §2.1), the initial response allowed: challenges and responses
    /// are base64 strings on lines of their own, `"*"` cancels.
    func authenticate(mechanism: String, initialResponse: [UInt8]?) async throws {
        let exchange: SASLExchange
        switch mechanism {
        case "PLAIN":
            guard plaintextAllowed else {
                try await send(response: .no("PLAIN needs TLS (use STARTTLS)", code: .encryptNeeded))
                return
            }
            exchange = .plain
        case "SCRAM-SHA-256":
            let decoy = SCRAMDecoy(iterations: environment.configuration.passwordIterations)
            exchange = .scram(SCRAMServerExchange(plus: false, binding: nil, decoy: decoy), user: nil)
        default:
            try await send(response: .no("Unsupported authentication mechanism \(mechanism)"))
            return
        }
        guard let initialResponse else {
            try await finish(.challenge([], exchange))  // both are client-first: an empty challenge
            return
        }
        guard let decoded = Base64.decode(initialResponse) else {
            try await send(response: .no("Invalid base64 in the initial response"))
            return
        }
        try await finish(try await advance(exchange, with: decoded))
    }

    /// The client's response to a challenge.
    func continueAuthentication(_ exchange: SASLExchange, with frame: ManageSieveFrame) async throws {
        state = .notAuthenticated
        guard frame.tokens.count == 1, case .string(let text) = frame.tokens[0] else {
            environment.penalties.release(connection: connection.id)
            try await send(response: .no("Expected a string with the SASL response"))
            return
        }
        if text == Array("*".utf8) {
            environment.penalties.release(connection: connection.id)
            try await send(response: .no("Authentication cancelled"))
            return
        }
        guard let decoded = Base64.decode(text) else {
            environment.penalties.release(connection: connection.id)
            try await send(response: .no("Invalid base64 in the SASL response"))
            return
        }
        try await finish(try await advance(exchange, with: decoded))
    }

    private func finish(_ step: SASLStep) async throws {
        switch step {
        case .challenge(let bytes, let exchange):
            state = .authenticating(exchange)
            var output: [UInt8] = []
            ManageSieveEncoder.stringLine(Base64.encode(bytes), into: &output)
            try await send(output)
        case .done(let response):
            if case .authenticating = state { state = .notAuthenticated }
            if loginFailures >= environment.configuration.maxLoginFailuresPerConnection, response.status == .no {
                try await end(.bye("Too many failed logins"))
            } else {
                try await send(response: response)
            }
        }
    }

    private func advance(_ exchange: SASLExchange, with response: [UInt8]) async throws -> SASLStep {
        switch exchange {
        case .plain:
            return .done(try await authenticatePlain(response))
        case .scram(var scram, var user):
            var step = scram.receive(response)
            if case .needCredentials(let username) = step {
                guard try await waitForTurn(username) else { return .done(loginRefused()) }
                let found = try await environment.storage.credentials.credentials(forLogin: username)
                user = found?.0
                step = scram.receiveCredentials(found?.1)
            }
            switch step {
            case .challenge(let message):
                return .challenge(message, .scram(scram, user: user))
            case .success(_, let serverFinal):
                // RFC 5804 §2.1: the server's last data goes in OK's SASL code, no round trip.
                guard case .authenticated = scram.receive([]), let user else { return .done(loginFailed()) }
                return .done(await enterAuthenticatedState(as: user, serverFinal: serverFinal))
            case .authenticated, .needCredentials:
                return .done(loginFailed())
            case .failure(let reason):
                logger.notice("login failed", metadata: ["mechanism": "SCRAM", "reason": "\(LoggedText(reason))"])
                return .done(loginFailed())
            }
        }
    }

    /// `[authzid] NUL authcid NUL passwd` (RFC 4616 §2); acting as another user is refused.
    private func authenticatePlain(_ message: [UInt8]) async throws -> ManageSieveResponse {
        let fields = message.split(separator: 0, omittingEmptySubsequences: false)
        guard fields.count == 3 else { return .no("Malformed PLAIN response") }
        let authzid = String(decoding: fields[0], as: UTF8.self)
        let authcid = String(decoding: fields[1], as: UTF8.self)
        let password = String(decoding: fields[2], as: UTF8.self)
        if !authzid.isEmpty && User.canonicalName(authzid) != User.canonicalName(authcid) {
            return .no("Not authorized to act as another user")
        }
        guard try await waitForTurn(authcid) else { return loginRefused() }
        guard let user = try await environment.authenticator.verify(username: authcid, password: password) else {
            logger.notice("login failed", metadata: ["user": "\(LoggedText(authcid, limit: 64))"])
            return loginFailed()
        }
        return await enterAuthenticatedState(as: user, serverFinal: nil)
    }

    /// Waits for this attempt's turn and penalty (`LoginPenalties`, shared with IMAP).
    private func waitForTurn(_ username: String) async throws -> Bool {
        let key = User.canonicalName(username) ?? "\u{FFFD}"
        return try await environment.penalties.waitForTurn(connection: connection.id, address: connection.remote,
                                                           user: key)
    }

    private func loginFailed() -> ManageSieveResponse {
        environment.penalties.recordFailure(connection: connection.id, address: connection.remote)
        loginFailures += 1
        return .no("Authentication failed")
    }

    private func loginRefused() -> ManageSieveResponse {
        logger.notice("login refused: too many attempts")
        loginFailures += 1
        return .no("Too many login attempts, try again later", code: .tryLater)
    }

    private func enterAuthenticatedState(as user: User, serverFinal: [UInt8]?) async -> ManageSieveResponse {
        environment.penalties.recordSuccess(connection: connection.id, address: connection.remote, user: user.name)
        guard environment.registry.bind(connection.id, to: user,
                                         limit: environment.configuration.maxConnectionsPerUser) else {
            logger.notice("login refused: too many connections", metadata: ["user": "\(LoggedText(user.name))"])
            return .no("Too many connections for this account", code: .tryLater)
        }
        logger[metadataKey: "user"] = "\(LoggedText(user.name))"
        logger.info("login succeeded")
        state = .authenticated(user)
        framer.limits.maximumLiteralSize = configuration.maxScriptSize
        await transport.setLoggedIn(true)
        return .ok("Logged in", code: serverFinal.map { .sasl(Base64.encode($0)) })
    }
}
