import ArgumentParser
import Foundation
import IMAPServer
import Logging
import MailCore
import MailStore
import ManageSieveServer
import ServiceLifecycle
import SQLiteMailStore
import UnixSignals

/// `tern serve`: runs the IMAP server on the embedded store until SIGINT or SIGTERM, as
/// services of one `ServiceGroup` (swift-service-lifecycle).
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the IMAP server.",
        discussion: """
            On an empty data directory the first start creates one account and prints its \
            name and password, once, so that a client can log in at once.
            """)

    @OptionGroup var common: CommonOptions

    @Option(name: .customLong("imap"), help: "HOST:PORT for IMAP with STARTTLS (default: 127.0.0.1:1143).")
    var imapAddress: String?

    @Option(name: .customLong("imaps"), help: "HOST:PORT for IMAP over implicit TLS (default: 127.0.0.1:1993; needs a certificate).")
    var imapsAddress: String?

    @Option(name: .customLong("lmtp"), help: "HOST:PORT or unix:/PATH to receive mail by LMTP (repeatable; off by default).")
    var lmtpAddresses: [String] = []
    @Option(name: .customLong("managesieve"), help: "HOST:PORT for ManageSieve (RFC 5804; usually port 4190); repeatable. Default: off.")
    var manageSieveAddresses: [String] = []

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: String?

    func run() async throws {
        var settings = try common.settings()
        if let imapAddress {
            (settings.server.host, settings.server.port) = try Settings.parseAddress(imapAddress, option: "--imap")
        }
        if let imapsAddress {
            let (host, port) = try Settings.parseAddress(imapsAddress, option: "--imaps")
            (settings.server.tlsHost, settings.server.tlsPort) = (host, port)
        }
        if !lmtpAddresses.isEmpty {
            settings.lmtp.listeners = try lmtpAddresses.map {
                try LMTPSettings.parseListener($0, mode: settings.lmtp.socketMode, option: "--lmtp")
            }
        }
        if !manageSieveAddresses.isEmpty {
            settings.manageSieve.listen = try manageSieveAddresses.map { try Settings.parseAddress($0, option: "--managesieve") }
        }
        if settings.server.tls == nil {
            // `tern cert self-signed` writes here; use it when nothing else is configured.
            let directory = TLSLocation.directory(of: settings)
            let files = TLSFiles(certificatePath: directory + "/cert.pem", keyPath: directory + "/key.pem")
            if FileManager.default.fileExists(atPath: files.certificatePath),
               FileManager.default.fileExists(atPath: files.keyPath) {
                settings.server.tls = files
            }
        }
        if let logLevel {
            guard let level = Logger.Level(rawValue: logLevel) else {
                throw ValidationError("--log-level must be trace, debug, info, notice, warning, error or critical")
            }
            settings.logLevel = level
        }
        let level = settings.logLevel
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "tern")
        if settings.server.passwordIterations > PasswordCredentials.cyrusSASLMaximumIterations {
            logger.warning("password_iterations is above 65536: SCRAM clients built on Cyrus SASL (mbsync and others) refuse such counts",
                           metadata: ["password_iterations": "\(settings.server.passwordIterations)"])
        }

        let lock = try DataDirectoryLock(directory: settings.dataDirectory)
        defer { lock.release() }
        let store = try SQLiteMailStore(directory: settings.dataDirectory)
        defer { store.close() }
        let storage = MailStorage(store)
        try await FirstRun.createAccountIfEmpty(storage, settings: settings)

        let dataDirectory = settings.dataDirectory
        let server = try IMAPServer(configuration: settings.server, storage: storage, logger: logger) { address in
            Console.line("Tern is serving IMAP on \(address.displayString), data in \(dataDirectory)")
        }
        // The listeners, the certificate reloader and the purge of expunged messages' ghosts
        // run as services of one group: SIGTERM or SIGINT shut them down gracefully (every
        // session gets BYE), in reverse order.
        let purger = GhostPurger(housekeeping: storage.housekeeping,
                                 retentionSeconds: settings.server.effectiveExpungedRetentionSeconds, logger: logger)
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: server), .init(service: CertificateReloader(server: server, logger: logger)), .init(service: purger),
            .init(service: ExternalChangeWatcher(store: store, logger: logger))]
        if let lmtp = LMTPService.make(settings: settings, storage: storage, logger: logger) {
            services.append(.init(service: lmtp))
        }
        if !settings.manageSieve.listen.isEmpty {
            // Beside IMAP, with its accounts, login rules, limits and certificate.
            services.append(.init(service: ManageSieveServer(configuration: settings.manageSieve, sharingWith: server,
                                                             logger: logger) { address in
                Console.line("Tern is serving ManageSieve on \(address.displayString)")
            }))
        }
        let group = ServiceGroup(configuration: .init(
            services: services,
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger))
        try await group.run()
    }
}

/// Reloads the TLS certificate and key on SIGHUP (after a renewal); open connections keep
/// theirs, new ones get the new certificate. A reload that fails keeps the old one.
struct CertificateReloader: Service {
    let server: IMAPServer
    let logger: Logger

    func run() async throws {
        for await _ in await UnixSignalsSequence(trapping: .sighup).cancelOnGracefulShutdown() {
            do {
                try server.reloadTLS()
                logger.info("TLS certificate reloaded")
            } catch {
                logger.error("TLS reload failed; the old certificate stays", metadata: ["error": "\(error)"])
            }
        }
    }
}

/// The first start on an empty store creates one account, so that a newcomer can log in.
enum FirstRun {
    static func createAccountIfEmpty(_ store: MailStorage, settings: Settings) async throws {
        guard try await store.accounts.users().isEmpty else { return }
        let environment = ProcessInfo.processInfo.environment["USER"] ?? ""
        let name = environment == "root" ? "tern" : (try? UserNames.validated(environment)) ?? "tern"
        let password = PasswordGenerator.make()
        let credentials = try PasswordCredentials(password: password, iterations: settings.server.passwordIterations)
        _ = try await store.provisionAccount(name: name, credentials: credentials, quota: settings.quota.defaultLimits)
        Console.line("""
            Created the first account of this new data directory (shown only this once):
              user:     \(name)
              password: \(password)
            Add more with: tern user add NAME --data-dir \(settings.dataDirectory)
            """)
    }
}

/// Readable random passwords: 20 characters from an alphabet without look-alikes (~115 bits).
enum PasswordGenerator {
    private static let alphabet = Array("abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")

    static func make(length: Int = 20) -> String {
        var generator = SystemRandomNumberGenerator()
        return String((0..<length).map { _ in alphabet.randomElement(using: &generator)! })
    }
}

/// Keeps a second `tern serve` off the same data directory (an exclusive `flock`).
struct DataDirectoryLock {
    private let descriptor: Int32

    init(directory: String) throws {
        try PrivateFiles.makeDirectory(directory)
        let path = (directory as NSString).appendingPathComponent("tern.lock")
        descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw SettingsError("cannot open \(path): \(String(cString: strerror(errno)))") }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            close(descriptor)
            throw SettingsError("another tern server is using \(directory)")
        }
    }

    func release() {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
