import IMAPServer
import Logging
import MailCore
import MailStore
import ManageSieveSyntax
import NIOCore
import Sieve

/// One ManageSieve connection (RFC 5804): a state machine fed with the client's bytes and the
/// server's signals, run by the connection's one task.
///
/// Commands are read one frame at a time (`ManageSieveFramer`), so that what a command changes
/// (the literal limit at login, the transport at STARTTLS) applies to the bytes after it.
/// Whether a command is allowed is decided in one place (`dispatch`) before it runs.
final class ManageSieveSession {
    struct Connection {
        let id: Int
        let remote: String
        let isLoopback: Bool
    }

    enum State {
        case notAuthenticated
        /// A SASL exchange waits for the client's next response (RFC 5804 §2.1).
        case authenticating(SASLExchange)
        case authenticated(User)
        case loggedOut
    }

    let configuration: ManageSieveConfiguration
    let environment: SessionEnvironment
    let connection: Connection
    let transport: ChannelTransport
    var logger: Logger
    var state = State.notAuthenticated
    var framer: ManageSieveFramer
    /// Bytes read and not framed yet (`ManageSieveFramer.next(in:)`).
    private var pending: [UInt8] = []
    /// TLS is running (after STARTTLS).
    var tls = false
    /// STARTTLS was answered; bytes until the new layer is in place are dropped (RFC 2595 §3.1).
    private var awaitingTLS = false
    var loginFailures = 0
    /// When the command being read started, and how many bytes it has so far (command timer).
    private var commandStart: ContinuousClock.Instant?
    private var commandBytes = 0
    private var lastActivity = ContinuousClock.now
    /// The session is over: its task closes the connection.
    var isFinished = false

    init(configuration: ManageSieveConfiguration, environment: SessionEnvironment, connection: Connection,
         transport: ChannelTransport, logger: Logger) {
        self.configuration = configuration
        self.environment = environment
        self.connection = connection
        self.transport = transport
        self.logger = logger
        framer = ManageSieveFramer(limits: ManageSieveFramingLimits(
            maximumLineLength: configuration.maxLineLength,
            maximumLiteralSize: environment.configuration.maxLiteralSizeBeforeLogin))
    }

    /// The greeting is the capability list and `OK` (RFC 5804 §1.7).
    func greet() async throws {
        var output: [UInt8] = []
        writeCapabilities(into: &output)
        ManageSieveEncoder.response(.ok("Tern ManageSieve ready"), into: &output)
        try await send(output)
    }

    func handle(_ input: ConnectionInput) async throws {
        switch input {
        case .bytes(var buffer):
            if awaitingTLS { return }
            lastActivity = .now
            pending += buffer.readBytes(length: buffer.readableBytes) ?? []
            try await processPending()
        case .transportSwitched:
            awaitingTLS = false
            tls = true
            pending = []
            framer.discardPending()
            // RFC 5804 §2.2: the capabilities again, over TLS, then OK.
            var output: [UInt8] = []
            writeCapabilities(into: &output)
            ManageSieveEncoder.response(.ok("TLS negotiation successful"), into: &output)
            try await send(output)
        case .signal(let signal):
            try await handle(signal)
        case .transportFailed(let reason):
            try await end(.bye(reason))  // no layer of ManageSieve's fails today
        }
    }

    private func handle(_ signal: ConnectionSignal) async throws {
        switch signal {
        case .mailboxChanged:
            return
        case .shutdown:
            try await end(.bye("Server shutting down", code: .tryLater))
        case .accountDeleted:
            try await end(.bye("Account deleted"))
        case .tick:
            let imap = environment.configuration
            let now = ContinuousClock.now
            if let start = commandStart {
                let allowed = imap.commandTimeoutSeconds + Double(commandBytes) / Double(max(1, imap.minimumInputRate))
                if start.duration(to: now) > .seconds(allowed) {
                    try await end(.bye("Command took too long to arrive"))
                    return
                }
            }
            if lastActivity.duration(to: now) > .seconds(imap.idleTimeoutSeconds) {
                try await end(.bye("Autologout: idle for too long"))
            }
        }
    }

    /// Frames and runs the commands in `pending`, one at a time.
    private func processPending() async throws {
        while !pending.isEmpty, !isFinished, !awaitingTLS {
            let (event, consumed) = framer.next(in: pending[...])
            commandBytes += consumed
            pending.removeFirst(consumed)
            guard let event else { break }
            commandStart = nil
            commandBytes = 0
            switch event {
            case .frame(let frame): try await receive(frame)
            case .error(let error):
                if case .authenticating = state {
                    // A SASL response that cannot be read ends the exchange (RFC 5804 §2.1).
                    state = .notAuthenticated
                    environment.penalties.release(connection: connection.id)
                }
                try await send(response: Self.answer(to: error))
            }
        }
        if framer.isInsideFrame {
            if commandStart == nil { commandStart = .now }
        } else {
            commandStart = nil
            commandBytes = 0
        }
        if awaitingTLS { pending = [] }
    }

    private func receive(_ frame: ManageSieveFrame) async throws {
        if case .authenticating(let exchange) = state {
            try await continueAuthentication(exchange, with: frame)
            return
        }
        let command: ManageSieveCommand
        do {
            command = try ManageSieveCommand.parse(frame)
        } catch {
            try await send(response: .no(error.description))
            return
        }
        try await dispatch(command)
    }

    /// The one place that decides whether a command may run now (RFC 5804 §2).
    private func dispatch(_ command: ManageSieveCommand) async throws {
        switch state {
        case .notAuthenticated where !command.isAllowedBeforeAuthentication:
            try await send(response: .no("Authenticate first"))
            return
        case .authenticated where !command.isAllowedAfterAuthentication:
            let text = command == .startTLS ? "STARTTLS is only allowed before authentication"
                                            : "Already authenticated"
            try await send(response: .no(text))
            return
        case .loggedOut, .authenticating:
            return
        default:
            break
        }
        switch command {
        case .capability:
            var output: [UInt8] = []
            writeCapabilities(into: &output)
            ManageSieveEncoder.response(.ok(), into: &output)
            try await send(output)
        case .logout:
            try await end(.ok("Logout completed"))
        case .noop(let tag):
            try await send(response: tag.map { .ok("Done", code: .tag($0)) } ?? .ok("NOOP completed"))
        case .startTLS:
            try await startTLS()
        case .authenticate(let mechanism, let initialResponse):
            try await authenticate(mechanism: mechanism, initialResponse: initialResponse)
        case .unauthenticate:
            environment.registry.unbind(connection.id)
            state = .notAuthenticated
            framer.limits.maximumLiteralSize = environment.configuration.maxLiteralSizeBeforeLogin
            logger[metadataKey: "user"] = nil
            try await send(response: .ok("Unauthenticated"))
        default:
            guard case .authenticated(let user) = state else { return }
            try await send(try await runScriptCommand(command, for: user))
        }
    }

    private func startTLS() async throws {
        guard let provider = environment.tls else {
            try await send(response: .no("TLS is not available"))
            return
        }
        guard !tls else {
            try await send(response: .no("TLS is already active"))
            return
        }
        var reply: [UInt8] = []
        ManageSieveEncoder.response(.ok("Begin TLS negotiation now"), into: &reply)
        awaitingTLS = true
        pending = []
        try await transport.switchLayer(to: .tls(provider.identity), after: ByteBuffer(bytes: reply))
    }

    /// The answer to a frame that could not be read.
    static func answer(to error: ManageSieveFramingError) -> ManageSieveResponse {
        switch error {
        case .literalTooLarge(let size, let limit):
            return .no("String of \(size) octets is larger than the limit of \(limit)", code: .quotaMaxSize)
        case .lineTooLong(let limit): return .no("Line longer than \(limit) octets")
        case .unexpectedByte(let byte): return .no("Unexpected byte 0x\(String(byte, radix: 16)) in command")
        case .badQuotedString: return .no("Malformed quoted string")
        case .badLiteralHeader: return .no("Malformed literal")
        case .atomTooLong: return .no("Word too long")
        }
    }

    // MARK: Capabilities

    /// The capability lines (RFC 5804 §1.7) for the session's current state.
    func writeCapabilities(into output: inout [UInt8]) {
        ManageSieveEncoder.capability("IMPLEMENTATION", configuration.implementation, into: &output)
        let authenticated: User?
        if case .authenticated(let user) = state { authenticated = user } else { authenticated = nil }
        ManageSieveEncoder.capability("SASL", offeredMechanisms.joined(separator: " "), into: &output)
        let extensions = SieveExtension.allCases.filter { configuration.extensions.contains($0) }
        ManageSieveEncoder.capability("SIEVE", SieveExtension.capabilityString(extensions), into: &output)
        if environment.tls != nil, !tls, authenticated == nil {
            ManageSieveEncoder.capability("STARTTLS", nil, into: &output)
        }
        ManageSieveEncoder.capability("MAXREDIRECTS", String(configuration.sieveLimits.maximumRedirects), into: &output)
        if let authenticated { ManageSieveEncoder.capability("OWNER", authenticated.name, into: &output) }
        ManageSieveEncoder.capability("UNAUTHENTICATE", nil, into: &output)
        ManageSieveEncoder.capability("VERSION", "1.0", into: &output)
    }

    // MARK: Output

    func send(_ bytes: [UInt8]) async throws {
        try await transport.write(ByteBuffer(bytes: bytes))
    }

    func send(response: ManageSieveResponse) async throws {
        var output: [UInt8] = []
        ManageSieveEncoder.response(response, into: &output)
        try await send(output)
    }

    /// Sends a last response and ends the session (LOGOUT's OK, a BYE).
    func end(_ response: ManageSieveResponse) async throws {
        guard !isFinished else { return }
        isFinished = true
        state = .loggedOut
        try? await send(response: response)
    }
}
