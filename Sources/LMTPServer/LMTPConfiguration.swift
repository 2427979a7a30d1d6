/// Where an LMTP listener listens: a TCP address or a unix socket (the two ways Postfix's
/// `lmtp:` transport connects, `lmtp:inet:host:port` and `lmtp:unix:/path`).
public enum LMTPListenAddress: Hashable, Sendable, CustomStringConvertible {
    case tcp(host: String, port: Int)
    /// The socket file is created with `mode` (e.g. 0o660) and removed at shutdown.
    case unix(path: String, mode: UInt16)

    public var description: String {
        switch self {
        case .tcp(let host, let port): return host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        case .unix(let path, _): return "unix:\(path)"
        }
    }
}

/// The LMTP server's listeners and limits (the `[lmtp]` settings); what deliveries accept is
/// the `DeliveryConfiguration`'s.
public struct LMTPConfiguration: Sendable {
    public var listeners: [LMTPListenAddress]
    /// This server's name in the greeting and the LHLO reply.
    public var hostName: String
    /// The longest command line (RFC 5321 §4.5.3.1.4 asks for at least 512 octets).
    public var maxLineLength: Int
    /// Recipients one transaction may have; more get `452 4.5.3` (RFC 5321 §4.5.3.1.8).
    public var maxRecipients: Int
    /// Seconds a client may take to send a command, or 64 KiB of message content, before the
    /// connection is closed with `421 4.4.2` (RFC 5321 §4.5.3.2 asks for minutes).
    public var commandTimeoutSeconds: Double
    /// Seconds a client may leave the server's replies unread.
    public var writeTimeoutSeconds: Double
    /// Connections open at once; more are answered `421 4.3.2` and closed.
    public var maxConnections: Int
    /// Seconds shutdown waits for transactions in progress.
    public var shutdownGraceSeconds: Double

    public init(listeners: [LMTPListenAddress], hostName: String = "localhost", maxLineLength: Int = 4096,
                maxRecipients: Int = 1000, commandTimeoutSeconds: Double = 300, writeTimeoutSeconds: Double = 120,
                maxConnections: Int = 1000, shutdownGraceSeconds: Double = 10) {
        self.listeners = listeners
        self.hostName = hostName
        self.maxLineLength = maxLineLength
        self.maxRecipients = maxRecipients
        self.commandTimeoutSeconds = commandTimeoutSeconds
        self.writeTimeoutSeconds = writeTimeoutSeconds
        self.maxConnections = maxConnections
        self.shutdownGraceSeconds = shutdownGraceSeconds
    }
}
