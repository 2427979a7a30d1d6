import IMAPSyntax
import MailCore

extension Session {
    /// IDLE (RFC 2177): after `+ idling`, changes to the selected mailbox are pushed as soon as
    /// the store announces them, until the client sends DONE. A keepalive `* OK Still here`
    /// goes out at a fixed interval so that NAT boxes do not drop quiet connections.
    func idle(tag: Tag) async throws -> CommandOutcome {
        if state.selected != nil { try await synchronize(allowExpunge: true) }
        output.send(.continuation("idling"))
        pendingContinuation = .idle(tag: tag)
        lastKeepalive = .now
        framer.expectContinuationLine()
        return .deferred
    }

    /// The line that ends IDLE: `DONE` (RFC 2177 §3), in any case.
    func endIdle(tag: Tag, line: [UInt8]) async throws {
        let outcome: CommandOutcome
        if String(decoding: line, as: UTF8.self).uppercased() == "DONE" {
            outcome = .ok("IDLE terminated")
        } else {
            outcome = .bad("Expected DONE to end IDLE")
        }
        if state.selected != nil { try await synchronize(allowExpunge: true) }
        respond(tag: tag, outcome.status, ResponseText(code: outcome.code, outcome.text))
    }

    /// Whether the session is in an IDLE command.
    var isIdling: Bool {
        if case .idle = pendingContinuation { return true }
        return false
    }
}
