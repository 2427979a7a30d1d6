@testable import IMAPServer
import IMAPSyntax
import Logging
import MailCore
import MailStore
import NIOCore
import MemoryMailStore
import Synchronization

/// Collects what a session writes, and the layer switches it asks for.
final class RecordingTransport: SessionTransport {
    private var written = ByteBuffer()
    private(set) var switches: [TransportLayer] = []

    func write(_ bytes: ByteBuffer) async throws {
        var bytes = bytes
        written.writeBuffer(&bytes)
    }

    func switchLayer(to layer: TransportLayer, after reply: ByteBuffer) async throws {
        var reply = reply
        written.writeBuffer(&reply)
        switches.append(layer)
    }

    /// The session said it logged in (and not out again since).
    private(set) var toldOfLogin = false

    func setLoggedIn(_ loggedIn: Bool) async {
        toldOfLogin = loggedIn
    }

    /// What was written since the last call.
    func take() -> String {
        defer { written.clear() }
        return String(buffer: written)
    }
}

/// A session driven in-process, as the server drives one: bytes in, signals in, text out.
final class SessionClient {
    let session: Session
    let transport: RecordingTransport
    /// Signals the store's notifier delivered (the connection's wake-ups), not yet handled.
    private let pending = SignalQueue()

    final class SignalQueue: Sendable {
        let signals = Mutex<[ConnectionSignal]>([])
    }

    /// A connection from loopback, counted in the environment's registry as the server would.
    init(environment: SessionEnvironment) throws {
        let pending = self.pending
        transport = RecordingTransport()
        let signals = SignalSink(deliver: { signal in pending.signals.withLock { $0.append(signal) } })
        let id = try environment.registry.register(signals, address: "127.0.0.1", limits: environment.configuration).get()
        let context = ConnectionContext(id: id, remote: "127.0.0.1", isLoopback: true, implicitTLS: false,
                                        implicitTLSBinding: nil)
        session = Session(environment: environment, connection: context,
                          output: ResponseOutput(transport: transport), signals: signals,
                          logger: Logger(label: "test-session"))
    }

    /// Sends bytes as one read and returns everything the session wrote in answer.
    @discardableResult
    func send(_ text: String) async throws -> String {
        try await session.handle(.bytes(ByteBuffer(string: text)))
        return transport.take()
    }

    /// Handles the signals delivered so far (IDLE pushes) and returns what was written.
    func handleSignals() async throws -> String {
        let signals = pending.signals.withLock { list in
            defer { list = [] }
            return list
        }
        for signal in signals { try await session.handle(.signal(signal)) }
        return transport.take()
    }

    /// Logs in and selects a mailbox; returns the SELECT's answer.
    @discardableResult
    func logInAndSelect(_ user: String, _ mailbox: String = "INBOX") async throws -> String {
        let login = try await send("l LOGIN \(user) secret\r\n")
        guard login.contains("l OK") else { throw HarnessError("login failed: \(login)") }
        return try await send("s SELECT \(mailbox)\r\n")
    }
}

struct HarnessError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// A store and the environment sessions share.
struct SessionHarness {
    /// The store sessions use (with `faults` in front of it, if any).
    let storage: MailStorage
    /// The fault injector in front of the store's mailboxes and messages.
    let faults: FaultyStore
    let environment: SessionEnvironment

    init(storage base: MailStorage, configuration: ServerConfiguration = ServerConfiguration()) {
        faults = FaultyStore(base)
        let storage = faults.storage
        self.storage = storage
        var configuration = configuration
        configuration.loginFailureDelaySeconds = 0
        environment = SessionEnvironment(
            configuration: configuration, storage: storage, registry: ConnectionRegistry(),
            authenticator: Authenticator(credentials: storage.credentials, iterations: 64,
                                         logger: Logger(label: "test-authenticator")),
            penalties: LoginPenalties(initialDelay: 0, maximumDelay: 0), tls: nil, emailIDKey: EmailIDKey())
    }

    /// Runs `body` with a harness over a fresh in-memory store (the reference backend) holding
    /// the named users (password "secret"), each with an INBOX.
    static func with(users: [String] = ["alice"], configuration: ServerConfiguration = ServerConfiguration(),
                     _ body: (SessionHarness) async throws -> Void) async throws {
        let storage = MailStorage(InMemoryMailStore())
        for user in users {
            _ = try await storage.accounts.addUser(name: user, credentials: PasswordCredentials(password: "secret", iterations: 64))
        }
        try await body(SessionHarness(storage: storage, configuration: configuration))
    }

    func connect() throws -> SessionClient {
        try SessionClient(environment: environment)
    }

    /// Two sessions of `user` with `mailbox` selected: one that watches, one that changes it.
    func readerAndWriter(_ user: String, _ mailbox: String = "INBOX") async throws -> (SessionClient, SessionClient) {
        let reader = try connect()
        let writer = try connect()
        try await reader.logInAndSelect(user, mailbox)
        try await writer.logInAndSelect(user, mailbox)
        return (reader, writer)
    }

    /// Appends a message to a user's mailbox directly through the store, as another session
    /// or a delivery would.
    @discardableResult
    func deliver(_ text: String, to user: String, mailbox: String = "INBOX", flags: [Flag] = []) async throws -> UID {
        guard let (account, _) = try await storage.credentials.credentials(forUser: user),
              let record = try await storage.mailboxes.mailbox(at: MailboxPath(owner: account.id, name: mailbox),
                                                               as: .administrator)
        else { throw HarnessError("no mailbox \(mailbox) of \(user)") }
        let upload = try await storage.blobs.beginUpload(expectedSize: UInt64(text.utf8.count))
        try await upload.write(Array(text.utf8))
        let staged = try await upload.finish()
        defer { upload.discard() }
        return try await storage.messages.append([NewMessage(blob: staged, flags: MessageFlags(flags), internalDate: nil)],
                                                 to: record.id, as: .administrator).uids[0]
    }

    /// A small message, different for each index.
    static func message(_ index: Int) -> String {
        "From: a@example.org\r\nSubject: message \(index)\r\n\r\nBody \(index)\r\n"
    }
}
