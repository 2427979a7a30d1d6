import IMAPSyntax
import Logging
import MailStore
import NIOCore

/// One client connection's IMAP session (RFC 9051 §3): its state, the framer that cuts its
/// byte stream into commands, and the dispatch of each command to its handler.
///
/// A session belongs to the one task that runs its connection, so it needs no locks. Commands
/// run strictly one after the other, in the order received (RFC 9051 §5.5): responses to
/// pipelined commands come out in order, and nothing more is read while a command runs.
final class Session {
    let server: IMAPServer
    let connection: ConnectionContext
    let output: ResponseOutput
    var logger: Logger
    var framer: CommandFramer
    var state = SessionState.notAuthenticated
    /// The connection's signal stream, for the store's change notifications.
    let signals: SignalSink
    /// A command waiting for a continuation line from the client.
    var pendingContinuation: PendingContinuation?
    /// The APPEND whose message literals are arriving.
    var append: AppendInProgress?
    /// Extensions the client turned on with ENABLE (RFC 5161), upper case.
    var enabled: Set<String> = []
    /// A CONDSTORE enabling command was issued (RFC 7162 §3.1): FETCH responses carry MODSEQ.
    var condstoreActive = false
    private(set) var isFinished = false
    private var lastActivity = ContinuousClock.now
    /// When the last IDLE keepalive (or the `+ idling`) went out.
    var lastKeepalive = ContinuousClock.now
    /// TLS protects the connection (implicit TLS, or after STARTTLS).
    var tlsActive: Bool
    /// What SCRAM-SHA-256-PLUS binds to once TLS is active (RFC 5929 §4): the certificate the
    /// TLS layer was given for this connection.
    var channelBinding: ChannelBinding?
    /// STARTTLS was answered and the TLS handler is being put in place: bytes read until then
    /// were sent before the handshake and are dropped (RFC 2595 §3.1).
    var awaitingTLS = false
    /// Failed logins on this connection so far.
    var loginFailures = 0
    /// What this connection may still make the server log (`logClientEvent`).
    var logBudget = LogBudget()
    /// Commands answered since the client's input last ran dry.
    private var pipelined = 0
    /// Set by a handler that ends the connection once its tagged response is out.
    var closeAfterCommand: String?

    var store: any MailStore { server.store }
    var configuration: ServerConfiguration { server.configuration }

    init(server: IMAPServer, connection: ConnectionContext, output: ResponseOutput,
         signals: SignalSink, logger: Logger) {
        self.server = server
        self.connection = connection
        self.output = output
        self.signals = signals
        self.logger = logger
        self.tlsActive = connection.implicitTLS
        self.channelBinding = connection.implicitTLSBinding
        var limits = server.configuration.framing
        limits.maxInlineLiteralSize = min(limits.maxInlineLiteralSize, server.configuration.maxLiteralSizeBeforeLogin)
        self.framer = CommandFramer(limits: limits, parserLimits: server.configuration.parser)
    }

    /// The greeting (RFC 9051 §7.1.1): `* OK [CAPABILITY ...]`, so clients skip a round trip.
    func greet() async throws {
        output.send(.untagged(.condition(.ok, ResponseText(code: .capability(capabilities),
                                                           "\(configuration.serverName) ready"))))
        try await output.flush()
    }

    /// Handles one event of the connection.
    func handle(_ event: ConnectionInput) async throws {
        switch event {
        case .bytes(let bytes):
            lastActivity = .now
            guard !awaitingTLS else { return }  // plaintext sent before the handshake
            framer.feed(bytes)
            try await processFramedInput()
        case .tlsStarted:
            awaitingTLS = false
            tlsActive = true
            framer.discardBufferedInput()
            logger.info("TLS started")
        case .signal(.mailboxChanged):
            try await mailboxChangedWhileWaiting()
        case .signal(.tick):
            try await checkTimeout()
        case .signal(.shutdown):
            try await finish(bye: "Server shutting down")
        }
        try await output.flush()
    }

    /// Releases what the session holds: uploads in progress, change observation.
    func end() {
        append?.abort()
        append = nil
        if let selected = state.selected { deselect(selected) }
        state = .logout
    }

    /// Sends `* BYE` and marks the session finished; the connection closes after the flush.
    func finish(bye text: String, code: ResponseCode? = nil) async throws {
        guard !isFinished else { return }
        output.send(.untagged(.condition(.bye, ResponseText(code: code, text))))
        try await output.flush()
        isFinished = true
        end()
    }

    // MARK: - Timeouts (RFC 9051 §5.4)

    /// The autologout timers (RFC 9051 §5.4): before login, after login, and a separate one
    /// for IDLE, which also sends its keepalive from here (RFC 2177 §3).
    private func checkTimeout() async throws {
        let now = ContinuousClock.now
        let limit: Double
        if isIdling {
            limit = configuration.idleCommandTimeoutSeconds
            if lastKeepalive.duration(to: now) >= .seconds(configuration.idleKeepaliveSeconds) {
                send(.condition(.ok, ResponseText("Still here")))
                lastKeepalive = now
            }
        } else {
            limit = state.user == nil ? configuration.preAuthTimeoutSeconds : configuration.idleTimeoutSeconds
        }
        if lastActivity.duration(to: now) > .seconds(limit) {
            logger.info("autologout after inactivity")
            try await finish(bye: "Autologout; idle for too long")
        }
    }

    // MARK: - Commands

    /// Runs every event the framer can produce from the bytes received so far.
    private func processFramedInput() async throws {
        while !isFinished, let event = framer.next() {
            if case .command = event {
                pipelined += 1
                if pipelined > configuration.maxPipelinedCommands {
                    logger.warning("too many pipelined commands")
                    try await finish(bye: "Too many pipelined commands", code: .limit)
                    return
                }
            }
            try await process(event)
            try await output.flushIfFull()
        }
        pipelined = 0
    }

    private func process(_ event: FramingEvent) async throws {
        switch event {
        case .command(let command):
            try await execute(command)
        case .invalid(let error):
            respond(tag: error.tag, .bad, ResponseText(error.description))
        case .rejected(let tag, let rejection):
            append?.abort()
            append = nil
            respond(tag: tag, rejection)
        case .continuationRequest:
            output.send(.continuation("Ready for literal data"))
            try await output.flush()
        case .appendMessage(let start):
            try await appendMessageStart(start)
        case .appendBytes(let bytes):
            appendBytes(bytes)
        case .appendMessageEnd:
            try await appendMessageEnd()
        case .appendEnd(let tag):
            try await appendEnd(tag: tag)
        case .appendInvalid(let error):
            append?.abort()
            append = nil
            respond(tag: error.tag, .bad, ResponseText(error.description))
        case .continuationLine(let line):
            try await continuationLine(line)
        case .fatal(let rejection):
            try await finish(bye: rejection.text, code: .tooBig)
        }
    }

    /// The gate, the dispatch, the catch-up on other sessions' changes, and the tagged
    /// response, in that order.
    private func execute(_ tagged: TaggedCommand) async throws {
        let command = tagged.command
        let scope = CommandRegistry.scope(of: command)
        guard scope.allows(state) else {
            respond(tag: tagged.tag, .bad, ResponseText("\(command.name): \(scope.refusal)"))
            return
        }
        var outcome: CommandOutcome
        do {
            outcome = try await dispatch(command, tag: tagged.tag)
        } catch let error as MailStoreError {
            outcome = CommandOutcome(error)
        } catch let error as CommandError {
            outcome = error.outcome
        } catch {
            logger.error("command failed", metadata: ["command": "\(command.name)", "error": "\(LoggedText(String(describing: error), limit: 256))"])
            outcome = .no("Internal error, the administrator has been told", code: .serverBug)
        }
        guard !outcome.deferred else { return }
        if state.selected != nil {
            try await synchronize(allowExpunge: CommandRegistry.allowsExpungeResponses(after: command),
                                  includeUID: outcome.includeUIDInUpdates)
        }
        try await complete(tag: tagged.tag, outcome)
    }

    /// Ends a command: its tagged response, then the connection's end if the command asked for
    /// it (too many failed logins) or logged out.
    func complete(tag: Tag, _ outcome: CommandOutcome) async throws {
        respond(tag: tag, outcome.status, ResponseText(code: outcome.code, outcome.text))
        if let reason = closeAfterCommand {
            try await finish(bye: reason)
            return
        }
        if case .logout = state {
            try await output.flush()
            isFinished = true
        }
    }

    private func dispatch(_ command: Command, tag: Tag) async throws -> CommandOutcome {
        switch command {
        case .capability: return capability()
        case .noop: return .ok("NOOP completed")
        case .logout: return try await logout()
        case .login(let username, let password): return try await login(username, password)
        case .authenticate(let mechanism, let initial):
            return try await authenticate(tag: tag, mechanism: mechanism, initialResponse: initial)
        case .select(let name, let parameters): return try await select(name, parameters, readOnly: false)
        case .examine(let name, let parameters): return try await select(name, parameters, readOnly: true)
        case .create(let name, let specialUse): return try await create(name, specialUse: specialUse)
        case .delete(let name): return try await delete(name)
        case .rename(let from, let to): return try await rename(from: from, to: to)
        case .subscribe(let name): return try await subscribe(name, true)
        case .unsubscribe(let name): return try await subscribe(name, false)
        case .list(let arguments): return try await list(arguments)
        case .lsub(let reference, let pattern): return try await lsub(reference: reference, pattern: pattern)
        case .status(let name, let attributes): return try await status(name, attributes)
        case .check: return .ok("CHECK completed")
        case .close: return try await close()
        case .unselect: return unselect()
        case .expunge: return try await expunge(uids: nil)
        case .uidExpunge(let set): return try await expunge(uids: set)
        case .fetch(let arguments): return try await fetch(arguments)
        case .store(let arguments): return try await storeFlags(arguments)
        case .copy(let set, let mailbox, let byUID): return try await copy(set, to: mailbox, byUID: byUID)
        case .id(let fields): return id(fields)
        case .enable(let names): return enable(names)
        case .namespace: return namespace()
        case .idle: return try await idle(tag: tag)
        case .move(let set, let mailbox, let byUID): return try await move(set, to: mailbox, byUID: byUID)
        case .search(let arguments): return try await search(arguments, tag: tag)
        case .starttls: return try await startTLS(tag: tag)
        }
    }

    // MARK: - Responses

    func respond(tag: Tag?, _ status: ResponseStatus, _ text: ResponseText) {
        if let tag {
            output.send(.tagged(tag, status, text))
        } else {
            // No readable tag: an untagged status response (RFC 9051 §7.1).
            output.send(.untagged(.condition(status == .ok ? .ok : status == .no ? .no : .bad, text)))
        }
    }

    private func respond(tag: Tag?, _ rejection: FramingRejection) {
        switch rejection {
        case .lineTooLong, .commandTooLarge: respond(tag: tag, .bad, ResponseText(rejection.text))
        case .literalTooLarge: respond(tag: tag, .bad, ResponseText(code: .tooBig, rejection.text))
        }
    }

    func send(_ response: UntaggedResponse) {
        output.send(.untagged(response))
    }
}

extension FramingRejection {
    var text: String {
        switch self {
        case .lineTooLong: return "Line too long"
        case .literalTooLarge: return "Literal too large"
        case .commandTooLarge: return "Command too large"
        }
    }
}
