import Logging
import MailStore
import SieveDelivery

/// The `[sieve]` table (Sieve at delivery; README "Sieve at delivery"):
///
/// ```toml
/// [sieve]
/// relay = "127.0.0.1:25"           # SMTP server for redirect and vacation; none: not sent
/// global_dir = "/etc/tern/sieve"   # include :global "x" reads x.sieve here
/// max_script_size = 1048576        # bytes
/// max_actions = 32                 # per run
/// max_redirects = 4                # per message
/// max_steps = 2000000              # the CPU budget of one run
/// max_include_depth = 4
/// vacation_min_period = 86400      # seconds
/// vacation_max_period = 7776000
/// max_redirect_hops = 8            # X-Tern-Loop fields after which no redirect is made
/// max_message_size_for_body = 10485760   # larger messages are seen as their beginning
/// body_prefix_size = 1048576
/// relay_timeout = 60               # seconds the relay may stay silent
/// disabled_extensions = ["vacation"]
/// ```
extension Settings {
    mutating func applySieve(_ table: TableReader, file: String) throws {
        try table.checkKeys(["relay", "global_dir", "max_script_size", "max_actions", "max_redirects", "max_steps",
                             "max_include_depth", "vacation_min_period", "vacation_max_period", "max_redirect_hops",
                             "max_message_size_for_body", "body_prefix_size", "relay_timeout", "disabled_extensions"])
        if let relay = try table.string("relay"), !relay.isEmpty {
            let (host, port) = try Self.parseAddress(relay, option: "sieve.relay")
            sieve.relay = SMTPRelay(host: host, port: port)
        }
        if let v = try table.double("relay_timeout") { sieve.relay?.replyTimeoutSeconds = v }
        if let v = try table.string("global_dir") { sieve.globalScriptDirectory = v }
        if let v = try table.int("max_script_size") { sieve.limits.maximumScriptSize = v }
        if let v = try table.int("max_actions") { sieve.limits.maximumActions = v }
        if let v = try table.int("max_redirects") { sieve.limits.maximumRedirects = v }
        if let v = try table.int("max_steps") { sieve.limits.maximumSteps = v }
        if let v = try table.int("max_include_depth") { sieve.limits.maximumIncludeDepth = v }
        if let v = try table.int("vacation_min_period") { sieve.limits.vacationMinimumPeriod = v }
        if let v = try table.int("vacation_max_period") { sieve.limits.vacationMaximumPeriod = v }
        guard sieve.limits.vacationMinimumPeriod <= sieve.limits.vacationMaximumPeriod else {
            throw SettingsError("\(file): sieve.vacation_min_period must not exceed sieve.vacation_max_period")
        }
        if let v = try table.int("max_redirect_hops") { sieve.maximumRedirectHops = v }
        if let v = try table.int("max_message_size_for_body") { sieve.maximumWholeMessageSize = v }
        if let v = try table.int("body_prefix_size") { sieve.bodyPrefixSize = v }
        if let value = table.table["disabled_extensions"] {
            guard let array = value.array else {
                throw SettingsError("\(file): sieve.disabled_extensions must be a list of strings")
            }
            var names: [String] = []
            for element in array {
                guard let name = element.string else {
                    throw SettingsError("\(file): sieve.disabled_extensions must be a list of strings")
                }
                names.append(name)
            }
            let unknown = sieve.disable(names)
            guard unknown.isEmpty else {
                throw SettingsError("\(file): sieve.disabled_extensions: unknown extension \(unknown.joined(separator: ", "))")
            }
        }
    }
}

extension Settings {
    /// The Sieve filter of LMTP and `tern deliver`: `[sieve]` with this server's name, local
    /// domain and subaddress separator taken from `[lmtp]`, so that both agree.
    func sieveFilter(storage: MailStorage, logger: Logger) -> SieveFilter {
        let delivery = lmtp.deliveryConfiguration(imapMaxMessageSize: server.maxMessageSize)
        var configuration = sieve
        configuration.hostName = delivery.hostName
        if configuration.domain == nil { configuration.domain = delivery.domains.first }
        if let separator = delivery.subaddressDelimiter.first {
            configuration.limits.subaddressSeparator = String(separator)
        }
        configuration.relay?.heloName = delivery.hostName
        return SieveFilter(storage: storage, configuration: configuration, logger: logger)
    }
}
