public import IMAPSyntax

/// Every setting and limit of the IMAP server in one place (STYLE.md §5): each limit has a
/// default suited to real clients and a test at its edge.
public struct ServerConfiguration: Sendable {
    /// Address to listen on for IMAP (RFC 3501 port 143; default 127.0.0.1:1143).
    public var host: String
    public var port: Int
    /// The name the greeting and logs use.
    public var serverName: String

    /// Line, literal and command size limits of the framer.
    public var framing: FramingLimits
    /// Nesting depth of parentheses and search keys.
    public var parser: ParserLimits
    /// Largest message APPEND accepts (RFC 7889 APPENDLIMIT); default 64 MiB.
    public var maxMessageSize: UInt64
    /// Most simultaneous connections to the whole server.
    public var maxConnections: Int

    /// Autologout of an authenticated session after this much silence (RFC 3501 §5.4: at
    /// least 30 minutes).
    public var idleTimeoutSeconds: Double
    /// Autologout of a connection that has not logged in.
    public var preAuthTimeoutSeconds: Double
    /// How long an IDLE command may run without the client saying anything (RFC 2177: clients
    /// re-issue IDLE at least every 29 minutes); separate from the autologout timer.
    public var idleCommandTimeoutSeconds: Double
    /// Interval of `* OK Still here` during IDLE, so that NAT boxes keep phones' connections.
    public var idleKeepaliveSeconds: Double
    /// How often timeouts are checked.
    public var tickIntervalSeconds: Double
    /// On shutdown, how long sessions get to say BYE and close before their connections are
    /// closed anyway (a client that stopped reading cannot be told).
    public var shutdownGraceSeconds: Double

    /// PBKDF2 iterations for new passwords (stored as SCRAM-SHA-256 keys).
    public var passwordIterations: Int

    public init(host: String = "127.0.0.1", port: Int = 1143, serverName: String = "Tern",
                framing: FramingLimits = FramingLimits(), parser: ParserLimits = ParserLimits(),
                maxMessageSize: UInt64 = 64 << 20, maxConnections: Int = 20_000,
                idleTimeoutSeconds: Double = 30 * 60, preAuthTimeoutSeconds: Double = 60,
                idleCommandTimeoutSeconds: Double = 31 * 60, idleKeepaliveSeconds: Double = 120,
                tickIntervalSeconds: Double = 5, shutdownGraceSeconds: Double = 5,
                passwordIterations: Int = 210_000) {
        self.host = host
        self.port = port
        self.serverName = serverName
        self.framing = framing
        self.parser = parser
        self.maxMessageSize = maxMessageSize
        self.maxConnections = maxConnections
        self.idleTimeoutSeconds = idleTimeoutSeconds
        self.preAuthTimeoutSeconds = preAuthTimeoutSeconds
        self.idleCommandTimeoutSeconds = idleCommandTimeoutSeconds
        self.idleKeepaliveSeconds = idleKeepaliveSeconds
        self.tickIntervalSeconds = tickIntervalSeconds
        self.shutdownGraceSeconds = shutdownGraceSeconds
        self.passwordIterations = passwordIterations
    }
}
