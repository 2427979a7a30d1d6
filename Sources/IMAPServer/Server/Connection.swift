import IMAPSyntax
import Logging
import MailCore
import NIOCore

/// What a session knows of its connection's transport.
struct ConnectionContext: Sendable {
    /// The registry's identifier of the connection.
    let id: Int
    /// The client's address, for logs, limits and login penalties.
    let remote: String
    /// The client is on this machine (RFC 8314 allows relaxing TLS for it).
    let isLoopback: Bool
    /// The connection came through the implicit-TLS listener.
    let implicitTLS: Bool
    /// What SCRAM-SHA-256-PLUS binds to on an implicit-TLS connection (RFC 5929 §4).
    let implicitTLSBinding: ChannelBinding?
}

extension IMAPServer {
    /// Runs one connection: a single task owns the session, so the session needs no locks;
    /// client bytes and server signals arrive through the channel's one inbound stream, which
    /// keeps NIO's back-pressure (nothing more is read while a command runs). The stream ends
    /// when the client closes, and so does the session.
    func serve(_ accepted: AcceptedConnection, listener: Listener) async {
        let channel = accepted.channel
        let address = channel.channel.remoteAddress
        let remote = address?.displayString ?? "unknown"
        var logger = self.logger
        logger[metadataKey: "remote"] = "\(remote)"

        let signals = SignalSink(channel: channel.channel)
        let registration = registry.register(signals, address: address?.ipAddress ?? remote, limits: configuration)
        guard case .success(let id) = registration else {
            logger.warning("connection refused", metadata: ["reason": "\(registration)"])
            try? await channel.executeThenClose { _, outbound in
                var buffer = ByteBuffer()
                ResponseEncoder().encode(.untagged(.condition(.bye, ResponseText(code: .unavailable,
                    "Too many connections, try again later"))), into: &buffer)
                try await outbound.write(buffer)
            }
            return
        }
        logger[metadataKey: "connection"] = "\(id)"
        logger.info("connection opened")
        defer {
            registry.unregister(id)
            logger.info("connection closed")
        }
        let context = ConnectionContext(id: id, remote: address?.ipAddress ?? remote,
                                        isLoopback: address?.isLoopback ?? false,
                                        implicitTLS: listener == .implicitTLS,
                                        implicitTLSBinding: accepted.channelBinding)
        do {
            try await channel.executeThenClose { inbound, outbound in
                let output = ResponseOutput(transport: ChannelTransport(writer: outbound, channel: channel.channel))
                let session = Session(environment: environment, connection: context, output: output,
                                      signals: signals, logger: logger)
                defer { session.end() }
                let turns = SessionTurns(session)
                try await turns.greet()
                for try await input in inbound {
                    try await turns.handle(input)
                    if session.isFinished { break }
                }
            }
        } catch {
            logger.debug("connection ended with error", metadata: ["error": "\(error)"])
        }
    }
}

/// Runs the session's work for each event in a child task of the connection's task, which only
/// waits for input.
///
/// Swift's task allocator keeps every slab a task's async frames ever needed until the task
/// ends (slabs are reused, never freed). Were commands run in the connection's own task, an
/// idle session would keep, for its whole life, the memory of the deepest call chain it ever
/// ran (LOGIN, SELECT and the store beneath them: some 20 KiB of frames). A child task's slabs
/// go back to the heap as soon as its event is handled, so an idling connection holds only the
/// frames of its wait for input.
///
/// One child runs at a time and the connection's task awaits it before touching the session
/// again: the session is never used by two tasks at once, which is what `@unchecked Sendable`
/// asserts here.
private struct SessionTurns: @unchecked Sendable {
    private let session: Session

    init(_ session: Session) {
        self.session = session
    }

    func greet() async throws {
        async let greeted: Void = session.greet()
        try await greeted
    }

    func handle(_ input: ConnectionInput) async throws {
        async let handled: Void = session.handle(input)
        try await handled
    }
}
