public import IMAPServer
public import Logging
import ConnectionGuards
import ManageSieveSyntax
public import NIOCore
import NIOPosix
public import ServiceLifecycle
import Synchronization

/// The ManageSieve service (RFC 5804): users upload, check, list and activate their Sieve
/// scripts. It runs beside the IMAP server and shares its login checks (the same accounts,
/// penalties and plaintext rules), its connection registry (limits per address and user,
/// shutdown, the ticks that drive timeouts) and its TLS identity.
///
/// A `Service`: graceful shutdown closes the listeners and tells every ManageSieve session to
/// say `BYE` and close (a service group shuts its services down one after the other, so this
/// one cannot wait for IMAP's shutdown to reach its sessions); connections still open after
/// the grace period (clients that stopped reading) are closed.
public final class ManageSieveServer: Service, Sendable {
    public let configuration: ManageSieveConfiguration
    let environment: SessionEnvironment
    let logger: Logger
    private let listeners = ListenerGroup()
    /// The open connections' signal sinks, by registry ID.
    private let connections = Mutex<[Int: SignalSink]>([:])
    private let onBound: @Sendable (SocketAddress) -> Void

    public init(configuration: ManageSieveConfiguration, sharingWith imap: IMAPServer, logger: Logger,
                onBound: @escaping @Sendable (SocketAddress) -> Void = { _ in }) {
        self.configuration = configuration
        environment = imap.environment
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

    /// Stops accepting connections; open sessions end through the shared registry.
    public func shutDown() {
        listeners.close()
        let open = connections.withLock { Array($0.values) }
        for sink in open { sink.yield(.shutdown) }
        let grace = environment.configuration.shutdownGraceSeconds
        Task {
            try? await Task.sleep(for: .seconds(grace))
            for sink in self.connections.withLock({ Array($0.values) }) { sink.close() }
        }
    }

    private func serve() async throws {
        var bound: [NIOAsyncChannel<NIOAsyncChannel<ConnectionInput, ByteBuffer>, Never>] = []
        for address in configuration.listen {
            bound.append(try await bind(host: address.host, port: address.port))
        }
        try await listeners.serve(bound) { address, _ in
            onBound(address)
            logger.info("listening", metadata: ["address": "\(address.displayString)", "protocol": "managesieve"])
        } eventLoop: { $0.channel.eventLoop } handle: { connection, _ in
            await self.serve(connection)
        }
    }

    private func bind(host: String, port: Int) async throws
        -> NIOAsyncChannel<NIOAsyncChannel<ConnectionInput, ByteBuffer>, Never>
    {
        let imap = environment.configuration
        return try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: Int32(clamping: imap.listenBacklog))
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
            .childChannelOption(.socketOption(.so_keepalive), value: 1)
            .bind(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    let pipeline = channel.pipeline.syncOperations
                    try pipeline.addHandler(TransportSwitchHandler())
                    try pipeline.addHandler(ConnectionGuard(
                        loginTimeout: .seconds(fractional: imap.preAuthTimeoutSeconds),
                        writeTimeout: .seconds(fractional: imap.writeTimeoutSeconds),
                        farewell: "BYE \"Login time is over\"\r\n"))
                    return try NIOAsyncChannel(wrappingChannelSynchronously: channel)
                }
            }
    }

    /// One connection: registered with the shared registry, then one session in one task.
    private func serve(_ channel: NIOAsyncChannel<ConnectionInput, ByteBuffer>) async {
        let address = channel.channel.remoteAddress
        let remote = address?.ipAddress ?? "unknown"
        var logger = self.logger
        logger[metadataKey: "remote"] = "\(address?.displayString ?? remote)"
        logger[metadataKey: "protocol"] = "managesieve"
        let signals = SignalSink(channel: channel.channel)
        let registration = environment.registry.register(signals, address: remote, limits: environment.configuration)
        guard case .success(let id) = registration else {
            logger.warning("connection refused", metadata: ["reason": "\(registration)"])
            try? await channel.executeThenClose { _, outbound in
                var bytes: [UInt8] = []
                ManageSieveEncoder.response(.bye("Too many connections, try again later", code: .tryLater), into: &bytes)
                try await outbound.write(ByteBuffer(bytes: bytes))
            }
            return
        }
        logger[metadataKey: "connection"] = "\(id)"
        logger.info("connection opened")
        connections.withLock { $0[id] = signals }
        if listeners.isClosed { signals.yield(.shutdown) }
        defer {
            connections.withLock { $0[id] = nil }
            environment.penalties.release(connection: id)
            environment.registry.unregister(id)
            logger.info("connection closed")
        }
        do {
            try await channel.executeThenClose { inbound, outbound in
                let session = ManageSieveSession(
                    configuration: configuration, environment: environment,
                    connection: .init(id: id, remote: remote, isLoopback: address?.isLoopback ?? false),
                    transport: ChannelTransport(writer: outbound, channel: channel.channel), logger: logger)
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
