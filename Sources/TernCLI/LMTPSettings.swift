import Foundation
import LMTPServer
import Logging
import MailDelivery
import MailStore
import TOMLKit

/// The `[lmtp]` settings: where mail is received (RFC 2033) and how it is delivered.
///
/// ```toml
/// [lmtp]
/// listen = ["127.0.0.1:24", "unix:/run/tern/lmtp"]   # off unless set (or --lmtp)
/// socket_mode = "0660"            # mode of unix socket files (0660: owner and group)
/// domains = ["example.org"]       # addresses in other domains are unknown; empty: any domain
/// subaddress_delimiter = "+"      # alice+lists@example.org files into "lists" if it exists (RFC 5233)
/// duplicate_window = 0            # seconds; a Message-ID delivered twice to a user within it is dropped
/// max_message_size = 67108864     # default: [limits] max_message_size
/// max_recipients = 1000           # per transaction
/// command_timeout = 300           # seconds to send a command (or 64 KiB of message)
/// write_timeout = 120             # seconds replies may stay unread
/// max_connections = 1000
/// hostname = "mail.example.org"   # in the greeting and Received: lines; default: the host name
/// ```
struct LMTPSettings {
    var listeners: [LMTPListenAddress] = []
    var socketMode: UInt16 = 0o660
    var domains: [String] = []
    var subaddressDelimiter = "+"
    var duplicateWindowSeconds: Int64 = 0
    var maxMessageSize: UInt64?
    var maxRecipients = 1000
    var commandTimeoutSeconds = 300.0
    var writeTimeoutSeconds = 120.0
    var maxConnections = 1000
    var hostName: String?
    /// `[quota] full_tempfail` (Settings+Quota.swift).
    var quotaFullTempfail = false

    mutating func apply(_ table: TOMLTable, file: String) throws {
        let known: Set<String> = ["listen", "socket_mode", "domains", "subaddress_delimiter", "duplicate_window",
                                  "max_message_size", "max_recipients", "command_timeout", "write_timeout",
                                  "max_connections", "hostname"]
        for key in table.keys where !known.contains(key) { throw SettingsError("\(file): unknown setting lmtp.\(key)") }
        func strings(_ key: String) throws -> [String]? {
            guard let value = table[key] else { return nil }
            if let single = value.string { return [single] }
            guard let array = value.array else { throw SettingsError("\(file): lmtp.\(key) must be a list of strings") }
            return try array.map {
                guard let string = $0.string else { throw SettingsError("\(file): lmtp.\(key) must be a list of strings") }
                return string
            }
        }
        func number(_ key: String, minimum: Int) throws -> Int? {
            guard let value = table[key] else { return nil }
            guard let int = value.int, int >= minimum else {
                throw SettingsError("\(file): lmtp.\(key) must be an integer of at least \(minimum)")
            }
            return int
        }
        if let value = table["socket_mode"] {
            guard let text = value.string, let mode = UInt16(text, radix: 8), mode <= 0o777 else {
                throw SettingsError("\(file): lmtp.socket_mode must be an octal mode such as \"0660\"")
            }
            socketMode = mode
        }
        if let list = try strings("listen") {
            listeners = try list.map { try Self.parseListener($0, mode: socketMode, option: "lmtp.listen") }
        }
        if let list = try strings("domains") { domains = list.map { $0.lowercased() } }
        if let value = table["subaddress_delimiter"] {
            guard let text = value.string else { throw SettingsError("\(file): lmtp.subaddress_delimiter must be a string") }
            subaddressDelimiter = text
        }
        if let v = try number("duplicate_window", minimum: 0) { duplicateWindowSeconds = Int64(v) }
        if let v = try number("max_message_size", minimum: 1) { maxMessageSize = UInt64(v) }
        if let v = try number("max_recipients", minimum: 1) { maxRecipients = v }
        if let v = try number("command_timeout", minimum: 1) { commandTimeoutSeconds = Double(v) }
        if let v = try number("write_timeout", minimum: 1) { writeTimeoutSeconds = Double(v) }
        if let v = try number("max_connections", minimum: 1) { maxConnections = v }
        if let value = table["hostname"] {
            guard let text = value.string, !text.isEmpty else { throw SettingsError("\(file): lmtp.hostname must be a name") }
            hostName = text
        }
    }

    /// `HOST:PORT`, `[v6]:PORT` or `unix:/path`.
    static func parseListener(_ text: String, mode: UInt16, option: String) throws -> LMTPListenAddress {
        if text.hasPrefix("unix:") {
            let path = String(text.dropFirst(5))
            guard path.hasPrefix("/") || path.hasPrefix(".") else {
                throw SettingsError("\(option): a unix socket needs a path, as unix:/run/tern/lmtp")
            }
            return .unix(path: path, mode: mode)
        }
        let (host, port) = try Settings.parseAddress(text, option: option)
        return .tcp(host: host, port: port)
    }

    /// The name of this host, for the greeting and `Received:`.
    var effectiveHostName: String {
        if let hostName { return hostName }
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count) == 0 else { return "localhost" }
        return String(decoding: buffer.prefix(while: { $0 != 0 }).map(UInt8.init(bitPattern:)), as: UTF8.self)
    }

    /// What deliveries accept; the size limit is IMAP's unless set here.
    func deliveryConfiguration(imapMaxMessageSize: UInt64) -> DeliveryConfiguration {
        DeliveryConfiguration(domains: domains, subaddressDelimiter: subaddressDelimiter,
                              duplicateWindowSeconds: duplicateWindowSeconds,
                              maxMessageSize: maxMessageSize ?? imapMaxMessageSize, hostName: effectiveHostName,
                              quotaFullTempfail: quotaFullTempfail)
    }

    func serverConfiguration() -> LMTPConfiguration {
        LMTPConfiguration(listeners: listeners, hostName: effectiveHostName, maxRecipients: maxRecipients,
                          commandTimeoutSeconds: commandTimeoutSeconds, writeTimeoutSeconds: writeTimeoutSeconds,
                          maxConnections: maxConnections)
    }
}
