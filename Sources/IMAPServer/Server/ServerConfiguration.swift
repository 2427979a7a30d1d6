public import IMAPSyntax

/// Every setting and limit of the IMAP server in one place (STYLE.md §5): each limit has a
/// default suited to real clients and a test at its edge.
public struct ServerConfiguration: Sendable {
    /// Address for IMAP with STARTTLS (RFC 3501 port 143; default 127.0.0.1:1143).
    public var host = "127.0.0.1"
    public var port = 1143
    /// Address for IMAP over implicit TLS (RFC 8314 §3.3, port 993); nil: no such listener.
    /// Only used when `tls` is set.
    public var tlsHost: String? = "127.0.0.1"
    public var tlsPort = 1993
    /// The certificate and key; nil: no TLS (no STARTTLS, no implicit-TLS port).
    public var tls: TLSFiles?
    /// The name the greeting and logs use.
    public var serverName = "Tern"

    /// Line, literal and command size limits of the framer once a client is logged in.
    public var framing = FramingLimits()
    /// The largest literal accepted before login (LOGIN and AUTHENTICATE need little).
    public var maxLiteralSizeBeforeLogin = 8 * 1024
    /// Nesting depth of parentheses and search keys.
    public var parser = ParserLimits()
    /// Largest message APPEND accepts (RFC 7889 APPENDLIMIT); default 64 MiB.
    public var maxMessageSize: UInt64 = 64 << 20
    /// Most mailboxes one user may have, INBOX and `\Noselect` levels included; CREATE and
    /// RENAME that would go past it get `NO [LIMIT]` (approximate under concurrent CREATEs of
    /// one user, see `MailboxLimits`).
    public var maxMailboxesPerUser = 10_000
    /// Most hierarchy levels in a mailbox name (`a/b/c` has 3); deeper names get `NO [LIMIT]`.
    public var maxMailboxDepth = 64
    /// Commands answered one after the other without the client's input running dry, after
    /// which the connection is closed (a flood, not a client waiting for answers).
    public var maxPipelinedCommands = 1000

    /// Most simultaneous connections to the whole server, from one address, and of one user.
    public var maxConnections = 20_000
    public var maxConnectionsPerAddress = 200
    public var maxConnectionsPerUser = 50

    /// Who may send a password in the clear (LOGIN, AUTHENTICATE PLAIN and LOGIN).
    public var plaintextAuthentication = PlaintextAuthentication.tlsOrLoopback
    /// After a failed login from an address, answers to that address wait this long, doubling
    /// with each further failure up to `maxLoginFailureDelaySeconds` (like Dovecot's auth
    /// penalty); a successful login clears it.
    public var loginFailureDelaySeconds: Double = 2
    public var maxLoginFailureDelaySeconds: Double = 15
    /// Failed logins one connection may make before it is closed.
    public var maxLoginFailuresPerConnection = 3

    /// Autologout of an authenticated session after this much silence (RFC 3501 §5.4: at
    /// least 30 minutes).
    public var idleTimeoutSeconds: Double = 30 * 60
    /// Autologout of a connection that has not logged in.
    public var preAuthTimeoutSeconds: Double = 60
    /// How long an IDLE command may run without the client saying anything (RFC 2177: clients
    /// re-issue IDLE at least every 29 minutes); separate from the autologout timer.
    public var idleCommandTimeoutSeconds: Double = 31 * 60
    /// Interval of `* OK Still here` during IDLE, so that NAT boxes keep phones' connections.
    public var idleKeepaliveSeconds: Double = 120
    /// How often timeouts are checked.
    public var tickIntervalSeconds: Double = 5
    /// On shutdown, how long sessions get to say BYE and close before their connections are
    /// closed anyway (a client that stopped reading cannot be told).
    public var shutdownGraceSeconds: Double = 5

    /// PBKDF2 iterations for new passwords (stored as SCRAM-SHA-256 keys).
    public var passwordIterations = 210_000

    public init() {}
}

/// When a client may send a password in the clear (RFC 8314 §3, RFC 9051 §11.1): otherwise
/// the server advertises LOGINDISABLED, offers no plaintext SASL mechanism, and refuses with
/// `[PRIVACYREQUIRED]`.
public enum PlaintextAuthentication: String, Sendable, CaseIterable {
    /// Over TLS, or from the machine itself (the default).
    case tlsOrLoopback = "tls-or-loopback"
    /// Over TLS only.
    case tlsOnly = "tls"
    /// Always (only for networks that are otherwise protected).
    case always
}
