public import NIOCore
import Synchronization

/// The listening sockets of one service (IMAP, LMTP, ManageSieve): they start accepting
/// together and stop together, and each accepted connection runs in a task of its own until it
/// ends, so that `serve` returns only once every connection of every listener is over. That
/// task runs on the connection's event loop (`EventLoopExecutor`).
///
/// `close()` may come at any time, even while the service is still binding (a shutdown during
/// start-up): listeners handed to `serve` afterwards are closed at once.
public final class ListenerGroup: Sendable {
    private let channels = Mutex<[any Channel]>([])
    private let closed = Mutex(false)
    private let executors = EventLoopExecutor.Table()

    public init() {}

    /// Accepts connections on every listener of `servers` and runs `handle` for each, with
    /// the index of the listener it came through, on the event loop `eventLoop` names for it;
    /// `announce` is told each listener's address first. Returns when every listener is closed
    /// and every connection has ended.
    public func serve<Accepted: Sendable>(
        _ servers: [NIOAsyncChannel<Accepted, Never>],
        announce: (SocketAddress, _ listener: Int) -> Void,
        eventLoop: @escaping @Sendable (Accepted) -> any EventLoop,
        handle: @escaping @Sendable (Accepted, _ listener: Int) async -> Void
    ) async throws {
        channels.withLock { $0 = servers.map(\.channel) }
        if closed.withLock({ $0 }) { servers.forEach { $0.channel.close(promise: nil) } }
        for (index, server) in servers.enumerated() {
            if let address = server.channel.localAddress { announce(address, index) }
        }
        try await withThrowingDiscardingTaskGroup { group in
            for (index, server) in servers.enumerated() {
                group.addTask {
                    try await withThrowingDiscardingTaskGroup { connections in
                        try await server.executeThenClose { inbound in
                            for try await connection in inbound {
                                let executor = self.executors.executor(for: eventLoop(connection))
                                connections.addTask(executorPreference: executor) { await handle(connection, index) }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Whether `close()` was called: a connection accepted just before should end at once.
    public var isClosed: Bool { closed.withLock { $0 } }

    /// Stops accepting: closes every listener, now and any handed to `serve` later.
    public func close() {
        closed.withLock { $0 = true }
        for channel in channels.withLock({ $0 }) { channel.close(promise: nil) }
    }
}
