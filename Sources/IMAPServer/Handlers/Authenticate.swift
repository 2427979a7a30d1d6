import IMAPSyntax
import MailStore

/// A command that continues with lines from the client (RFC 9051 §7.5).
enum PendingContinuation {
    /// AUTHENTICATE waiting for the client's SASL response.
    case authenticatePlain(tag: Tag)
    /// IDLE waiting for DONE (RFC 2177).
    case idle(tag: Tag)
}

extension Session {
    /// AUTHENTICATE (RFC 9051 §6.2.2) with PLAIN (RFC 4616), the initial response on the same
    /// line allowed (SASL-IR, RFC 4959).
    func authenticate(tag: Tag, mechanism: String, initialResponse: SASLInitialResponse?) async throws -> CommandOutcome {
        guard mechanism.uppercased() == "PLAIN" else {
            return .no("Unsupported authentication mechanism \(mechanism)", code: .cannot)
        }
        guard plaintextAllowed else {
            return .no("Authenticate over TLS (STARTTLS or the TLS port)", code: .privacyRequired)
        }
        switch initialResponse {
        case .none:
            output.send(.continuationChallenge([]))
            pendingContinuation = .authenticatePlain(tag: tag)
            framer.expectContinuationLine()
            return .deferred
        case .empty:
            return try await authenticatePlain([])
        case .base64(let text):
            guard let bytes = GrammarParser.decodeBase64(Array(text.utf8)) else {
                return .bad("Invalid base64 in initial response")
            }
            return try await authenticatePlain(bytes)
        }
    }

    /// A client line for the command waiting for one.
    func continuationLine(_ line: [UInt8]) async throws {
        guard let pending = pendingContinuation else { return }
        pendingContinuation = nil
        switch pending {
        case .authenticatePlain(let tag):
            let outcome: CommandOutcome
            switch GrammarParser.parseSASLResponse(line) {
            case .cancel?: outcome = .bad("Authentication cancelled")
            case .data(let bytes)?: outcome = try await authenticatePlain(bytes)
            case nil: outcome = .bad("Invalid base64 in authentication response")
            }
            respond(tag: tag, outcome.status, ResponseText(code: outcome.code, outcome.text))
        case .idle(let tag):
            try await endIdle(tag: tag, line: line)
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
