import Crypto
import MailCore
package import MailStore

/// The server side of one SCRAM-SHA-256 or SCRAM-SHA-256-PLUS exchange (RFC 5802 §5,
/// RFC 7677 §3), as a state machine: each method takes what the client (or the store) said and
/// returns the next ``Step``; the AUTHENTICATE handler does the I/O.
///
/// In IMAP (RFC 9051 §6.2.2, SASL-IR RFC 4959) the whole exchange is:
///
/// ```
/// C: A1 AUTHENTICATE SCRAM-SHA-256 biwsbj11c2VyLHI9ck9wck5HZndFYmVSV2diTkVrcU8=
///      receive(client-first)        → .needCredentials("user")
///      receiveCredentials(stored)   → .challenge(server-first)
/// S: + cj1yT3ByTkdmd0ViZVJXZ2JORWtxTyVodllEcFdVYTJSYVRDQWZ1eEZJbGopaE5sRiRrMCxzPVcy…
/// C: Yz1iaXdzLHI9ck9wck5HZndFYmVSV2diTkVrcU8laHZZRHBXVWEyUmFUQ0FmdXhGSWxqKWhObEYk…
///      receive(client-final)        → .success("user", server-final)
/// S: + dj02cnJpVFJCaTIzV3BSUi93dHVwK21NaFVaVW4vZEI1bkxUSlJzamw5NUc0PQ==
/// C:
///      receive([])                  → .authenticated("user")
/// S: A1 OK [CAPABILITY …] Authenticated
/// ```
///
/// Without SASL-IR (`A1 AUTHENTICATE SCRAM-SHA-256` alone) the handler first sends an empty
/// challenge (`+ `) and the client-first message comes on the next line (RFC 4422 §5 2a:
/// SCRAM is client-first). The server-final message goes out as a last challenge because
/// IMAP's tagged OK has no field for "additional data with success" (RFC 4422 §3.6 and §5 2b,
/// RFC 5802 §5.2): RFC 4422 §5 then has the server send it as a challenge "whose response is
/// empty", and report success only after that empty response. A `*` (cancel) at any step is the
/// handler's: tagged BAD (RFC 9051 §6.2.2), as is undecodable base64.
///
/// Every ``Step/failure(reason:)`` should become the same `NO [AUTHENTICATIONFAILED]`: the
/// reason is for logs. No server-final `e=` message is sent (RFC 5802 §5.1 allows ending a
/// failed exchange without one), so a client learns nothing about why, nor whether the user
/// exists: an unknown user gets a stable fake salt and fails only at the proof.
package struct SCRAMServerExchange: Sendable {
    package enum Step: Equatable, Sendable {
        /// Look up this user's credentials (the name is SASLprep-ed; the store's canonical
        /// form is the handler's business) and call ``receiveCredentials(_:)``.
        case needCredentials(username: String)
        /// Send this challenge: `+ ` and the base64 of the bytes.
        case challenge([UInt8])
        /// The client's proof is right: send `serverFinal` as a challenge (`+ ` and base64,
        /// see above) and pass the client's next response to ``receive(_:)``. Not yet
        /// authenticated: a client that rejects the server's signature answers `*`.
        case success(username: String, serverFinal: [UInt8])
        /// The client acknowledged the server-final message with an empty response: reply with
        /// the tagged OK, authenticated as `username` (the authentication identity; any
        /// authzid was checked to be the same user).
        case authenticated(username: String)
        /// Fail without telling the client why (RFC 9051 §6.2.3 spirit); `reason` is for logs.
        case failure(reason: String)
    }

    private enum State: Sendable {
        case awaitingClientFirst
        case awaitingCredentials(ClientFirst)
        case awaitingClientFinal(ClientFirst, Challenge)
        case awaitingAcknowledgement(username: String)
        /// Authenticated or failed: every further call fails.
        case finished
    }

    /// What the client-first message established.
    private struct ClientFirst: Sendable {
        var message: ClientFirstMessage
        /// The SASLprep-ed authentication identity.
        var username: String
        /// `cbind-input`: the GS2 header and, with `p=`, the binding data (RFC 5802 §5.1 `c`).
        var channelBindingInput: [UInt8]
    }

    /// What the server-first message sent.
    private struct Challenge: Sendable {
        var message: [UInt8]
        var nonce: String
        var credentials: PasswordCredentials
        var knownUser: Bool
    }

    private let plus: Bool
    private let binding: ChannelBinding?
    private let decoy: SCRAMDecoy
    private let serverNonce: String
    private var state = State.awaitingClientFirst

    /// - Parameters:
    ///   - plus: the mechanism is SCRAM-SHA-256-PLUS (channel binding required).
    ///   - binding: what this connection can offer, nil without TLS. Pass it exactly when this
    ///     connection advertises `AUTH=SCRAM-SHA-256-PLUS`: a client flag `y` ("I support
    ///     binding but you don't seem to") is then a downgrade and fails (RFC 5802 §6).
    ///   - decoy: how unknown users are answered.
    ///   - nonce: the server's nonce part (printable ASCII without ","); injectable for tests.
    package init(plus: Bool, binding: ChannelBinding?, decoy: SCRAMDecoy = SCRAMDecoy(),
         nonce: () -> String = SCRAMServerExchange.randomNonce) {
        self.plus = plus
        self.binding = binding
        self.decoy = decoy
        self.serverNonce = nonce()
    }

    /// 18 random bytes in base64: 24 printable characters, none of them "," (RFC 5802 §5.1 `r`).
    package static func randomNonce() -> String {
        var generator = SystemRandomNumberGenerator()
        return SCRAMGrammar.base64((0..<18).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
    }

    /// The client's next message, decoded from base64: the client-first message, then the
    /// client-final message, then the (empty) acknowledgement of the server-final message.
    package mutating func receive(_ clientMessage: [UInt8]) -> Step {
        let current = state
        state = .finished
        switch current {
        case .awaitingClientFirst:
            return receiveClientFirst(clientMessage)
        case .awaitingClientFinal(let first, let challenge):
            return receiveClientFinal(clientMessage, first: first, challenge: challenge)
        case .awaitingAcknowledgement(let username):
            guard clientMessage.isEmpty else {
                return .failure(reason: "non-empty response to the server-final message")
            }
            return .authenticated(username: username)
        case .awaitingCredentials:
            return .failure(reason: "client message while waiting for the credentials")
        case .finished:
            return .failure(reason: "client message after the exchange ended")
        }
    }

    /// The stored credentials of the user named in ``Step/needCredentials(username:)``, or nil
    /// when there is no such user: the exchange then goes on with a fake salt and iteration
    /// count (``SCRAMDecoy``) and fails at the proof, as a wrong password would.
    package mutating func receiveCredentials(_ credentials: PasswordCredentials?) -> Step {
        guard case .awaitingCredentials(let first) = state else {
            state = .finished
            return .failure(reason: "credentials out of order")
        }
        state = .finished
        let stored = credentials ?? decoy.credentials(forUsername: first.username)
        guard stored.iterations > 0, !stored.salt.isEmpty,
              stored.storedKey.count == SHA256.byteCount, stored.serverKey.count == SHA256.byteCount
        else { return .failure(reason: "stored credentials unusable for SCRAM-SHA-256") }
        let nonce = first.message.nonce + serverNonce
        let message = SCRAMGrammar.serverFirstMessage(nonce: nonce, salt: stored.salt,
                                                      iterations: stored.iterations)
        let challenge = Challenge(message: message, nonce: nonce, credentials: stored,
                                  knownUser: credentials != nil)
        state = .awaitingClientFinal(first, challenge)
        return .challenge(message)
    }

    // MARK: - Client-first message

    private mutating func receiveClientFirst(_ bytes: [UInt8]) -> Step {
        let message: ClientFirstMessage
        do {
            message = try SCRAMGrammar.parseClientFirstMessage(bytes)
        } catch {
            return .failure(reason: "client-first-message: \(error)")
        }
        let bindingData: [UInt8]
        switch channelBindingData(for: message.gs2Header.flag) {
        case .success(let data): bindingData = data
        case .failure(let refusal): return .failure(reason: refusal.reason)
        }
        // RFC 5802 §5.1 `n`: prepare with SASLprep; failure or an empty result aborts.
        guard let username = SASLprep.prepare(message.username), !username.isEmpty else {
            return .failure(reason: "invalid-username-encoding (SASLprep)")
        }
        // RFC 5802 §5.1 `a`: acting as another user is not authorized here.
        if let authzid = message.gs2Header.authzid {
            guard let prepared = SASLprep.prepare(authzid),
                  User.canonicalName(prepared) == User.canonicalName(username)
            else { return .failure(reason: "authorization identity other than the user") }
        }
        guard !serverNonce.isEmpty,
              serverNonce.utf8.allSatisfy({ (0x21...0x7E).contains($0) && $0 != UInt8(ascii: ",") })
        else { return .failure(reason: "server nonce is not printable") }
        state = .awaitingCredentials(ClientFirst(
            message: message, username: username,
            channelBindingInput: message.gs2Header.bytes + bindingData))
        return .needCredentials(username: username)
    }

    private struct Refusal: Error {
        var reason: String
    }

    /// The channel-binding data the client must include, or why its `gs2-cbind-flag` is
    /// refused (RFC 5802 §6).
    private func channelBindingData(for flag: GS2Header.ChannelBindingFlag) -> Result<[UInt8], Refusal> {
        switch flag {
        case .notSupported:
            if plus { return .failure(Refusal(reason: "-PLUS mechanism with gs2-cbind-flag n")) }
            return .success([])
        case .notAdvertised:
            if plus { return .failure(Refusal(reason: "-PLUS mechanism with gs2-cbind-flag y")) }
            if binding != nil {
                return .failure(Refusal(reason: "server-does-support-channel-binding: flag y on a "
                                        + "connection that offers -PLUS (downgrade?)"))
            }
            return .success([])
        case .required(let type):
            guard plus else {
                return .failure(Refusal(reason: "channel binding requested without the -PLUS mechanism"))
            }
            guard let binding else {
                return .failure(Refusal(reason: "channel-binding-not-supported on this connection"))
            }
            guard type == binding.type else {
                return .failure(Refusal(reason: "unsupported-channel-binding-type \(type)"))
            }
            return .success(binding.data)
        }
    }

    // MARK: - Client-final message

    private mutating func receiveClientFinal(_ bytes: [UInt8], first: ClientFirst, challenge: Challenge) -> Step {
        let message: ClientFinalMessage
        do {
            message = try SCRAMGrammar.parseClientFinalMessage(bytes)
        } catch {
            return .failure(reason: "client-final-message: \(error)")
        }
        // RFC 5802 §6: "The server MUST always validate the client's c= field."
        guard message.channelBinding == SCRAMGrammar.base64(first.channelBindingInput) else {
            return .failure(reason: "channel-bindings-dont-match")
        }
        // RFC 5802 §5.1 `r`: the same nonce as in server-first (client's part, then ours).
        guard message.nonce == challenge.nonce else {
            return .failure(reason: "nonce differs from the server-first message")
        }
        guard message.proof.count == SHA256.byteCount else {
            return .failure(reason: "invalid-proof (length \(message.proof.count))")
        }
        // RFC 5802 §3: AuthMessage, ClientSignature, ClientKey, ServerSignature.
        let credentials = challenge.credentials
        let authMessage = first.message.bare + [UInt8(ascii: ",")] + challenge.message
            + [UInt8(ascii: ",")] + message.withoutProof
        let clientSignature = Self.hmac(key: credentials.storedKey, authMessage)
        let clientKey = zip(message.proof, clientSignature).map { $0 ^ $1 }
        let proofMatches = Self.constantTimeEqual(Self.sha256(clientKey), credentials.storedKey)
        let serverSignature = Self.hmac(key: credentials.serverKey, authMessage)
        guard challenge.knownUser else { return .failure(reason: "unknown-user \(first.username)") }
        guard proofMatches else { return .failure(reason: "invalid-proof") }
        state = .awaitingAcknowledgement(username: first.username)
        return .success(username: first.username,
                        serverFinal: SCRAMGrammar.serverFinalMessage(serverSignature: serverSignature))
    }

    // MARK: - Primitives

    /// HMAC-SHA-256 (RFC 7677 §3: the HMAC() of RFC 5802 §2.2 with SHA-256).
    static func hmac(key: [UInt8], _ data: [UInt8]) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: data, using: SymmetricKey(data: key)))
    }

    /// SHA-256, the H() of RFC 5802 §2.2 (RFC 7677 §3).
    static func sha256(_ data: [UInt8]) -> [UInt8] {
        Array(SHA256.hash(data: data))
    }

    /// Equality whose time depends on the length only, not on where the bytes differ.
    static func constantTimeEqual(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for index in lhs.indices { difference |= lhs[index] ^ rhs[index] }
        return difference == 0
    }
}

/// How SCRAM answers a user name the store does not know, so that neither the messages nor
/// their timing tell whether the user exists: a salt derived from the name with a secret key
/// (the same name gets the same salt every time, as a real user would), the iteration count
/// real users get, and keys no proof can match; the proof is checked with the same work.
package struct SCRAMDecoy: Sendable {
    /// Secret for the fake salts. The default is random per process, so a name's fake salt
    /// changes when the server restarts; a configured key makes it stable across restarts.
    var key: [UInt8]
    /// Should be the iteration count new passwords get (`ServerConfiguration`).
    var iterations: Int

    package init(key: [UInt8] = SCRAMDecoy.processKey, iterations: Int = PasswordCredentials.defaultIterations) {
        self.key = key
        self.iterations = iterations
    }

    static let processKey: [UInt8] = {
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }()

    /// Fake credentials for `username` (SASLprep-ed; compared in the store's canonical form).
    func credentials(forUsername username: String) -> PasswordCredentials {
        let name = Array((User.canonicalName(username) ?? username).utf8)
        let derive = { (label: String) in
            SCRAMServerExchange.hmac(key: key, Array(label.utf8) + [0] + name)
        }
        return PasswordCredentials(iterations: iterations, salt: Array(derive("salt").prefix(16)),
                                   storedKey: derive("stored key"), serverKey: derive("server key"))
    }
}
