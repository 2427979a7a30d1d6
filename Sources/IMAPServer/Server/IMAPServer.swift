import ConnectionGuards
public import Logging
import MailCore
public import MailStore
public import NIOCore
import NIOPosix
import NIOSSL
public import ServiceLifecycle

/// The IMAP listeners (RFC 3501, RFC 9051): one with STARTTLS and, when TLS is configured,
/// one with implicit TLS (RFC 8314 §3.3). Each connection runs one session until the server
/// is shut down.
///
/// A `Service` (swift-service-lifecycle): run it in a `ServiceGroup`, whose graceful shutdown
/// (SIGTERM, SIGINT) stops it: no new connections, every session gets `* BYE` and closes, and
/// `run()` returns once all are gone (or the grace period is over). `shutDown()` does the same
/// outside a group.
public final class IMAPServer: Service, Sendable {
    public let configuration: ServerConfiguration
    let logger: Logger
    let registry: ConnectionRegistry
    /// What every session shares: the store, the limits, the login checks, the TLS identity.
    package let environment: SessionEnvironment
    /// The TLS identity, nil when TLS is not configured.
    public var tls: TLSProvider? { environment.tls }
    private let listeners = ListenerGroup()

    /// The kind of listener a connection came through.
    enum Listener: Sendable {
        /// Plain IMAP, STARTTLS available (if TLS is configured).
        case plain
        /// Implicit TLS: the connection is encrypted from its first byte.
        case implicitTLS
    }

    /// Told each bound address once the listeners are up (useful with port 0).
    private let onBound: @Sendable (SocketAddress) -> Void

    public init(configuration: ServerConfiguration, storage: MailStorage, logger: Logger,
                onBound: @escaping @Sendable (SocketAddress) -> Void = { _ in }) throws {
        self.onBound = onBound
        self.configuration = configuration
        self.logger = logger
        let registry = ConnectionRegistry()
        self.registry = registry
        environment = SessionEnvironment(
            configuration: configuration, storage: storage, registry: registry,
            authenticator: Authenticator(credentials: storage.credentials, iterations: configuration.passwordIterations,
                                         logger: logger, cacheSize: configuration.loginCacheSize,
                                         cacheLifetime: .seconds(configuration.loginCacheLifetimeSeconds)),
            penalties: LoginPenalties(initialDelay: configuration.loginFailureDelaySeconds,
                                      maximumDelay: configuration.maxLoginFailureDelaySeconds),
            tls: try configuration.tls.map(TLSProvider.init(files:)),
            emailIDKey: EmailIDKey())
    }

    /// Serves until the service group shuts down gracefully (or `shutDown()` is called).
    public func run() async throws {
        try await withGracefulShutdownHandler {
            try await serve()
        } onGracefulShutdown: {
            self.shutDown()
        }
    }

    /// Binds the listening sockets and serves until `shutDown()`.
    private func serve() async throws {
        try await environment.emailIDKey.load(from: environment.storage.secrets)
        var bound: [(NIOAsyncChannel<AcceptedConnection, Never>, Listener)] = []
        bound.append((try await bind(host: configuration.host, port: configuration.port, listener: .plain), .plain))
        if let tls, let host = configuration.tlsHost {
            bound.append((try await bind(host: host, port: configuration.tlsPort, listener: .implicitTLS(tls)), .implicitTLS))
        }

        let ticker = Task { [registry, configuration, accounts = environment.storage.accounts] in
            var lastAccountCheck = ContinuousClock.now
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(configuration.tickIntervalSeconds))
                registry.broadcast(.tick)
                if lastAccountCheck.duration(to: .now) >= .seconds(configuration.accountCheckIntervalSeconds) {
                    lastAccountCheck = .now
                    await Self.endSessions(ofDeletedAccountsIn: registry, accounts: accounts)
                }
            }
        }
        defer { ticker.cancel() }

        let kinds = bound.map(\.1)
        try await listeners.serve(bound.map(\.0)) { address, index in
            onBound(address)
            logger.info("listening", metadata: ["address": "\(address.displayString)", "tls": "\(kinds[index] == .implicitTLS)"])
        } eventLoop: { $0.channel.channel.eventLoop } handle: { connection, index in
            await self.serve(connection, listener: kinds[index])
        }
        logger.info("stopped")
    }

    /// Ends the sessions of users whose account was deleted (by `tern user delete`, maybe in
    /// another process) or replaced by a new account of the same name: they get `* BYE`.
    private static func endSessions(ofDeletedAccountsIn registry: ConnectionRegistry, accounts: any AccountStore) async {
        for user in registry.loggedInUsers {
            let current: User?
            do {
                current = try await accounts.user(named: user.name)
            } catch {
                continue  // the store could not say; look again next time
            }
            if current != user { registry.signal(.accountDeleted, toConnectionsOf: user) }
        }
    }

    /// A connection as the listener hands it over.
    struct AcceptedConnection: Sendable {
        let channel: NIOAsyncChannel<ConnectionInput, ByteBuffer>
        /// The implicit-TLS channel binding of the certificate this connection was given.
        let channelBinding: ChannelBinding?
    }

    private enum Binding {
        case plain
        case implicitTLS(TLSProvider)
    }

    private func bind(host: String, port: Int, listener: Binding)
        async throws -> NIOAsyncChannel<AcceptedConnection, Never>
    {
        try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: Int32(clamping: configuration.listenBacklog))
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
            .childChannelOption(.socketOption(.so_keepalive), value: 1)
            .bind(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    let pipeline = channel.pipeline.syncOperations
                    var binding: ChannelBinding?
                    if case .implicitTLS(let provider) = listener {
                        let identity = provider.identity  // one certificate for context and binding
                        try pipeline.addHandler(NIOSSLServerHandler(context: identity.context))
                        binding = identity.binding
                    }
                    try pipeline.addHandler(TransportSwitchHandler())
                    try pipeline.addHandler(ConnectionGuard(
                        loginTimeout: .seconds(fractional: self.configuration.preAuthTimeoutSeconds),
                        writeTimeout: .seconds(fractional: self.configuration.writeTimeoutSeconds)))
                    return AcceptedConnection(
                        channel: try NIOAsyncChannel(wrappingChannelSynchronously: channel),
                        channelBinding: binding)
                }
            }
    }

    /// Stops accepting, says BYE to every session, and lets `run()` return when they are closed.
    /// Connections still open after the grace period (clients that stopped reading) are closed.
    public func shutDown() {
        registry.shutDown()
        listeners.close()
        let registry = self.registry
        let grace = configuration.shutdownGraceSeconds
        Task {
            try? await Task.sleep(for: .seconds(grace))
            registry.closeAll()
        }
    }

    /// Reloads the TLS certificate and key (SIGHUP): new connections use them.
    public func reloadTLS() throws {
        try tls?.reload()
    }

    /// Number of open connections.
    public var connectionCount: Int { registry.count }
}

extension IMAPServer.Listener: Equatable {}

extension TimeAmount {
    /// A time amount from seconds that may have a fraction (the configuration's form).
    package static func seconds(fractional seconds: Double) -> TimeAmount {
        .nanoseconds(Int64(seconds * 1_000_000_000))
    }
}

extension SocketAddress {
    /// `host:port` (or `[v6]:port`) for logs and messages.
    public var displayString: String {
        let host = ipAddress ?? "?"
        let port = self.port.map(String.init) ?? "?"
        if case .v6 = self { return "[\(host)]:\(port)" }
        return "\(host):\(port)"
    }

    /// Whether this is a loopback address (127.0.0.0/8 or ::1): the client is on this machine.
    package var isLoopback: Bool {
        switch self {
        case .v4: return ipAddress?.hasPrefix("127.") == true
        case .v6: return ipAddress == "::1" || ipAddress?.hasPrefix("::ffff:127.") == true
        default: return false
        }
    }
}
