import ConnectionGuards
import Foundation
public import Logging
public import MailDelivery
public import NIOCore
import NIOPosix
public import ServiceLifecycle
import Synchronization

/// The LMTP listeners (RFC 2033), TCP and unix sockets, in front of the `Deliverer`.
///
/// LMTP has no authentication: whoever can connect can deliver mail to any local user. It is
/// meant for loopback addresses and unix sockets whose mode limits who may connect (the MTA).
///
/// A `Service`: a `ServiceGroup`'s graceful shutdown stops it: no new connections, sessions
/// between transactions get `421 4.3.2` at once, a transaction in progress may finish within
/// the grace period; unix socket files are removed.
public final class LMTPServer: Service, Sendable {
    public let configuration: LMTPConfiguration
    let deliverer: Deliverer
    let logger: Logger
    private let listeners = ListenerGroup()
    private let connections = ConnectionTable()
    /// Told each bound address once the listeners are up (useful with port 0).
    private let onBound: @Sendable (SocketAddress) -> Void

    public init(configuration: LMTPConfiguration, deliverer: Deliverer, logger: Logger,
                onBound: @escaping @Sendable (SocketAddress) -> Void = { _ in }) {
        self.configuration = configuration
        self.deliverer = deliverer
        self.logger = logger
        self.onBound = onBound
    }

    public func run() async throws {
        try await withGracefulShutdownHandler {
            try await serve()
        } onGracefulShutdown: {
            self.shutDown()
        }
    }

    private func serve() async throws {
        var bound: [NIOAsyncChannel<NIOAsyncChannel<ByteBuffer, ByteBuffer>, Never>] = []
        defer { removeSocketFiles() }
        for address in configuration.listeners {
            bound.append(try await bind(address))
        }
        try await listeners.serve(bound) { address, _ in
            onBound(address)
            logger.info("LMTP listening", metadata: ["address": "\(Self.display(address))"])
        } eventLoop: { $0.channel.eventLoop } handle: { connection, _ in
            await self.serve(connection)
        }
        logger.info("LMTP stopped")
    }

    private func bind(_ address: LMTPListenAddress) async throws -> NIOAsyncChannel<NIOAsyncChannel<ByteBuffer, ByteBuffer>, Never> {
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
        let initializer: @Sendable (any Channel) -> EventLoopFuture<NIOAsyncChannel<ByteBuffer, ByteBuffer>> = { channel in
            channel.eventLoop.makeCompletedFuture {
                try channel.pipeline.syncOperations.addHandler(DeadlineGuard<ByteBuffer>(
                    deadline: .nanoseconds(Int64(self.configuration.commandTimeoutSeconds * 1e9)),
                    farewell: "421 4.4.2 \(self.configuration.hostName) Timeout, closing connection\r\n",
                    writeTimeout: .nanoseconds(Int64(self.configuration.writeTimeoutSeconds * 1e9))))
                return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
            }
        }
        switch address {
        case .tcp(let host, let port):
            return try await bootstrap.childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
                .bind(host: host, port: port, childChannelInitializer: initializer)
        case .unix(let path, let mode):
            let channel = try await bootstrap.bind(unixDomainSocketPath: path, cleanupExistingSocketFile: true,
                                                   childChannelInitializer: initializer)
            guard chmod(path, mode_t(mode)) == 0 else {
                channel.channel.close(promise: nil)
                throw LMTPServerError.socketPermissions(path: path, errno: errno)
            }
            return channel
        }
    }

    private func removeSocketFiles() {
        for case .unix(let path, _) in configuration.listeners {
            unlink(path)
        }
    }

    /// Runs one connection: one task owns the session; NIO's back-pressure holds further reads
    /// while a command or a delivery runs.
    private func serve(_ connection: NIOAsyncChannel<ByteBuffer, ByteBuffer>) async {
        let channel = connection.channel
        let remote = channel.remoteAddress?.ipAddress
        var logger = self.logger
        logger[metadataKey: "remote"] = "\(remote ?? "local")"
        guard let id = connections.open(channel, limit: configuration.maxConnections) else {
            logger.warning("LMTP connection refused: too many connections")
            try? await connection.executeThenClose { _, outbound in
                try await outbound.write(ByteBuffer(bytes: LMTPReplies.tooManyConnections))
            }
            return
        }
        defer { connections.close(id) }
        do {
            try await connection.executeThenClose { inbound, outbound in
                let session = LMTPSession(
                    configuration: configuration, deliverer: deliverer, remoteAddress: remote, logger: logger,
                    write: { try await outbound.write(ByteBuffer(bytes: $0)) },
                    control: { channel.triggerUserOutboundEvent($0, promise: nil) },
                    now: { Int64(Date().timeIntervalSince1970) })
                defer { session.abandonTransaction() }
                try await session.greet()
                connections.setIdle(id, true)
                for try await bytes in inbound {
                    connections.setIdle(id, false)
                    try await session.receive(bytes.readableBytesView)
                    if session.isFinished || connections.isStopping { break }
                    connections.setIdle(id, session.isIdle)
                }
                if connections.isStopping && !session.isFinished {
                    try? await outbound.write(ByteBuffer(bytes: LMTPReplies.shuttingDown))
                }
            }
        } catch {
            logger.debug("LMTP connection ended with error", metadata: ["error": "\(error)"])
        }
    }

    /// Stops accepting, ends idle sessions with `421`, and closes the rest after the grace period.
    public func shutDown() {
        listeners.close()
        connections.stop()
        let grace = configuration.shutdownGraceSeconds
        let connections = self.connections
        Task {
            try? await Task.sleep(for: .seconds(grace))
            connections.closeAll()
        }
    }

    /// Number of open connections.
    public var connectionCount: Int { connections.count }

    /// `host:port`, `[v6]:port` or `unix:/path`, for logs.
    public static func display(_ address: SocketAddress) -> String {
        if case .unixDomainSocket = address { return "unix:\(address.pathname ?? "?")" }
        let host = address.ipAddress ?? "?"
        if case .v6 = address { return "[\(host)]:\(address.port ?? 0)" }
        return "\(host):\(address.port ?? 0)"
    }
}

public enum LMTPServerError: Error, CustomStringConvertible {
    case socketPermissions(path: String, errno: Int32)

    public var description: String {
        switch self {
        case .socketPermissions(let path, let code):
            return "cannot set the mode of the LMTP socket \(path): \(String(cString: strerror(code)))"
        }
    }
}

/// Replies sent outside a session's own flow.
enum LMTPReplies {
    static let tooManyConnections = Array("421 4.3.2 Too many connections, try again later\r\n".utf8)
    static let shuttingDown = Array("421 4.3.2 Service shutting down\r\n".utf8)
}

/// The open connections: their count (for the limit) and, at shutdown, which can be ended at
/// once (between transactions) and which must be given the grace period.
final class ConnectionTable: Sendable {
    private struct Entry {
        let channel: any Channel
        var idle: Bool
    }

    private struct State {
        var entries: [Int: Entry] = [:]
        var nextID = 0
        var stopping = false
    }

    private let state = Mutex(State())

    /// Registers a connection; nil when `limit` connections are open.
    func open(_ channel: any Channel, limit: Int) -> Int? {
        state.withLock { state in
            guard state.entries.count < limit else { return nil }
            state.nextID += 1
            state.entries[state.nextID] = Entry(channel: channel, idle: false)
            return state.nextID
        }
    }

    func close(_ id: Int) {
        _ = state.withLock { $0.entries.removeValue(forKey: id) }
    }

    func setIdle(_ id: Int, _ idle: Bool) {
        let close = state.withLock { state -> Bool in
            state.entries[id]?.idle = idle
            return idle && state.stopping
        }
        if close { endIdle(id) }
    }

    var isStopping: Bool { state.withLock { $0.stopping } }
    var count: Int { state.withLock { $0.entries.count } }

    /// Shutdown: every idle connection gets `421` and is closed.
    func stop() {
        let idle = state.withLock { state -> [Int] in
            state.stopping = true
            return state.entries.filter(\.value.idle).map(\.key)
        }
        idle.forEach(endIdle)
    }

    private func endIdle(_ id: Int) {
        guard let channel = state.withLock({ $0.entries[id]?.channel }) else { return }
        channel.writeAndFlush(ByteBuffer(bytes: LMTPReplies.shuttingDown)).whenComplete { _ in
            channel.close(promise: nil)
        }
    }

    func closeAll() {
        for entry in state.withLock({ Array($0.entries.values) }) { entry.channel.close(promise: nil) }
    }
}
