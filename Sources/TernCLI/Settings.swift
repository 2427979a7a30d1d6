import Foundation
import IMAPServer
import IMAPSyntax
import Logging
import MailCore
import MailStore
import SieveDelivery
import ManageSieveServer
import TOMLKit

/// Everything the configuration file can set (TOML; every key optional):
///
/// ```toml
/// data_dir = "/var/lib/tern"
/// log_level = "info"               # trace, debug, info, notice, warning, error, critical
///
/// [imap]
/// listen = "0.0.0.0:143"          # IMAP with STARTTLS
/// listen_tls = "0.0.0.0:993"      # IMAP over implicit TLS (RFC 8314), when [tls] is set
///
/// [tls]                            # PEM files; SIGHUP reloads them
/// certificate = "/etc/tern/fullchain.pem"
/// key = "/etc/tern/privkey.pem"
///
/// [limits]
/// max_line_length = 65536          # bytes per command line
/// max_literal_size = 65536         # literals inside commands other than APPEND
/// max_message_size = 67108864      # APPEND (RFC 7889 APPENDLIMIT)
/// save_limit = 100000              # messages per COPY or MULTIAPPEND (RFC 9738 SAVELIMIT)
/// max_connections = 20000
/// max_nesting_depth = 32
/// max_mailboxes_per_user = 10000   # CREATE/RENAME beyond it: NO [LIMIT]
/// max_mailbox_depth = 64           # hierarchy levels in a mailbox name
/// idle_timeout = 1800              # seconds of silence before autologout (RFC 3501 §5.4)
/// preauth_timeout = 60             # seconds to log in
/// idle_command_timeout = 1860      # seconds an IDLE may last without a word from the client
/// idle_keepalive = 120             # seconds between "* OK Still here" during IDLE
/// write_timeout = 120              # seconds a client may leave output unread
/// command_timeout = 60             # seconds a command may take, plus one per min_input_rate bytes
/// min_input_rate = 1024            # bytes per second a command must keep arriving at
/// expunged_retention = 2400        # seconds an expunged message stays readable for sessions
///                                  # not yet told (RFC 2180 §4.1.1); default idle_timeout + 600
///
/// [security]
/// password_iterations = 4096       # PBKDF2-SHA-256 rounds for new passwords (RFC 7677 §4: 4096 or more)
/// plaintext_auth = "tls-or-loopback"   # or "tls", "always": where LOGIN/PLAIN are allowed
/// login_failure_delay = 2          # seconds; doubles per failure (per address, user, and both)
/// max_login_failure_delay = 15
/// max_login_failures = 3           # per connection, then BYE
/// max_connections_per_address = 200
/// max_connections_per_user = 50
/// max_literal_size_before_login = 8192
/// max_pipelined_commands = 1000
/// max_upload_bytes_per_user = 268435456   # APPEND uploads in progress at once, all connections
///
/// [tuning]
/// fetch_page_size = 1000           # message records read from the store per call
/// fetch_streaming_threshold = 131072   # larger FETCH sections are streamed
/// fetch_chunk_size = 65536         # the pieces they are streamed in
/// search_batch_size = 256          # messages SEARCH reads per batch
/// login_cache_size = 10000         # successful logins remembered
/// login_cache_lifetime = 3600      # seconds
/// listen_backlog = 512             # connections queued by the kernel per listener
/// account_check_interval = 10      # seconds between looks for sessions of deleted accounts
///
/// [managesieve]                    # RFC 5804; off unless listen is set (Settings+ManageSieve)
/// listen = ["127.0.0.1:4190"]
/// max_scripts = 64                 # per user: NO (QUOTA/MAXSCRIPTS)
/// max_script_size = 1048576        # bytes: NO (QUOTA/MAXSIZE)
///
/// [metadata]                       # RFC 5464 (Settings+Metadata)
/// max_size = 65536                 # octets per value: NO [METADATA MAXSIZE n]
/// max_entries = 100                # per mailbox or server and user: NO [METADATA TOOMANY]
/// max_total_size = 1048576         # octets of all of a user's entries: NO [METADATA TOOMANY]
/// ```
struct Settings {
    var dataDirectory = "tern-data"
    var logLevel = Logger.Level.info
    var server = ServerConfiguration()
    var lmtp = LMTPSettings()
    /// `[sieve]`: Sieve at delivery (see Settings+Sieve.swift).
    var sieve = SieveDeliveryConfiguration()
    var manageSieve = ManageSieveConfiguration()
    /// `[quota]`: default limits and LMTP's answer when full (see Settings+Quota.swift).
    var quota = QuotaSettings()

    init() {}

    static func load(from path: String) throws -> Settings {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw SettingsError("cannot read \(path): \(error.localizedDescription)")
        }
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw SettingsError("\(path):\(error.source.begin.line): \(error.description)")
        }
        var settings = Settings()
        try settings.apply(table, file: path)
        return settings
    }

    private mutating func apply(_ table: TOMLTable, file: String) throws {
        let reader = TableReader(table: table, file: file, section: nil)
        try reader.checkKeys(["data_dir", "log_level", "imap", "tls", "limits", "security", "tuning", "lmtp", "sieve",
                               "managesieve", "quota", "metadata", "notify", "namespaces"])
        if let lmtp = try reader.section("lmtp") { try self.lmtp.apply(lmtp.table, file: file) }
        if let value = try reader.string("data_dir") { dataDirectory = value }
        if let value = try reader.string("log_level") {
            guard let level = Logger.Level(rawValue: value) else {
                throw SettingsError("\(file): log_level must be one of trace, debug, info, notice, warning, error, critical")
            }
            logLevel = level
        }
        if let imap = try reader.section("imap") {
            try imap.checkKeys(["listen", "listen_tls"])
            if let listen = try imap.string("listen") {
                (server.host, server.port) = try Self.parseAddress(listen, option: "imap.listen")
            }
            if let listen = try imap.string("listen_tls") {
                let (host, port) = try Self.parseAddress(listen, option: "imap.listen_tls")
                (server.tlsHost, server.tlsPort) = (host, port)
            }
        }
        if let tls = try reader.section("tls") {
            try tls.checkKeys(["certificate", "key"])
            guard let certificate = try tls.string("certificate"), let key = try tls.string("key") else {
                throw SettingsError("\(file): [tls] needs both certificate and key")
            }
            server.tls = TLSFiles(certificatePath: certificate, keyPath: key)
        }
        if let limits = try reader.section("limits") {
            try limits.checkKeys(["max_line_length", "max_literal_size", "max_message_size", "max_connections",
                                  "max_nesting_depth", "max_mailboxes_per_user", "max_mailbox_depth",
                                  "idle_timeout", "preauth_timeout",
                                  "idle_command_timeout", "idle_keepalive", "write_timeout", "command_timeout",
                                  "min_input_rate", "expunged_retention", "save_limit"])
            if let v = try limits.int("max_line_length") { server.framing.maxLineLength = v }
            if let v = try limits.int("max_literal_size") { server.framing.maxInlineLiteralSize = v }
            if let v = try limits.int("max_message_size") {
                server.maxMessageSize = UInt64(v)
                server.framing.maxDiscardedLiteralSize = UInt64(v)
            }
            if let v = try limits.int("max_connections") { server.maxConnections = v }
            if let v = try limits.int("max_nesting_depth") { server.parser.maxNestingDepth = v }
            if let v = try limits.int("max_mailboxes_per_user") { server.maxMailboxesPerUser = v }
            if let v = try limits.int("max_mailbox_depth") { server.maxMailboxDepth = v }
            if let v = try limits.double("idle_timeout") { server.idleTimeoutSeconds = v }
            if let v = try limits.double("preauth_timeout") { server.preAuthTimeoutSeconds = v }
            if let v = try limits.double("idle_command_timeout") { server.idleCommandTimeoutSeconds = v }
            if let v = try limits.double("idle_keepalive") { server.idleKeepaliveSeconds = v }
            if let v = try limits.double("write_timeout") { server.writeTimeoutSeconds = v }
            if let v = try limits.double("command_timeout") { server.commandTimeoutSeconds = v }
            if let v = try limits.int("min_input_rate") { server.minimumInputRate = v }
            if let v = try limits.nonNegativeDouble("expunged_retention") { server.expungedRetentionSeconds = v }
            if let v = try limits.int("save_limit") { server.saveLimit = v }
        }
        if let security = try reader.section("security") {
            try security.checkKeys(["password_iterations", "plaintext_auth", "login_failure_delay",
                                    "max_login_failure_delay", "max_login_failures",
                                    "max_connections_per_address", "max_connections_per_user",
                                    "max_literal_size_before_login", "max_pipelined_commands",
                                    "max_upload_bytes_per_user"])
            if let v = try security.int("password_iterations") {
                guard v >= PasswordCredentials.minimumIterations else {
                    throw SettingsError("\(file): security.password_iterations must be at least 4096 (RFC 7677 §4)")
                }
                server.passwordIterations = v
            }
            if let v = try security.string("plaintext_auth") {
                guard let policy = PlaintextAuthentication(rawValue: v) else {
                    throw SettingsError("\(file): security.plaintext_auth must be tls-or-loopback, tls or always")
                }
                server.plaintextAuthentication = policy
            }
            if let v = try security.nonNegativeDouble("login_failure_delay") { server.loginFailureDelaySeconds = v }
            if let v = try security.nonNegativeDouble("max_login_failure_delay") { server.maxLoginFailureDelaySeconds = v }
            if let v = try security.int("max_login_failures") { server.maxLoginFailuresPerConnection = v }
            if let v = try security.int("max_connections_per_address") { server.maxConnectionsPerAddress = v }
            if let v = try security.int("max_connections_per_user") { server.maxConnectionsPerUser = v }
            if let v = try security.int("max_literal_size_before_login") { server.maxLiteralSizeBeforeLogin = v }
            if let v = try security.int("max_pipelined_commands") { server.maxPipelinedCommands = v }
            if let v = try security.int("max_upload_bytes_per_user") { server.maxUploadBytesPerUser = UInt64(v) }
        }
        if let tuning = try reader.section("tuning") {
            try tuning.checkKeys(["fetch_page_size", "fetch_streaming_threshold", "fetch_chunk_size",
                                  "search_batch_size", "login_cache_size", "login_cache_lifetime", "listen_backlog",
                                  "account_check_interval", "search_update_contexts", "progress_interval"])
            if let v = try tuning.int("fetch_page_size") { server.reading.pageSize = v }
            if let v = try tuning.int("fetch_streaming_threshold") { server.reading.streamingThreshold = v }
            if let v = try tuning.int("fetch_chunk_size") { server.reading.chunkSize = v }
            if let v = try tuning.int("search_batch_size") { server.reading.searchBatchSize = v }
            if let v = try tuning.int("login_cache_size") { server.loginCacheSize = v }
            if let v = try tuning.double("login_cache_lifetime") { server.loginCacheLifetimeSeconds = v }
            if let v = try tuning.int("listen_backlog") { server.listenBacklog = v }
            if let v = try tuning.double("account_check_interval") { server.accountCheckIntervalSeconds = v }
            if let v = try tuning.int("search_update_contexts") { server.reading.updateContexts = max(1, v) }
            if let v = try tuning.nonNegativeDouble("progress_interval") { server.reading.progressInterval = v }
        }
        if let section = try reader.section("sieve") { try applySieve(section, file: file) }
        if let section = try reader.section("managesieve") { try applyManageSieve(section) }
        if let section = try reader.section("quota") { try applyQuota(section) }
        if let section = try reader.section("metadata") { try applyMetadata(section, file: file) }
        if let section = try reader.section("notify") { try applyNotify(section) }
        if let section = try reader.section("namespaces") { try applyNamespaces(section, file: file) }
        // ManageSieve checks a script with exactly the limits and extensions delivery compiles it with.
        manageSieve.maxScriptSize = sieve.limits.maximumScriptSize
        manageSieve.sieveLimits = sieve.limits
        manageSieve.extensions = sieve.extensions
        server.tickIntervalSeconds = min(5, server.preAuthTimeoutSeconds / 4, server.idleTimeoutSeconds / 4,
                                         server.idleCommandTimeoutSeconds / 4, server.idleKeepaliveSeconds / 2,
                                         server.commandTimeoutSeconds / 4)
    }

    /// `HOST:PORT`, `[v6]:PORT`.
    static func parseAddress(_ text: String, option: String) throws -> (String, Int) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
              (0...65535).contains(port) else {
            throw SettingsError("\(option) must be HOST:PORT, got \(text)")
        }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { throw SettingsError("\(option) needs a host, got \(text)") }
        return (host, port)
    }
}

struct SettingsError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Typed access to one table of the file, with errors that name the key.
struct TableReader {
    let table: TOMLTable
    let file: String
    let section: String?

    private func name(_ key: String) -> String { section.map { "\($0).\(key)" } ?? key }

    func checkKeys(_ known: Set<String>) throws {
        for key in table.keys where !known.contains(key) {
            throw SettingsError("\(file): unknown setting \(name(key))")
        }
    }

    func string(_ key: String) throws -> String? {
        guard let value = table[key] else { return nil }
        guard let string = value.string else { throw SettingsError("\(file): \(name(key)) must be a string") }
        return string
    }

    func int(_ key: String) throws -> Int? {
        guard let value = table[key] else { return nil }
        guard let int = value.int, int > 0 else { throw SettingsError("\(file): \(name(key)) must be a positive integer") }
        return int
    }

    func double(_ key: String) throws -> Double? {
        guard let value = table[key] else { return nil }
        if let int = value.int, int > 0 { return Double(int) }
        guard let double = value.double, double > 0 else {
            throw SettingsError("\(file): \(name(key)) must be a positive number")
        }
        return double
    }

    func nonNegativeDouble(_ key: String) throws -> Double? {
        guard let value = table[key] else { return nil }
        if let int = value.int, int >= 0 { return Double(int) }
        guard let double = value.double, double >= 0 else {
            throw SettingsError("\(file): \(name(key)) must be a number of seconds, 0 or more")
        }
        return double
    }

    func section(_ key: String) throws -> TableReader? {
        guard let value = table[key] else { return nil }
        guard let table = value.table else { throw SettingsError("\(file): [\(key)] must be a table") }
        return TableReader(table: table, file: file, section: key)
    }
}
