import ArgumentParser
import Foundation
import LMTPServer
import Logging
import MailDelivery
import MailStore
import SQLiteMailStore

/// The LMTP server of `tern serve`, when `[lmtp] listen` or `--lmtp` names a listener.
enum LMTPService {
    static func make(settings: Settings, storage: MailStorage, logger: Logger) -> LMTPServer? {
        guard !settings.lmtp.listeners.isEmpty else { return nil }
        let deliverer = Deliverer(storage: storage,
                                  configuration: settings.lmtp.deliveryConfiguration(imapMaxMessageSize: settings.server.maxMessageSize),
                                  filter: settings.sieveFilter(storage: storage, logger: logger), logger: logger)
        return LMTPServer(configuration: settings.lmtp.serverConfiguration(), deliverer: deliverer, logger: logger) { address in
            Console.line("Tern is receiving mail by LMTP on \(LMTPServer.display(address))")
        }
    }
}

/// `tern deliver`: a local delivery agent (LDA) for procmail, fetchmail or sendmail setups:
/// one message on standard input, delivered through the same `Deliverer` as LMTP. The exit
/// status follows sysexits.h, which MTAs read: 0 delivered, 64 usage, 65 message refused
/// (too large), 67 no such user, 73 over quota (RFC 9208), 75 try again later (also over quota with
/// `[quota] full_tempfail`), 77 rejected by a filter.
struct DeliverCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deliver",
        abstract: "Deliver one message from standard input to a user's mailbox.",
        discussion: "Exit status (sysexits.h): 0 delivered, 64 usage, 65 too large, 67 no such user, 75 temporary failure.")

    @OptionGroup var common: CommonOptions

    @Option(name: .customLong("user"), help: "The recipient: a user name or address (subaddress allowed).")
    var user: String

    @Option(name: .customLong("mailbox"), help: "File into this mailbox instead of INBOX (INBOX if it does not exist).")
    var mailbox: String?

    @Option(name: .customLong("from"), help: "The envelope sender, for Return-Path (default: empty).")
    var from: String = ""

    /// sysexits.h.
    enum Status: Int32 {
        case ok = 0, usage = 64, dataError = 65, noUser = 67, software = 70, cantCreate = 73, temporaryFailure = 75, noPermission = 77
    }

    func run() async throws {
        let status: Status
        do {
            status = try await deliver()
        } catch let error as SettingsError {
            FileHandle.standardError.write(Data("tern deliver: \(error)\n".utf8))
            throw ExitCode(Status.usage.rawValue)
        }
        if status != .ok { throw ExitCode(status.rawValue) }
    }

    private func deliver() async throws -> Status {
        let settings = try common.settings()
        var logger = Logger(label: "tern.deliver")
        logger.logLevel = settings.logLevel
        let store: SQLiteMailStore
        do {
            store = try SQLiteMailStore(directory: settings.dataDirectory)
        } catch {
            return fail("cannot open the store: \(error)", .temporaryFailure)
        }
        defer { store.close() }
        let storage = MailStorage(store)
        let deliverer = Deliverer(storage: storage,
                                  configuration: settings.lmtp.deliveryConfiguration(imapMaxMessageSize: settings.server.maxMessageSize),
                                  filter: mailbox.map { FixedMailbox(name: $0) as any DeliveryFilter }
                                      ?? settings.sieveFilter(storage: storage, logger: logger),
                                  logger: logger)
        let recipient: DeliveryRecipient
        do {
            guard let found = try await deliverer.resolve(user) else { return fail("no such user: \(user)", .noUser) }
            recipient = found
        } catch {
            return fail("cannot look the user up: \(error)", .temporaryFailure)
        }
        let envelope = DeliveryEnvelope(sender: from, heloName: nil, remoteAddress: nil)
        let now = Int64(Date().timeIntervalSince1970)
        let outcome: DeliveryOutcome
        do {
            let message = try await deliverer.beginMessage(envelope: envelope, recipients: [recipient],
                                                           protocolName: "local", now: now)
            let input = FileHandle.standardInput
            while true {
                let chunk = try input.read(upToCount: 1 << 16) ?? Data()
                if chunk.isEmpty { break }
                do {
                    try await message.write(chunk)
                } catch {
                    message.discard()
                    throw error
                }
            }
            outcome = await deliverer.deliver(message, envelope: envelope, recipients: [recipient], now: now).first
                ?? .temporaryFailure(reason: "nothing delivered")
        } catch {
            return fail("cannot store the message: \(error)", .temporaryFailure)
        }
        switch outcome {
        case .delivered: return .ok
        case .tooLarge(let limit): return fail("message larger than \(limit) bytes", .dataError)
        case .rejected(let reason): return fail("rejected: \(reason)", .noPermission)
        case .temporaryFailure(let reason): return fail(reason, .temporaryFailure)
        case .overQuota(let permanent):
            return fail("quota exceeded (mailbox for user is full)", permanent ? .cantCreate : .temporaryFailure)
        }
    }

    private func fail(_ message: String, _ status: Status) -> Status {
        FileHandle.standardError.write(Data("tern deliver: \(message)\n".utf8))
        return status
    }
}

/// `--mailbox`: every copy goes to one mailbox (INBOX when it does not exist).
struct FixedMailbox: DeliveryFilter {
    let name: String

    func decide(for recipient: DeliveryRecipient, envelope: DeliveryEnvelope, message: DeliveredMessage,
                defaultTarget: FilingTarget) async -> FilterDecision {
        .file([FilingTarget(mailbox: name)])
    }
}
