public import IMAPSyntax
import MailCore
public import MailStore

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
    /// NOTIFY (RFC 5465): most mailboxes one NOTIFY SET may watch for message events (more get
    /// `NO [NOTIFICATIONOVERFLOW]`, §3.1), and most events waiting for a session to send them
    /// (more turn NOTIFY off with `* OK [NOTIFICATIONOVERFLOW]`, §5.8).
    public var notifyMaxMailboxes = 1000
    public var notifyMaxPendingEvents = 5000
    /// Pipelined commands whose answers are queued before the session waits for the client to
    /// read them (RFC 9051 §5.5): a client that reads its answers goes on however many commands
    /// it has in flight; one that does not is held here until `writeTimeoutSeconds`.
    public var maxPipelinedCommands = 1000

    /// Most simultaneous connections to the whole server, from one address, and of one user.
    public var maxConnections = 20_000
    public var maxConnectionsPerAddress = 200
    public var maxConnectionsPerUser = 50

    /// Who may send a password in the clear (LOGIN, AUTHENTICATE PLAIN and LOGIN).
    public var plaintextAuthentication = PlaintextAuthentication.tlsOrLoopback
    /// After a failed login, credential checks wait this long, doubling with each further
    /// failure up to `maxLoginFailureDelaySeconds`, counted per (address, user), per address
    /// and per user (like Dovecot's auth penalty); checks take turns, one at a time per address
    /// and per user (`LoginThrottle`). A success clears only its own (address, user).
    public var loginFailureDelaySeconds: Double = 2
    public var maxLoginFailureDelaySeconds: Double = 15
    /// Failed logins one connection may make before it is closed.
    public var maxLoginFailuresPerConnection = 3

    /// Autologout of an authenticated session after this much silence (RFC 3501 §5.4: at
    /// least 30 minutes).
    public var idleTimeoutSeconds: Double = 30 * 60
    /// How long an expunged message stays readable, as a ghost, for sessions not yet told of
    /// the expunge (RFC 2180 §4.1.1; `GhostPurger`): nil means the autologout time plus ten
    /// minutes, longer than a session can stay unaware in practice (it is told at any command
    /// but FETCH, STORE and SEARCH, RFC 3501 §7.4.1, and at once in IDLE).
    public var expungedRetentionSeconds: Double?
    /// `expungedRetentionSeconds`, or its default.
    public var effectiveExpungedRetentionSeconds: Double {
        expungedRetentionSeconds ?? idleTimeoutSeconds + 10 * 60
    }
    /// The time a connection has to log in, from its first byte to its last, however busy it
    /// keeps the server (slowloris).
    public var preAuthTimeoutSeconds: Double = 60
    /// How long a connection may leave output unread (its send buffer full) before it is
    /// closed: a client that stopped reading.
    public var writeTimeoutSeconds: Double = 120
    /// A command started must keep coming: its line and literals must arrive within this grace
    /// period plus one second per `minimumInputRate` bytes received (a slow APPEND goes on, a
    /// line trickled a byte at a time does not).
    public var commandTimeoutSeconds: Double = 60
    /// The slowest average rate, in bytes per second, at which a command may keep arriving
    /// after the grace period.
    public var minimumInputRate = 1024
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

    /// PBKDF2 iterations for new passwords (stored as SCRAM-SHA-256 keys, RFC 7677 §4); an
    /// account stored with another count is re-keyed at its next plaintext login.
    public var passwordIterations = PasswordCredentials.defaultIterations

    /// How FETCH and SEARCH read from the store and write to the client.
    public var reading = ReadingLimits()
    /// Successful logins remembered (like Dovecot's auth cache), so that clients that log in
    /// often do not pay PBKDF2 each time; a changed password misses the cache.
    public var loginCacheSize = 10_000
    public var loginCacheLifetimeSeconds: Double = 3600
    /// Connections the kernel queues for each listener before they are accepted.
    public var listenBacklog = 512
    /// How often the sessions of deleted accounts are looked for (and ended with `* BYE`).
    public var accountCheckIntervalSeconds: Double = 10
    /// Bytes of APPEND uploads one user may have in progress at once, over all connections
    /// (what sits in the store's upload area until each APPEND ends).
    public var maxUploadBytesPerUser: UInt64 = 256 << 20
    /// The most messages one COPY, UID COPY or MULTIAPPEND may store (RFC 9738 SAVELIMIT,
    /// advertised as `SAVELIMIT=n`; the RFC asks for at least 1000).
    public var saveLimit = 100_000
    /// What METADATA one user may keep (RFC 5464 §4.1): value size, entries per mailbox or
    /// server, octets in all.
    public var metadata = MetadataLimits()
    /// Where other users' and public mailboxes appear (RFC 2342; `[namespaces]`).
    public var namespaces = NamespacePrefixes()

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

/// How FETCH and SEARCH read messages: in pages from the store, so that no answer holds every
/// record of a large mailbox, and large sections in chunks, so that no message is held whole.
public struct ReadingLimits: Hashable, Sendable {
    /// Message records (with their structure, for FETCH ENVELOPE or BODYSTRUCTURE) read from
    /// the store in one call.
    public var pageSize = 1000
    /// A FETCH section up to this size is read in one piece; a larger one is streamed.
    public var streamingThreshold = 128 * 1024
    /// The pieces a streamed section is read and written in.
    public var chunkSize = 64 * 1024
    /// Messages whose bytes SEARCH reads per batch (one structure query per batch).
    public var searchBatchSize = 256
    /// Searching commands with `RETURN (UPDATE)` one session may keep updated at once
    /// (RFC 5267 §4.3.1: beyond it, `NO [NOUPDATE]`; at least one).
    public var updateContexts = 10
    /// How often a long SEARCH, SORT, THREAD, FETCH, COPY or MOVE reports its progress with
    /// `* OK [INPROGRESS ...]` (RFC 9585 §4), in seconds.
    public var progressInterval: Double = 1

    public init() {}
}
