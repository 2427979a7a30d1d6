import Foundation
import LMTPServer
import Testing
@testable import TernCLI

/// The `[lmtp]` table (README "Receiving mail").
@Suite("LMTP settings")
struct LMTPSettingsTests {
    private func load(_ text: String) throws -> Settings { try loadSettings(text) }

    @Test("off by default; the size limit is IMAP's")
    func defaults() throws {
        let settings = try load("[limits]\nmax_message_size = 1000\n")
        #expect(settings.lmtp.listeners.isEmpty)
        let delivery = settings.lmtp.deliveryConfiguration(imapMaxMessageSize: settings.server.maxMessageSize)
        #expect(delivery.maxMessageSize == 1000)
        #expect(delivery.subaddressDelimiter == "+" && delivery.duplicateWindowSeconds == 0 && delivery.domains.isEmpty)
    }

    @Test("every key of the README example is read")
    func example() throws {
        let settings = try load("""
            [lmtp]
            socket_mode = "0666"
            listen = ["127.0.0.1:24", "unix:/run/tern/lmtp"]
            domains = ["Example.org"]
            subaddress_delimiter = "-+"
            duplicate_window = 3600
            max_message_size = 5000
            max_recipients = 10
            command_timeout = 30
            write_timeout = 20
            max_connections = 5
            hostname = "mail.example.org"
            """)
        #expect(settings.lmtp.listeners == [.tcp(host: "127.0.0.1", port: 24), .unix(path: "/run/tern/lmtp", mode: 0o666)])
        let delivery = settings.lmtp.deliveryConfiguration(imapMaxMessageSize: 1)
        #expect(delivery.domains == ["example.org"] && delivery.subaddressDelimiter == "-+")
        #expect(delivery.duplicateWindowSeconds == 3600 && delivery.maxMessageSize == 5000)
        #expect(delivery.hostName == "mail.example.org")
        let server = settings.lmtp.serverConfiguration()
        #expect(server.maxRecipients == 10 && server.commandTimeoutSeconds == 30 && server.writeTimeoutSeconds == 20)
        #expect(server.maxConnections == 5 && server.hostName == "mail.example.org")
    }

    @Test("mistakes are refused naming the key", arguments: [
        ("[lmtp]\nlisten = [\"nowhere\"]", "lmtp.listen"),
        ("[lmtp]\nlisten = [\"unix:relative\"]", "lmtp.listen"),
        ("[lmtp]\nsocket_mode = \"999\"", "lmtp.socket_mode"),
        ("[lmtp]\nduplicate_window = -1", "lmtp.duplicate_window"),
        ("[lmtp]\nmax_recipients = 0", "lmtp.max_recipients"),
        ("[lmtp]\ndomains = [1]", "lmtp.domains"),
        ("[lmtp]\nunknown = 1", "lmtp.unknown"),
    ])
    func refusals(text: String, key: String) {
        do {
            _ = try load(text)
            Issue.record("accepted: \(text)")
        } catch {
            #expect("\(error)".contains(key), "\(error)")
        }
    }
}
