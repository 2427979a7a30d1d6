import IMAPSyntax
import NIOCore

/// The connection failed under the session (the client went away, a write failed): the
/// session ends; nothing can be answered.
struct ConnectionClosed: Error, CustomStringConvertible {
    var underlying: any Error
    var description: String { "connection closed: \(underlying)" }
}

/// Buffers responses and writes them to the transport: one write per batch of pipelined
/// commands, and earlier writes when a large FETCH fills the buffer, waiting for the client
/// to read (back-pressure) before producing more.
///
/// Between batches the buffer holds no storage: an idle connection (thousands of them in
/// IDLE) keeps no output memory. (`clear()` on a buffer whose storage is still being written
/// would allocate a fresh one of the same capacity, kept for as long as the session idles.)
final class ResponseOutput {
    private let transport: any SessionTransport
    var encoder = ResponseEncoder()
    var buffer = ByteBuffer()
    /// Flush early once this much is buffered.
    static let flushThreshold = 64 * 1024
    /// What the first response of a batch reserves, so that small batches grow at most once.
    static let initialCapacity = 1024
    /// How many writes reached the transport: a handler that compares it before and after a
    /// response knows whether part of it is on the wire already (and can no longer be taken
    /// back).
    private(set) var writes = 0

    init(transport: any SessionTransport) {
        self.transport = transport
    }

    func send(_ response: Response) {
        if buffer.capacity == 0 { buffer.reserveCapacity(Self.initialCapacity) }
        encoder.encode(response, into: &buffer)
    }

    func flush() async throws {
        guard buffer.readableBytes > 0 else { return }
        let pending = buffer
        buffer = ByteBuffer()
        try await write(pending)
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
        try await write(pending)
    }

    /// Queues what a handler encoded into its own buffer.
    func append(_ local: inout ByteBuffer) {
        buffer.writeBuffer(&local)
    }

    /// Writes `reply` as the last bytes through the current layers, then puts `layer` under
    /// the session (see `SessionTransport.switchLayer`).
    func switchLayer(to layer: TransportLayer, after reply: Response) async throws {
        var bytes = ByteBuffer()
        encoder.encode(reply, into: &bytes)
        do {
            try await transport.switchLayer(to: layer, after: bytes)
        } catch {
            throw ConnectionClosed(underlying: error)
        }
    }

    /// Tells the transport the session has logged in or out (`SessionTransport.setLoggedIn`).
    func setLoggedIn(_ loggedIn: Bool) async {
        await transport.setLoggedIn(loggedIn)
    }

    private func write(_ bytes: ByteBuffer) async throws {
        writes += 1
        do {
            try await transport.write(bytes)
        } catch {
            throw ConnectionClosed(underlying: error)
        }
    }
}
