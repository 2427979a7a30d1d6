import IMAPSyntax
import MailCore
import MailStore

/// Where one SASL exchange stands (RFC 4422 §3).
enum SASLState {
    /// PLAIN (RFC 4616): one message with the credentials.
    case plain
    /// LOGIN (draft-murchison-sasl-login): the user name, then the password.
    case login(username: String?)
    /// SCRAM-SHA-256 or SCRAM-SHA-256-PLUS (RFC 5802, RFC 7677), and the account once its
    /// credentials were looked up.
    case scram(SCRAMServerExchange, user: User?)

    /// The SASL mechanisms this connection offers (RFC 9051 §6.2.2): the plaintext ones only
    /// where passwords may travel in the clear; SCRAM, which never reveals the password,
    /// always; its channel-bound variant where TLS gives a binding (RFC 5802 §6).
    static func offered(plaintextAllowed: Bool, channelBinding: Bool) -> [String] {
        (plaintextAllowed ? ["PLAIN", "LOGIN"] : [])
            + ["SCRAM-SHA-256"] + (channelBinding ? ["SCRAM-SHA-256-PLUS"] : [])
    }
}

/// What a SASL step leads to.
private enum SASLStep {
    /// Send this challenge and wait for the next response.
    case challenge([UInt8], SASLState)
    /// The exchange is over with this answer.
    case done(CommandOutcome)
}

extension Session {
    /// AUTHENTICATE (RFC 9051 §6.2.2) with PLAIN (RFC 4616), LOGIN, SCRAM-SHA-256 and
    /// SCRAM-SHA-256-PLUS (RFC 7677), the initial response allowed on the command line
    /// (SASL-IR, RFC 4959). Plaintext mechanisms are refused with `[PRIVACYREQUIRED]` where
    /// passwords may not travel in the clear.
    func authenticate(tag: Tag, mechanism: String, initialResponse: SASLInitialResponse?) async throws -> CommandStep {
        let name = mechanism.uppercased()
        let state: SASLState
        switch name {
        case "PLAIN": state = .plain
        case "LOGIN": state = .login(username: nil)
        case "SCRAM-SHA-256", "SCRAM-SHA-256-PLUS":
            let decoy = SCRAMDecoy(iterations: configuration.passwordIterations)
            let exchange = SCRAMServerExchange(plus: name.hasSuffix("-PLUS"), binding: offeredChannelBinding, decoy: decoy)
            state = .scram(exchange, user: nil)
        default: return .done(.no("Unsupported authentication mechanism \(mechanism)", code: .cannot))
        }
        guard offeredMechanisms.contains(name) else {
            if name.hasSuffix("-PLUS") { return .done(.no("\(name) needs TLS channel binding", code: .cannot)) }
            return .done(.no("Authenticate over TLS (STARTTLS or the TLS port)", code: .privacyRequired))
        }
        let step: SASLStep
        switch initialResponse {
        case .none:
            step = firstChallenge(state)
        case .empty:
            step = try await advance(state, with: [])
        case .base64(let text):
            guard let bytes = GrammarParser.decodeBase64(Array(text.utf8)) else {
                return .done(.bad("Invalid base64 in initial response"))
            }
            step = try await advance(state, with: bytes)
        }
        return continueExchange(step, tag: tag)
    }

    /// The client's next response in an exchange (RFC 9051 §6.2.2): `*` cancels it.
    func continueAuthentication(_ state: SASLState, response line: [UInt8], tag: Tag) async throws -> CommandStep {
        let step: SASLStep
        switch GrammarParser.parseSASLResponse(line) {
        case .cancel?: step = .done(.bad("Authentication cancelled"))
        case .data(let bytes)?: step = try await advance(state, with: bytes)
        case nil: step = .done(.bad("Invalid base64 in authentication response"))
        }
        if case .done = step { endLoginTurn() }
        return continueExchange(step, tag: tag)
    }

    /// The mechanisms AUTHENTICATE accepts on this connection now.
    var offeredMechanisms: [String] {
        SASLState.offered(plaintextAllowed: plaintextAllowed, channelBinding: offeredChannelBinding != nil)
    }

    /// The channel binding SCRAM-SHA-256-PLUS can use: only once TLS is running.
    private var offeredChannelBinding: ChannelBinding? { transport.tls ? transport.channelBinding : nil }

    /// Sends a challenge and waits for the answer, or hands back the final outcome.
    private func continueExchange(_ step: SASLStep, tag: Tag) -> CommandStep {
        switch step {
        case .challenge(let bytes, let state):
            output.send(.continuationChallenge(bytes))
            return .awaitLine(.authenticating(tag: tag, state))
        case .done(let outcome):
            return .done(outcome)
        }
    }

    /// The challenge that opens an exchange without an initial response.
    private func firstChallenge(_ state: SASLState) -> SASLStep {
        switch state {
        case .plain, .scram: return .challenge([], state)  // client-first mechanisms
        case .login: return .challenge(Array("Username:".utf8), state)
        }
    }

    /// One client response of an exchange.
    private func advance(_ state: SASLState, with response: [UInt8]) async throws -> SASLStep {
        switch state {
        case .plain:
            return .done(try await authenticatePlain(response))
        case .login(nil):
            return .challenge(Array("Password:".utf8), .login(username: String(decoding: response, as: UTF8.self)))
        case .login(let username?):
            return .done(try await authenticateUser(username, String(decoding: response, as: UTF8.self)))
        case .scram(var exchange, var user):
            var step = exchange.receive(response)
            if case .needCredentials(let username) = step {
                guard try await waitOutLoginPenalty(for: username) else { return .done(loginRefused()) }
                let found = try await store.credentials.credentials(forLogin: username)
                user = found?.0
                step = exchange.receiveCredentials(found?.1)
            }
            switch step {
            case .challenge(let message), .success(_, serverFinal: let message):
                return .challenge(message, .scram(exchange, user: user))
            case .authenticated:
                guard let user else { return .done(try await loginFailed()) }
                return .done(try enterAuthenticatedState(as: user))
            case .failure(let reason):
                logClientEvent(.notice, "login failed", metadata: ["mechanism": "SCRAM", "reason": "\(LoggedText(reason))"])
                return .done(try await loginFailed())
            case .needCredentials:
                return .done(try await loginFailed())  // asked twice: the exchange is broken
            }
        }
    }

    /// `[authzid] NUL authcid NUL passwd` (RFC 4616 §2); acting for another user (an authzid
    /// other than the authcid) is refused.
    private func authenticatePlain(_ message: [UInt8]) async throws -> CommandOutcome {
        let fields = message.split(separator: 0, omittingEmptySubsequences: false)
        guard fields.count == 3 else { return .bad("Malformed PLAIN response") }
        let authzid = String(decoding: fields[0], as: UTF8.self)
        let authcid = String(decoding: fields[1], as: UTF8.self)
        let password = String(decoding: fields[2], as: UTF8.self)
        if !authzid.isEmpty && User.canonicalName(authzid) != User.canonicalName(authcid) {
            return .no("Not authorized to act as another user", code: .authorizationFailed)
        }
        return try await authenticateUser(authcid, password)
    }
}
