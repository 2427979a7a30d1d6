public import Logging
import MailCore
import MailMessage
public import MailStore

/// Final delivery: the part of an MDA that LMTP (RFC 2033) and `tern deliver` share. It
/// resolves recipients, stages each message once (one upload, one parse, one blob appended to
/// every recipient's mailbox), asks the filter where each copy goes, and stores it durably
/// before answering; the store's `ChangeNotifier` tells IDLE sessions at once.
public struct Deliverer: Sendable {
    public let configuration: DeliveryConfiguration
    let storage: MailStorage
    let filter: (any DeliveryFilter)?
    let logger: Logger
    private let resolver: RecipientResolver

    public init(storage: MailStorage, configuration: DeliveryConfiguration,
                filter: (any DeliveryFilter)? = nil, logger: Logger) {
        self.storage = storage
        self.configuration = configuration
        self.filter = filter
        self.logger = logger
        resolver = RecipientResolver(accounts: storage.accounts, configuration: configuration)
    }

    /// The recipient an address names, or nil when it is unknown (`550 5.1.1`). Throws when
    /// the store cannot say (`451 4.3.0`).
    public func resolve(_ address: String) async throws -> DeliveryRecipient? {
        try await resolver.resolve(address)
    }

    /// Opens the upload of one message for these recipients, its trace headers already
    /// written (`protocolName` goes in `Received: ... with`, RFC 3848: `LMTP`, `local`).
    public func beginMessage(envelope: DeliveryEnvelope, recipients: [DeliveryRecipient],
                             protocolName: String = "LMTP", expectedSize: UInt64 = 0,
                             now: Int64) async throws -> IncomingMessage {
        let trace = TraceHeaders.render(envelope: envelope, recipients: recipients,
                                        hostName: configuration.hostName, protocolName: protocolName,
                                        date: ZonedDateTime(secondsSince1970: now))
        let upload = try await storage.blobs.beginUpload(expectedSize: expectedSize + UInt64(trace.count))
        return try await IncomingMessage(upload: upload, limit: configuration.maxMessageSize, trace: trace)
    }

    /// Finishes the message and files one copy per recipient; one outcome per recipient, in
    /// their order. The upload is discarded afterwards (the stored messages keep the blob).
    public func deliver(_ message: IncomingMessage, envelope: DeliveryEnvelope,
                        recipients: [DeliveryRecipient], now: Int64) async -> [DeliveryOutcome] {
        defer { message.discard() }
        if message.isTooLarge {
            return recipients.map { _ in .tooLarge(limit: message.limit) }
        }
        let blob: StagedBlob
        let delivered: DeliveredMessage
        do {
            blob = try await message.upload.finish()
            guard let content = message.upload.finishedContent, let structure = message.upload.stagedStructure else {
                throw MailStoreError.blobMissing(blob.id)
            }
            delivered = DeliveredMessage(size: blob.size, structure: structure, content: content)
        } catch {
            logger.error("delivery could not stage the message", metadata: ["error": "\(error)"])
            return recipients.map { _ in .temporaryFailure(reason: "could not store the message, try again later") }
        }
        let messageID = delivered.structure.envelope.messageID.map { String(decoding: $0, as: UTF8.self) }
        var outcomes: [DeliveryOutcome] = []
        for recipient in recipients {
            outcomes.append(await deliver(blob, message: delivered, messageID: messageID, to: recipient,
                                          envelope: envelope, now: now))
        }
        return outcomes
    }

    /// One recipient's copy: duplicate check, filter decision, then the appends.
    private func deliver(_ blob: StagedBlob, message: DeliveredMessage, messageID: String?, to recipient: DeliveryRecipient,
                         envelope: DeliveryEnvelope, now: Int64) async -> DeliveryOutcome {
        var logger = self.logger
        logger[metadataKey: "user"] = "\(recipient.user.name)"
        let duplicates = DuplicateSuppression(configuration: configuration, storage: storage)
        do {
            if try await duplicates.isDuplicate(messageID: messageID, for: recipient.user, now: now) {
                logger.info("duplicate delivery suppressed", metadata: ["message-id": "\(LoggedText(messageID ?? ""))"])
                return .delivered(mailboxes: [], duplicate: true)
            }
            let defaultTarget = try await self.defaultTarget(for: recipient)
            let decision = await filter?.decide(for: recipient, envelope: envelope, message: message,
                                                defaultTarget: defaultTarget) ?? .file([defaultTarget])
            switch decision {
            case .reject(let reason):
                await duplicates.forget(messageID: messageID, for: recipient.user)
                logger.info("delivery rejected by filter", metadata: ["reason": "\(LoggedText(reason))"])
                return .rejected(reason: reason)
            case .temporaryFailure(let reason):
                await duplicates.forget(messageID: messageID, for: recipient.user)
                return .temporaryFailure(reason: reason)
            case .file(let targets):
                var stored: [String] = []
                for target in Self.merged(targets) {
                    do {
                        stored.append(try await file(blob, into: target, of: recipient.user, logger: logger))
                    } catch MailStoreError.overQuota(let exceeded) {
                        // Every mailbox of the user is under one quota root: no other target
                        // would take the copy either (a mailbox that could not be created over
                        // the MAILBOX limit already fell back to INBOX in `file`).
                        logger.notice("delivery over quota", metadata: [
                            "resource": "\(exceeded.resource.rawValue)", "limit": "\(exceeded.limit)",
                            "usage": "\(exceeded.usage)", "mailbox": "\(LoggedText(target.mailbox))"])
                        if !stored.isEmpty { continue }  // stored once already: a retry would duplicate it
                        await duplicates.forget(messageID: messageID, for: recipient.user)
                        return .overQuota(permanent: exceeded.neverFits || !configuration.quotaFullTempfail)
                    }
                }
                logger.info("delivered", metadata: ["mailboxes": "\(LoggedText(stored.joined(separator: ", ")))", "size": "\(blob.size)"])
                return .delivered(mailboxes: stored)
            }
        } catch {
            await duplicates.forget(messageID: messageID, for: recipient.user)
            logger.error("delivery failed", metadata: ["error": "\(error)"])
            return .temporaryFailure(reason: "could not store the message, try again later")
        }
    }

    /// The subaddress folder if the user has a selectable mailbox of that name (RFC 5233, as
    /// Dovecot's `lmtp_save_to_detail_mailbox`), else INBOX.
    func defaultTarget(for recipient: DeliveryRecipient) async throws -> FilingTarget {
        guard let detail = recipient.detail, !detail.isEmpty else { return .inbox }
        let path = MailboxPath(owner: recipient.user.id, name: Self.mailboxName(detail))
        guard let mailbox = try await storage.mailboxes.mailbox(at: path, as: .administrator), mailbox.selectable else {
            return .inbox
        }
        return FilingTarget(mailbox: mailbox.name)
    }

    /// Stores one copy; a missing mailbox is created when the target says so, else the copy
    /// goes to INBOX (and the log says why). Returns the mailbox used.
    private func file(_ blob: StagedBlob, into target: FilingTarget, of user: User, logger: Logger) async throws -> String {
        let name = Self.mailboxName(target.mailbox)
        var mailbox = try await storage.mailboxes.mailbox(at: MailboxPath(owner: user.id, name: name), as: .administrator)
        if mailbox == nil || mailbox?.selectable == false, target.create {
            do {
                mailbox = try await storage.mailboxes.create(MailboxPath(owner: user.id, name: name), specialUse: nil,
                                                             as: .administrator)
            } catch {
                logger.warning("could not create mailbox for delivery", metadata: ["mailbox": "\(LoggedText(name))", "error": "\(LoggedText(String(describing: error)))"])
                mailbox = try await storage.mailboxes.mailbox(at: MailboxPath(owner: user.id, name: name), as: .administrator)
            }
        }
        if mailbox == nil || mailbox?.selectable == false {
            if name != "INBOX" {
                logger.notice("mailbox for delivery does not exist, filed into INBOX", metadata: ["mailbox": "\(LoggedText(name))"])
            }
            mailbox = try await storage.mailboxes.mailbox(at: MailboxPath(owner: user.id, name: "INBOX"), as: .administrator)
        }
        guard let mailbox else { throw MailStoreError.mailboxNotFound("INBOX") }
        _ = try await storage.messages.append([NewMessage(blob: blob, flags: MessageFlags(target.flags), internalDate: nil)],
                                              to: mailbox.id, as: .administrator)
        return mailbox.name
    }

    /// `INBOX` in upper case whatever its spelling (RFC 9051 §5.1); other names as given.
    static func mailboxName(_ name: String) -> String {
        name.uppercased() == "INBOX" ? "INBOX" : name
    }

    /// One copy per mailbox (RFC 5228 §2.10.3: filing twice into one mailbox stores once),
    /// the flags of every target naming it together.
    static func merged(_ targets: [FilingTarget]) -> [FilingTarget] {
        var result: [FilingTarget] = []
        for target in targets {
            let name = mailboxName(target.mailbox)
            if let index = result.firstIndex(where: { mailboxName($0.mailbox) == name }) {
                for flag in target.flags where !result[index].flags.contains(flag) { result[index].flags.append(flag) }
                result[index].create = result[index].create || target.create
            } else {
                result.append(target)
            }
        }
        return result
    }
}
