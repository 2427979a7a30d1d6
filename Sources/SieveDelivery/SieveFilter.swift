import Foundation
public import Logging
public import NIOCore
public import MailDelivery
import MailCore
import MailMessage
public import MailStore
import Sieve

/// Sieve at delivery (RFC 5228 §2.10): for each recipient, runs the user's active script on
/// the message and turns its actions into where the copy goes, sending redirects and vacation
/// responses through the SMTP relay on the way.
///
/// Mail is never lost to a script: a script that does not compile, a runtime error
/// (RFC 5228 §2.10.6), a store error while preparing the run, all end in a keep into the
/// default target, with the reason in the server log and in the user's Sieve log
/// (`SieveScriptStore.appendSieveLog`, as Pigeonhole's `sieve_user_log`).
///
/// `keep` (explicit or implicit) files into the default target the deliverer computed: the
/// subaddress folder when the recipient had a detail and the folder exists, else INBOX — as
/// Dovecot's `lmtp_save_to_detail_mailbox` does, so a script does not undo plus-addressing.
public struct SieveFilter: DeliveryFilter {
    let storage: MailStorage
    let configuration: SieveDeliveryConfiguration
    let logger: Logger
    let clock: @Sendable () -> Int64
    let cache: CompiledScriptCache
    let client: SMTPClient?

    /// - Parameters:
    ///   - clock: seconds since 1970; nil: the system clock (tests give a fixed one).
    ///   - group: the event loops of the relay connections; nil: NIO's shared ones.
    public init(storage: MailStorage, configuration: SieveDeliveryConfiguration, logger: Logger,
                clock: (@Sendable () -> Int64)? = nil, group: (any EventLoopGroup)? = nil) {
        self.storage = storage
        self.configuration = configuration
        self.logger = logger
        self.clock = clock ?? { Int64(Date().timeIntervalSince1970) }
        cache = CompiledScriptCache(capacity: configuration.compiledScriptCacheSize)
        client = configuration.relay.map { SMTPClient(relay: $0, group: group) }
    }

    public func decide(for recipient: DeliveryRecipient, envelope: DeliveryEnvelope,
                       message: DeliveredMessage, defaultTarget: FilingTarget) async -> FilterDecision {
        let now = clock()
        var run = FilterRun(filter: self, recipient: recipient, envelope: envelope, now: now)
        let active: (name: String, content: [UInt8])?
        do {
            active = try await storage.sieveScripts.activeSieveScript(of: recipient.user.id)
        } catch {
            logger.error("cannot read the active Sieve script, message kept",
                         metadata: ["user": "\(recipient.user.name)", "error": "\(error)"])
            return .file([defaultTarget])
        }
        guard let active else { return .file([defaultTarget]) }
        run.scriptName = active.name

        let script: SieveScript
        switch cache.script(user: recipient.user.id, content: active.content, compile: compile) {
        case .success(let compiled):
            script = compiled
        case .failure(let error):
            await run.report("script \"\(active.name)\" does not compile: line \(error.line): \(error.message); "
                             + "the message was kept")
            return .file([defaultTarget])
        }

        let prepared: (SieveMessage, DeliverySieveHost)
        do {
            prepared = (try await SieveMessageLoader.load(message, configuration: configuration),
                        try await host(for: recipient.user, script: script, activeName: active.name))
        } catch {
            await run.report("could not prepare the run of script \"\(active.name)\": \(error); the message was kept",
                             userLog: false)
            return .file([defaultTarget])
        }
        let (sieveMessage, host) = prepared
        let result = script.run(on: sieveMessage, context: run.context(), host: host)
        if let error = result.error {
            await run.report("script \"\(active.name)\" failed: \(error); the message was kept")
        }
        if let skip = result.vacationSkipped {
            logger.debug("vacation: no response", metadata: ["user": "\(recipient.user.name)", "reason": "\(skip)"])
        }
        return await run.carryOut(result.actions, message: message, sieveMessage: sieveMessage, host: host,
                                  defaultTarget: defaultTarget)
    }

    private func compile(_ content: [UInt8]) -> CompiledScriptCache.Compiled {
        Result { () throws(SieveError) in
            try SieveScript(compiling: content, limits: configuration.limits, extensions: configuration.extensions)
        }
    }

    /// The mailboxes of the user and, when the script uses `include`, their other scripts.
    private func host(for user: User, script: SieveScript, activeName: String) async throws -> DeliverySieveHost {
        let mailboxes = try await storage.mailboxes.list(of: user.id, as: .administrator)
        var personal: [String: [UInt8]] = [:]
        if script.requiredExtensions.contains(.include) {
            for info in try await storage.sieveScripts.sieveScripts(of: user.id)
            where info.size <= configuration.limits.maximumScriptSize {
                personal[info.name] = try await storage.sieveScripts.sieveScript(named: info.name, of: user.id)
            }
        }
        return DeliverySieveHost(mailboxNames: Set(mailboxes.filter(\.selectable).map(\.name)),
                                 personalScripts: personal, globalDirectory: configuration.globalScriptDirectory,
                                 maximumScriptSize: configuration.limits.maximumScriptSize)
    }
}

/// One recipient's run: what the actions need to know, and the two logs.
struct FilterRun {
    let filter: SieveFilter
    let recipient: DeliveryRecipient
    let envelope: DeliveryEnvelope
    let now: Int64
    var scriptName = ""

    init(filter: SieveFilter, recipient: DeliveryRecipient, envelope: DeliveryEnvelope, now: Int64) {
        self.filter = filter
        self.recipient = recipient
        self.envelope = envelope
        self.now = now
    }

    var configuration: SieveDeliveryConfiguration { filter.configuration }
    var domain: String { configuration.domain ?? "localhost" }

    /// The envelope recipient as an address: with the domain added when LMTP got a bare name.
    var recipientAddress: String {
        recipient.address.contains("@") ? recipient.address : recipient.address + "@" + domain
    }

    /// The user's own address without any detail: the From of vacation responses (RFC 5230
    /// §5.4) and the loop mark of redirects.
    var ownAddress: String {
        if recipient.user.name.contains("@") { return recipient.user.name }  // accounts named by address
        let address = recipientAddress
        guard let at = address.lastIndex(of: "@") else { return address }
        return recipient.user.name + "@" + address[address.index(after: at)...].lowercased()
    }

    /// RFC 5228 §5.4 envelope, RFC 5260 currentdate in the server's zone, RFC 5183 items.
    func context() -> SieveContext {
        var environment = ["domain": domain, "host": configuration.hostName, "location": "MDA", "phase": "during"]
        if let remote = envelope.remoteAddress { environment["remote-ip"] = remote }
        var limits = configuration.limits
        if limits.subaddressSeparator.isEmpty { limits.subaddressSeparator = "+" }
        var addresses = [ownAddress]
        if let configured = configuration.domain, !recipient.user.name.isEmpty {
            addresses.append(recipient.user.name + "@" + configured)
        }
        return SieveContext(envelope: SieveEnvelope(from: envelope.sender, to: recipientAddress),
                            now: ZonedDateTime(secondsSince1970: now, zoneMinutes: Self.localZoneMinutes(at: now)),
                            environment: environment, userAddresses: addresses, limits: limits)
    }

    /// The server's offset from UTC at `moment`, in minutes.
    static func localZoneMinutes(at moment: Int64) -> Int {
        TimeZone.current.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(moment))) / 60
    }

    /// Logs a problem to the server log and (unless `userLog` is false) to the user's Sieve log.
    func report(_ text: String, userLog: Bool = true) async {
        filter.logger.warning("sieve", metadata: ["user": "\(recipient.user.name)", "problem": "\(LoggedText(text, limit: 512))"])
        guard userLog else { return }
        do {
            try await filter.storage.sieveScripts.appendSieveLog(text, of: recipient.user.id, at: now)
        } catch {
            filter.logger.error("cannot write the user's Sieve log",
                                metadata: ["user": "\(recipient.user.name)", "error": "\(error)"])
        }
    }

    /// An informational line for the server log only.
    func note(_ text: String) {
        filter.logger.info("sieve", metadata: ["user": "\(recipient.user.name)", "note": "\(LoggedText(text, limit: 512))"])
    }
}
