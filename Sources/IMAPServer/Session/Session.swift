import IMAPSyntax
import Logging
import MailCore
package import MailStore
import NIOCore

/// What every session of one server shares.
package struct SessionEnvironment: Sendable {
    package let configuration: ServerConfiguration
    package let storage: MailStorage
    package let registry: ConnectionRegistry
    package let authenticator: Authenticator
    package let penalties: LoginPenalties
    /// The TLS identity, nil when TLS is not configured.
    package let tls: TLSProvider?
    /// The key EMAILIDs are derived with (RFC 8474 §5.1).
    let emailIDKey: EmailIDKey
}

/// What a session knows of the security of its transport.
struct TransportSecurity {
    /// TLS protects the connection (implicit TLS, or after STARTTLS).
    var tls: Bool
    /// COMPRESS=DEFLATE is active (RFC 4978).
    var compressed = false
    /// What SCRAM-SHA-256-PLUS binds to once TLS is active (RFC 5929 §4): the certificate the
    /// TLS layer was given for this connection.
    var channelBinding: ChannelBinding?
}

/// One client connection's IMAP session (RFC 9051 §3): a state machine fed with the client's
/// bytes and the server's signals.
///
/// - `state` is where the protocol stands (RFC 9051 §3) and `mode` what the connection waits
///   for; both are enums whose cases carry their data, so no impossible mix can be expressed.
/// - Every command ends in `complete`: the catch-up on other sessions' changes, the mapping of
///   every error to its answer, the tagged response, and what follows it (BYE, a transport
///   switch). APPEND, IDLE and AUTHENTICATE end there too.
/// - Only this file drives the framer; handlers return what they decided.
///
/// A session belongs to the one task that runs its connection, so it needs no locks. Commands
/// run strictly one after the other, in the order received (RFC 9051 §5.5): responses to
/// pipelined commands come out in order, and nothing more is read while a command runs.
final class Session {
    let environment: SessionEnvironment
    let connection: ConnectionContext
    let output: ResponseOutput
    var logger: Logger
    var state = SessionState.notAuthenticated
    private(set) var mode = SessionMode.command
    var transport: TransportSecurity
    /// Wakes the session when its selected mailbox changes (IDLE).
    let signals: SignalSink
    /// Failed logins on this connection so far.
    var loginFailures = 0
    private var framer: CommandFramer
    private var lastActivity = ContinuousClock.now
    /// When the connection opened (or UNAUTHENTICATE ran): it has `preauth_timeout` from
    /// here to log in.
    private var openedAt = ContinuousClock.now
    /// Bytes received so far, and where the command being received began (time, bytes): it
    /// must go on arriving at the configured minimum rate.
    private var receivedBytes = 0
    private var commandBegan: (at: ContinuousClock.Instant, bytes: Int)?
    /// The transport was told of the login.
    private var toldOfLogin = false
    /// Commands answered since their answers were last written to the client.
    private var unwritten = 0
    /// What this connection may still make the server log (`logClientEvent`).
    var logBudget = LogBudget()
    /// NOTIFY in force (RFC 5465), nil before NOTIFY SET and after NOTIFY NONE.
    var notification: ActiveNotify?
    /// INPROGRESS reports of the running command (RFC 9585).
    var progress = CommandProgress()

    var store: MailStorage { environment.storage }
    var configuration: ServerConfiguration { environment.configuration }
    /// Who acts on the store. The command gate keeps sessions that have not logged in away
    /// from every store call, so a session without a user names a user that owns nothing.
    var principal: Principal { state.session?.principal ?? .user(UserID(rawValue: 0)) }

    init(environment: SessionEnvironment, connection: ConnectionContext, output: ResponseOutput,
         signals: SignalSink, logger: Logger) {
        self.environment = environment
        self.connection = connection
        self.output = output
        self.signals = signals
        self.logger = logger
        transport = TransportSecurity(tls: connection.implicitTLS, channelBinding: connection.implicitTLSBinding)
        framer = CommandFramer(limits: Self.framingLimits(environment.configuration, loggedIn: false),
                               parserLimits: environment.configuration.parser)
    }

    /// The framer's limits: before login a literal is kept small (LOGIN and AUTHENTICATE need
    /// little), after it the configured ones.
    private static func framingLimits(_ configuration: ServerConfiguration, loggedIn: Bool) -> FramingLimits {
        var limits = configuration.framing
        if !loggedIn {
            limits.maxInlineLiteralSize = min(limits.maxInlineLiteralSize, configuration.maxLiteralSizeBeforeLogin)
        }
        return limits
    }

    /// Whether the connection is over: BYE was sent, or the client logged out.
    var isFinished: Bool { mode.isClosed }

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
            if case .switchingTransport = mode { return }  // sent before the new layer was there
            receivedBytes += bytes.readableBytes
            if commandBegan == nil { commandBegan = (lastActivity, receivedBytes - bytes.readableBytes) }
            framer.feed(bytes)
            // Store changes made by this connection's commands carry its identifier, so that
            // its own NOTIFY leaves them out (RFC 5465 §5).
            try await ChangeNotifier.$origin.withValue(connection.id) { try await processFramedInput() }
            if !framer.isInsideCommand { commandBegan = nil }
        case .transportSwitched:
            guard case .switchingTransport(let layer) = mode else { return }
            framer.discardBufferedInput()
            mode = .command
            switch layer {
            case .tls(let identity):
                transport = TransportSecurity(tls: true, channelBinding: identity.binding)
                logger.info("TLS started")
            case .deflate:
                transport.compressed = true
                logger.info("COMPRESS=DEFLATE started")
            }
        case .transportFailed(let reason):
            logger.info("transport failed", metadata: ["reason": "\(reason)"])
            try await finish(bye: reason)
        case .signal(.mailboxChanged):
            try await mailboxChangedWhileWaiting()
        case .signal(.tick):
            try await checkTimeout()
        case .signal(.shutdown):
            try await finish(bye: "Server shutting down")
        case .signal(.accountDeleted):
            logger.info("account deleted: session ended")
            try await finish(bye: "This account has been deleted")
        }
        try await output.flush()
    }

    /// Back in the not-authenticated state (UNAUTHENTICATE, RFC 8437 §3): the time to log in
    /// starts again.
    func restartLoginPeriod() {
        openedAt = .now
    }

    /// Releases what the session holds: uploads in progress, change observation.
    func end() {
        if case .appending(let append) = mode { append.abort() }
        if state.user == nil { endLoginTurn() }
        if let selected = state.selected { deselect(selected) }
        stopNotifications()
        state = .logout
        mode = .closed
    }

    /// Sends `* BYE` and ends the session; the connection closes after the flush.
    func finish(bye text: String, code: ResponseCode? = nil) async throws {
        guard !mode.isClosed else { return }
        output.send(.untagged(.condition(.bye, ResponseText(code: code, text))))
        end()
        try await output.flush()
    }

    // MARK: - Timeouts (RFC 9051 §5.4)

    /// The timers (RFC 9051 §5.4): the time to log in (counted from the connection's start,
    /// however active it is), autologout after login, IDLE's own limit and keepalive
    /// (RFC 2177 §3), and the rate at which a command that has begun must keep arriving.
    private func checkTimeout() async throws {
        let now = ContinuousClock.now
        if state.user == nil, openedAt.duration(to: now) > .seconds(configuration.preAuthTimeoutSeconds) {
            logger.info("login time is over")
            try await finish(bye: "Login time is over")
            return
        }
        if let began = commandBegan {
            let allowed = configuration.commandTimeoutSeconds
                + Double(receivedBytes - began.bytes) / Double(max(1, configuration.minimumInputRate))
            if began.at.duration(to: now) > .seconds(allowed) {
                logger.info("command not completed in time")
                try await finish(bye: "Command not completed in time")
                return
            }
        }
        let limit: Double
        if case .idling(let tag, let lastKeepalive, let failure) = mode {
            limit = configuration.idleCommandTimeoutSeconds
            if lastKeepalive.duration(to: now) >= .seconds(configuration.idleKeepaliveSeconds) {
                send(.condition(.ok, ResponseText("Still here")))
                mode = .idling(tag: tag, lastKeepalive: now, failure: failure)
            }
        } else {
            limit = configuration.idleTimeoutSeconds
        }
        if state.user != nil, lastActivity.duration(to: now) > .seconds(limit) {
            logger.info("autologout after inactivity")
            try await finish(bye: "Autologout; idle for too long")
        }
    }

    // MARK: - Input

    /// Runs every event the framer can produce from the bytes received so far.
    private func processFramedInput() async throws {
        while !mode.isClosed, let event = framer.next() {
            if case .command = event {
                // Pipelined commands are answered in one write, up to a point: then the
                // session waits for the client to take the answers (back-pressure), so a
                // client that reads goes on however fast it sends, and one that does not
                // stalls here until the write deadline closes it.
                unwritten += 1
                if unwritten > configuration.maxPipelinedCommands {
                    try await output.flush()
                    unwritten = 1
                }
            }
            do {
                try await process(event)
            } catch let error as ConnectionClosed {
                throw error
            } catch {
                // Command failures were answered in `complete`; this is the session's own, in
                // the middle of an exchange where no tagged answer fits (inside a literal).
                logger.error("session failed", metadata: ["error": "\(error)"])
                try await finish(bye: "Internal error, the administrator has been told", code: .serverBug)
            }
            try await output.flushIfFull()
        }
        unwritten = 0
    }

    private func process(_ event: FramingEvent) async throws {
        switch event {
        case .command(let command):
            try await run(command)
        case .invalid(let error):
            respond(tag: error.tag, .bad(error.description))
        case .rejected(let tag, let rejection):
            try await rejected(tag: tag, rejection)
        case .continuationRequest:
            output.send(.continuation("Ready for literal data"))
            try await output.flush()
        case .appendMessage(let start):
            try await appendMessageStart(start)
        case .appendBytes(let bytes):
            await appendBytes(bytes)
        case .appendMessageEnd:
            await appendMessageEnd()
        case .appendEnd(let tag):
            guard case .appending(let append) = mode else { return }
            mode = .command
            try await complete(tag, append.command, try await appendEnd(append))
        case .appendInvalid(let error):
            guard case .appending(let append) = mode else { return }
            append.abort()
            mode = .command
            try await complete(error.tag ?? append.tag, append.command, .bad(error.description))
        case .continuationLine(let line):
            try await continuationLine(line)
        case .fatal(let rejection):
            try await finish(bye: rejection.text, code: .tooBig)
        }
    }

    /// A command line or literal turned away by a framing limit. If the connection was in the
    /// middle of a command (an APPEND, an AUTHENTICATE exchange, IDLE), that command ends with
    /// the tagged BAD; otherwise the rejected command gets it.
    private func rejected(tag: Tag?, _ rejection: FramingRejection) async throws {
        let outcome: CommandOutcome = rejection == .literalTooLarge
            ? .bad(rejection.text, code: .tooBig) : .bad(rejection.text)
        switch mode {
        case .appending(let append):
            append.abort()
            mode = .command
            try await complete(tag ?? append.tag, append.command, outcome)
        case .authenticating(let pendingTag, _):
            mode = .command
            try await complete(pendingTag, .authenticate, outcome)
        case .idling(let pendingTag, _, _):
            mode = .command
            try await complete(pendingTag, .idle, outcome)
        case .command, .switchingTransport, .closed:
            respond(tag: tag, outcome)
        }
    }

    // MARK: - Commands

    /// The gate (RFC 9051 §6: is the command valid in this state?), the handler, and the
    /// command's completion.
    private func run(_ tagged: TaggedCommand) async throws {
        let command = tagged.command
        let scope = CommandRegistry.scope(of: command)
        guard scope.allows(state) else {
            respond(tag: tagged.tag, .bad("\(command.name): \(scope.refusal)"))
            return
        }
        if let refusal = uidOnlyRefusal(command) {  // RFC 9586 §3
            respond(tag: tagged.tag, refusal)
            return
        }
        let step: CommandStep
        progress.start(tag: tagged.tag, interval: configuration.reading.progressInterval)
        do {
            if state.selected != nil && CommandRegistry.namesMessagesByUID(command) {
                try await synchronize(allowExpunge: true, includeUID: true)
            }
            step = try await dispatch(command, tag: tagged.tag)
        } catch {
            step = .done(try outcome(for: error, in: command.name))
        }
        switch step {
        case .done(let outcome): try await complete(tagged.tag, CompletedCommand(command), outcome)
        case .awaitLine(let mode): waitForLine(in: mode)
        }
    }

    /// Ends a command, whichever way it ran: catches up on other sessions' changes where the
    /// command allows it (so untagged updates precede the tagged response, RFC 9051 §7), sends
    /// the tagged response, and then what the outcome asks for (BYE, a transport switch, the
    /// end of the connection after LOGOUT).
    func complete(_ tag: Tag, _ command: CompletedCommand, _ outcome: CommandOutcome) async throws {
        var outcome = outcome
        if state.selected != nil {
            do {
                try await synchronize(allowExpunge: command.allowsExpunge, includeUID: outcome.includeUIDInUpdates)
                try await refreshSearchContexts()  // RFC 5267 §4.3: ADDTO/REMOVEFROM after the causes
            } catch {
                outcome = try self.outcome(for: error, in: command.name)
            }
            if mode.isClosed { return }  // the selected mailbox was deleted: BYE went out
        }
        if notification != nil {
            do {
                try await deliverNotifications(allowExpunge: command.allowsExpunge)  // RFC 5465 §5
            } catch {
                outcome = try self.outcome(for: error, in: command.name)
            }
            if mode.isClosed { return }
        }
        framer.limits = Self.framingLimits(configuration, loggedIn: state.user != nil)
        if (state.user != nil) != toldOfLogin {
            toldOfLogin.toggle()
            await output.setLoggedIn(toldOfLogin)
        }
        if let layer = outcome.switchTransport, outcome.status == .ok {
            try await switchTransport(to: layer, reply: .tagged(tag, outcome.status, outcome.text(code: outcome.code)))
            return
        }
        respond(tag: tag, outcome)
        if let reason = outcome.closeConnection {
            try await finish(bye: reason)
        } else if case .logout = state {
            mode = .closed
        }
    }

    /// Maps an error thrown while running a command to its answer, in one place: storage
    /// errors to their response codes (RFC 5530), a handler's early exit to its outcome, and
    /// anything unexpected to `NO [SERVERBUG]`, logged with the command's name. Failures of the
    /// connection itself end the session instead.
    func outcome(for error: any Error, in command: String) throws -> CommandOutcome {
        switch error {
        case let error as MailStoreError:
            return CommandOutcome(error)
        case let error as CommandError:
            return error.outcome
        case is ConnectionClosed, is CancellationError:
            throw error
        default:
            logger.error("command failed", metadata: ["command": "\(command)",
                                                      "error": "\(LoggedText(String(describing: error), limit: 256))"])
            return .no("Internal error, the administrator has been told", code: .serverBug)
        }
    }

    /// Waits for a client line in `mode` (AUTHENTICATE, IDLE).
    private func waitForLine(in mode: SessionMode) {
        self.mode = mode
        framer.expectContinuationLine()
    }

    /// A client line for the command waiting for one.
    private func continuationLine(_ line: [UInt8]) async throws {
        switch mode {
        case .authenticating(let tag, let exchange):
            mode = .command
            let step: CommandStep
            do {
                step = try await continueAuthentication(exchange, response: line, tag: tag)
            } catch {
                step = .done(try outcome(for: error, in: "AUTHENTICATE"))
            }
            switch step {
            case .done(let outcome): try await complete(tag, .authenticate, outcome)
            case .awaitLine(let next): waitForLine(in: next)
            }
        case .idling(let tag, _, let failure):
            mode = .command
            try await complete(tag, .idle, endIdle(line: line, failure: failure))
        case .command, .appending, .switchingTransport, .closed:
            break  // the framer reads continuation lines only when a mode asked for one
        }
    }

    /// Sends the tagged reply as the last bytes of the current transport and puts the new
    /// layer under the session (RFC 2595 §3.1): everything the client sent after the command
    /// and before the switch is thrown away, so nothing injected in the clear can act inside
    /// the new layer.
    private func switchTransport(to layer: TransportLayer, reply: Response) async throws {
        framer.discardBufferedInput()
        try await output.flush()  // every earlier response, before the reply
        mode = .switchingTransport(layer)
        try await output.switchLayer(to: layer, after: reply)
    }

    // MARK: - APPEND (RFC 9051 §6.3.12, RFC 3502)

    /// A message literal is announced: the handler checks what can be checked before the
    /// client sends the bytes, then the literal is accepted (with `+` if synchronizing) or the
    /// command ends, refused, before any byte of it is read.
    private func appendMessageStart(_ start: AppendMessageStart) async throws {
        let refusal: CommandOutcome?
        do {
            refusal = try await prepareAppendMessage(start)
        } catch {
            refusal = try outcome(for: error, in: start.replacing == nil ? "APPEND" : "REPLACE")
        }
        if let refusal {
            if case .appending(let append) = mode { append.abort() }
            mode = .command
            try await complete(start.tag, start.replacing == nil ? .append : .replace, refusal)
            framer.rejectAppendMessage()
            return
        }
        framer.acceptAppendMessage()
        if start.synchronizing {
            output.send(.continuation("Ready for literal data"))
            try await output.flush()
        }
    }

    /// Enters or updates the APPEND mode (the handlers' only way to change it).
    func setAppending(_ append: AppendInProgress) {
        mode = .appending(append)
    }

    /// Records, during IDLE, the answer owed once the client sends DONE: catching up on a
    /// change failed (the first failure is kept).
    func recordIdleFailure(_ failure: CommandOutcome) {
        if case .idling(let tag, let keepalive, nil) = mode {
            mode = .idling(tag: tag, lastKeepalive: keepalive, failure: failure)
        }
    }

    // MARK: - Responses

    func respond(tag: Tag?, _ outcome: CommandOutcome) {
        let text = outcome.text(code: outcome.code)
        if let tag {
            output.send(.tagged(tag, outcome.status, text))
        } else {
            // No readable tag: an untagged status response (RFC 9051 §7.1).
            let condition: UntaggedCondition = outcome.status == .ok ? .ok : outcome.status == .no ? .no : .bad
            output.send(.untagged(.condition(condition, text)))
        }
    }

    func send(_ response: UntaggedResponse) {
        output.send(.untagged(response))
    }
}

/// Which command is being completed: its name for logs, and whether untagged EXPUNGE may
/// precede its tagged response (RFC 3501 §7.4.1).
struct CompletedCommand {
    let name: String
    let allowsExpunge: Bool

    init(_ command: Command) {
        name = command.name
        allowsExpunge = CommandRegistry.allowsExpungeResponses(after: command)
    }

    init(name: String, allowsExpunge: Bool) {
        self.name = name
        self.allowsExpunge = allowsExpunge
    }

    static let append = CompletedCommand(name: "APPEND", allowsExpunge: true)
    static let replace = CompletedCommand(name: "REPLACE", allowsExpunge: true)
    static let authenticate = CompletedCommand(name: "AUTHENTICATE", allowsExpunge: true)
    static let idle = CompletedCommand(name: "IDLE", allowsExpunge: true)
}

extension CommandOutcome {
    func text(code: ResponseCode?) -> ResponseText { ResponseText(code: code, text) }
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
