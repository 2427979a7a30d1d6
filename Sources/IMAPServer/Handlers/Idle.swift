import IMAPSyntax

extension Session {
    /// IDLE (RFC 2177): after `+ idling`, changes to the selected mailbox are pushed as soon as
    /// the store announces them, until the client sends DONE. A keepalive `* OK Still here`
    /// goes out at a fixed interval so that NAT boxes do not drop quiet connections.
    func idle(tag: Tag) async throws -> CommandStep {
        if state.selected != nil { try await synchronize(allowExpunge: true) }
        output.send(.continuation("idling"))
        return .awaitLine(.idling(tag: tag, lastKeepalive: .now, failure: nil))
    }

    /// The line that ends IDLE: `DONE` (RFC 2177 §3), in any case. If catching up on a change
    /// failed meanwhile, that failure is the answer.
    func endIdle(line: [UInt8], failure: CommandOutcome?) -> CommandOutcome {
        guard String(decoding: line, as: UTF8.self).uppercased() == "DONE" else {
            return .bad("Expected DONE to end IDLE")
        }
        return failure ?? .ok("IDLE terminated")
    }
}
