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
    /// The channel, to start TLS on (STARTTLS).
    let channel: any Channel
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
                                        implicitTLSBinding: accepted.channelBinding, channel: channel.channel)
        do {
            try await channel.executeThenClose { inbound, outbound in
                let output = ResponseOutput(writer: outbound)
                let session = Session(server: self, connection: context, output: output,
                                      signals: signals, logger: logger)
                defer { session.end() }
                try await session.greet()
                for try await input in inbound {
                    try await session.handle(input)
                    if session.isFinished { break }
                }
            }
        } catch {
            logger.debug("connection ended with error", metadata: ["error": "\(error)"])
        }
    }
}

/// Buffers responses and writes them to the channel: one write per batch of pipelined
/// commands, and earlier writes when a large FETCH fills the buffer, waiting for the client
/// to read (back-pressure) before producing more.
///
/// Between batches the buffer holds no storage: an idle connection (thousands of them in
/// IDLE) keeps no output memory. (`clear()` on a buffer whose storage is still being written
/// would allocate a fresh one of the same capacity, kept for as long as the session idles.)
final class ResponseOutput {
    private let writer: NIOAsyncChannelOutboundWriter<ByteBuffer>
    var encoder = ResponseEncoder()
    var buffer = ByteBuffer()
    /// Flush early once this much is buffered.
    static let flushThreshold = 64 * 1024
    /// What the first response of a batch reserves, so that small batches grow at most once.
    static let initialCapacity = 1024

    init(writer: NIOAsyncChannelOutboundWriter<ByteBuffer>) {
        self.writer = writer
    }

    func send(_ response: Response) {
        if buffer.capacity == 0 { buffer.reserveCapacity(Self.initialCapacity) }
        encoder.encode(response, into: &buffer)
    }

    func flush() async throws {
        guard buffer.readableBytes > 0 else { return }
        let pending = buffer
        buffer = ByteBuffer()
        try await writer.write(pending)
    }

    func flushIfFull() async throws {
        if buffer.readableBytes >= Self.flushThreshold { try await flush() }
    }

    /// Writes what a handler encoded into its own buffer once it is large, leaving the buffer
    /// empty; responses already queued here go first. Encoding into a local buffer avoids an
    /// exclusivity check per write on this class's property (hot in large FETCHes).
    func flushIfFull(_ local: inout ByteBuffer) async throws {
        guard local.readableBytes >= Self.flushThreshold else { return }
        try await flush()
        let pending = local
        local.clear()
        try await writer.write(pending)
    }

    /// Queues what a handler encoded into its own buffer.
    func append(_ local: inout ByteBuffer) {
        buffer.writeBuffer(&local)
    }
}
