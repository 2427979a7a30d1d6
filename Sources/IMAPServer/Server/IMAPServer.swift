public import Logging
public import MailStore
public import NIOCore
import NIOPosix
import Synchronization

/// The IMAP listener (RFC 3501, RFC 9051): accepts connections and runs one session per
/// connection until the server is shut down.
///
/// Use `run()` in a task; call `shutDown()` for a graceful stop: no new connections, every
/// session gets `* BYE` and closes, `run()` returns once all are gone.
public final class IMAPServer: Sendable {
    public let configuration: ServerConfiguration
    let store: any MailStore
    let logger: Logger
    let registry = ConnectionRegistry()
    let authenticator: Authenticator
    private let serverChannel = Mutex<(any Channel)?>(nil)
    private let stopped = Mutex(false)

    public init(configuration: ServerConfiguration, store: any MailStore, logger: Logger) {
        self.configuration = configuration
        self.store = store
        self.logger = logger
        self.authenticator = Authenticator(store: store)
    }

    /// Binds the listening socket and serves until `shutDown()`. `onBound` receives the bound
    /// address (useful with port 0).
    public func run(onBound: @Sendable (SocketAddress) -> Void = { _ in }) async throws {
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 512)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
            .childChannelOption(.socketOption(.so_keepalive), value: 1)
            .bind(host: configuration.host, port: configuration.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        serverChannel.withLock { $0 = server.channel }
        if stopped.withLock({ $0 }) { server.channel.close(promise: nil) }
        if let address = server.channel.localAddress { onBound(address) }
        logger.info("listening", metadata: ["address": "\(server.channel.localAddress?.displayString ?? "?")"])

        let ticker = Task { [registry, configuration] in
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(configuration.tickIntervalSeconds))
                registry.broadcast(.tick)
            }
        }
        defer { ticker.cancel() }

        try await withThrowingDiscardingTaskGroup { group in
            try await server.executeThenClose { connections in
                for try await connection in connections {
                    group.addTask { await self.serve(connection) }
                }
            }
        }
        logger.info("stopped")
    }

    /// Stops accepting, says BYE to every session, and lets `run()` return when they are closed.
    /// A session blocked writing to a client that stopped reading cannot say BYE: after
    /// `shutdownGraceSeconds` every connection still open is closed, so that shutdown ends.
    public func shutDown() {
        stopped.withLock { $0 = true }
        registry.shutDown()
        serverChannel.withLock { $0 }?.close(promise: nil)
        let registry = self.registry
        let grace = configuration.shutdownGraceSeconds
        Task {
            try? await Task.sleep(for: .seconds(grace))
            registry.closeAll()
        }
    }

    /// Number of open connections.
    public var connectionCount: Int { registry.count }
}

extension SocketAddress {
    /// `host:port` (or `[v6]:port`) for logs and messages.
    public var displayString: String {
        let host = ipAddress ?? "?"
        let port = self.port.map(String.init) ?? "?"
        if case .v6 = self { return "[\(host)]:\(port)" }
        return "\(host):\(port)"
    }
}
