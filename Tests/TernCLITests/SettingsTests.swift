import Foundation
import IMAPServer
import Testing
@testable import TernCLI

/// The configuration file (README "Configuration"): every documented key lands in
/// `ServerConfiguration`, and every mistake is refused with a message naming the key.
@Suite("Settings file")
struct SettingsTests {
    private func load(_ text: String) throws -> Settings { try loadSettings(text) }

    private func refusal(_ text: String) -> String {
        do {
            _ = try load(text)
            return "accepted"
        } catch {
            return "\(error)"
        }
    }

    @Test("an empty file keeps every default")
    func defaults() throws {
        let settings = try load("")
        #expect(settings.dataDirectory == "tern-data")
        #expect(settings.server.port == 1143 && settings.server.tlsPort == 1993)
        #expect(settings.server.plaintextAuthentication == .tlsOrLoopback)
        #expect(settings.server.maxConnectionsPerUser == 50)
        #expect(settings.server.maxMailboxesPerUser == 10_000 && settings.server.maxMailboxDepth == 64)
        #expect(settings.server.tls == nil)
    }

    @Test("every section of the README example is read")
    func fullExample() throws {
        let settings = try load("""
            data_dir = "/var/lib/tern"
            log_level = "debug"
            [imap]
            listen = "0.0.0.0:143"
            listen_tls = "[::1]:993"
            [tls]
            certificate = "/etc/tern/fullchain.pem"
            key = "/etc/tern/privkey.pem"
            [limits]
            max_line_length = 1000
            max_message_size = 2048
            idle_timeout = 1800
            preauth_timeout = 20
            max_mailboxes_per_user = 500
            max_mailbox_depth = 8
            [security]
            password_iterations = 4096
            plaintext_auth = "tls"
            login_failure_delay = 0
            max_login_failures = 5
            max_connections_per_user = 7
            max_pipelined_commands = 9
            """)
        #expect(settings.dataDirectory == "/var/lib/tern" && settings.logLevel == .debug)
        #expect(settings.server.host == "0.0.0.0" && settings.server.port == 143)
        #expect(settings.server.tlsHost == "::1" && settings.server.tlsPort == 993)
        #expect(settings.server.tls == TLSFiles(certificatePath: "/etc/tern/fullchain.pem",
                                                keyPath: "/etc/tern/privkey.pem"))
        #expect(settings.server.framing.maxLineLength == 1000 && settings.server.maxMessageSize == 2048)
        #expect(settings.server.preAuthTimeoutSeconds == 20)
        #expect(settings.server.maxMailboxesPerUser == 500 && settings.server.maxMailboxDepth == 8)
        #expect(settings.server.tickIntervalSeconds == 5)  // at most a quarter of the shortest timeout
        #expect(settings.server.passwordIterations == 4096 && settings.server.plaintextAuthentication == .tlsOnly)
        #expect(settings.server.loginFailureDelaySeconds == 0 && settings.server.maxLoginFailuresPerConnection == 5)
        #expect(settings.server.maxConnectionsPerUser == 7 && settings.server.maxPipelinedCommands == 9)
    }

    @Test("[tuning]: page and chunk sizes, the login cache and the listen backlog")
    func tuning() throws {
        let settings = try load("""
            [tuning]
            fetch_page_size = 250
            fetch_streaming_threshold = 4096
            fetch_chunk_size = 1024
            search_batch_size = 32
            login_cache_size = 10
            login_cache_lifetime = 60
            listen_backlog = 64
            search_update_contexts = 3
            progress_interval = 0
            """)
        let reading = settings.server.reading
        #expect(reading.pageSize == 250 && reading.streamingThreshold == 4096 && reading.chunkSize == 1024)
        #expect(reading.searchBatchSize == 32)
        #expect(reading.updateContexts == 3 && reading.progressInterval == 0)
        #expect(ServerConfiguration().reading.updateContexts == 10 && ServerConfiguration().reading.progressInterval == 1)
        #expect(settings.server.loginCacheSize == 10 && settings.server.loginCacheLifetimeSeconds == 60)
        #expect(settings.server.listenBacklog == 64)
        #expect(refusal("[tuning]\nfetch_page_size = 0").contains("tuning.fetch_page_size must be a positive integer"))
        #expect(refusal("[tuning]\npage_size = 5").contains("unknown setting tuning.page_size"))
    }

    @Test("expunged_retention: how long ghosts of expunged messages stay (RFC 2180 §4.1.1)")
    func expungedRetention() throws {
        #expect(try load("").server.effectiveExpungedRetentionSeconds == 2400, "idle_timeout + 600 by default")
        #expect(try load("[limits]\nidle_timeout = 3600").server.effectiveExpungedRetentionSeconds == 4200,
                "follows the autologout time")
        let settings = try load("[limits]\nexpunged_retention = 90")
        #expect(settings.server.expungedRetentionSeconds == 90 && settings.server.effectiveExpungedRetentionSeconds == 90)
        #expect(refusal("[limits]\nexpunged_retention = -1").contains("limits.expunged_retention"))
    }

    @Test("mistakes are refused, naming the key")
    func mistakes() {
        #expect(refusal("colour = 1").contains("unknown setting colour"))
        #expect(refusal("[limits]\nmax_line_lenght = 5").contains("limits.max_line_lenght"))
        #expect(refusal("[limits]\nmax_connections = -1").contains("limits.max_connections must be a positive integer"))
        #expect(refusal("[limits]\nmax_mailboxes_per_user = 0").contains("limits.max_mailboxes_per_user must be a positive integer"))
        #expect(refusal("[limits]\nmax_mailbox_depth = -3").contains("limits.max_mailbox_depth must be a positive integer"))
        #expect(refusal("[imap]\nlisten = \"nowhere\"").contains("imap.listen must be HOST:PORT"))
        #expect(refusal("[tls]\ncertificate = \"a.pem\"").contains("[tls] needs both certificate and key"))
        #expect(refusal("[security]\nplaintext_auth = \"never\"").contains("plaintext_auth must be"))
        #expect(refusal("log_level = \"loud\"").contains("log_level must be one of"))
        #expect(refusal("[imap\nlisten = 1").contains(":1:"))  // a TOML syntax error, with its line
    }

    @Test("addresses: host and port, IPv6 in brackets")
    func addresses() throws {
        #expect(try Settings.parseAddress("127.0.0.1:1143", option: "x") == ("127.0.0.1", 1143))
        #expect(try Settings.parseAddress("[::]:993", option: "x") == ("::", 993))
        #expect(throws: SettingsError.self) { try Settings.parseAddress(":143", option: "x") }
        #expect(throws: SettingsError.self) { try Settings.parseAddress("host:70000", option: "x") }
    }
}
