import ConnectionGuards
import LMTPSyntax
import MailCore
import Logging
import MailDelivery

/// One LMTP session (RFC 2033): commands in, replies out, one transaction at a time. Owned by
/// its connection's one task. Replies to pipelined commands (RFC 2920) are gathered and sent
/// when the client's bytes run out, or before the session waits for more (354, BDAT).
final class LMTPSession {
    /// The state of the session; whether a command is allowed is decided from it in one place
    /// (`dispatch`).
    enum State {
        case awaitingLHLO
        case ready
        case mail(Transaction)
        /// Message content is arriving for the transaction (DATA, or BDAT chunks).
        case receiving(Transaction, Content)
        /// The client sent QUIT, or the session must end.
        case finished
    }

    struct Transaction {
        var envelope: DeliveryEnvelope
        var parameters: MailParameters
        var recipients: [DeliveryRecipient] = []
    }

    /// The upload of the message content in progress.
    final class Content {
        let message: IncomingMessage?
        /// BDAT (chunks) rather than DATA.
        let chunked: Bool
        /// A write failed: every recipient gets `451`.
        var failed = false
        /// A chunk is being read only to be thrown away (a refused BDAT, RFC 3030 §2).
        var discardingChunk: LMTPReply?
        var lastChunk = false
        init(message: IncomingMessage?, chunked: Bool) {
            self.message = message
            self.chunked = chunked
        }
    }

    let configuration: LMTPConfiguration
    let deliverer: Deliverer
    let remoteAddress: String?
    let logger: Logger
    private let write: ([UInt8]) async throws -> Void
    private let control: (DeadlineControl) -> Void
    private let now: () -> Int64
    private var framer: LMTPFramer
    private(set) var state = State.awaitingLHLO
    private var heloName: String?
    private var pending: [UInt8] = []
    /// Content bytes since the deadline was last restarted.
    private var progress = 0
    /// A chunk that arrives with no transaction (a BDAT refused at once) is read and dropped.
    private var strayChunk: LMTPReply?

    init(configuration: LMTPConfiguration, deliverer: Deliverer, remoteAddress: String?, logger: Logger,
         write: @escaping ([UInt8]) async throws -> Void,
         control: @escaping (DeadlineControl) -> Void = { _ in },
         now: @escaping () -> Int64) {
        self.configuration = configuration
        self.deliverer = deliverer
        self.remoteAddress = remoteAddress
        self.logger = logger
        self.write = write
        self.control = control
        self.now = now
        framer = LMTPFramer(maxLineLength: configuration.maxLineLength)
    }

    var isFinished: Bool {
        if case .finished = state { return true }
        return false
    }

    /// Between transactions with nothing buffered: the session can be ended without losing mail.
    var isIdle: Bool {
        switch state {
        case .awaitingLHLO, .ready, .finished: return framer.bufferedCount == 0
        default: return false
        }
    }

    /// Drops the upload of a transaction that will not finish (RSET or LHLO between BDAT
    /// chunks, QUIT, the connection closing mid-message).
    func abandonTransaction() {
        if case .receiving(_, let content) = state { content.message?.discard() }
    }

    /// The greeting (RFC 5321 §4.2: 220 without an enhanced code).
    func greet() async throws {
        try await write(LMTPReply(220, nil, "\(configuration.hostName) Tern LMTP ready").encoded)
    }

    /// Handles the client's next bytes: every complete command, content piece and chunk.
    func receive(_ bytes: some Sequence<UInt8>) async throws {
        framer.append(bytes)
        while !isFinished, let event = framer.next() {
            switch event {
            case .line(let line):
                control(.restart)
                await handle(line: line)
            case .lineTooLong:
                control(.restart)
                reply(LMTPSyntaxError.lineTooLong.reply)
            case .content(let bytes):
                await handleContent(bytes)
            case .contentEnd:
                control(.restart)
                await handleContentEnd()
            }
        }
        try await flush()
    }

    private func reply(_ reply: LMTPReply) {
        pending += reply.encoded
    }

    private func flush() async throws {
        guard !pending.isEmpty else { return }
        let bytes = pending
        pending = []
        try await write(bytes)
    }

    // MARK: Commands

    private func handle(line: [UInt8]) async {
        switch LMTPCommandParser.parse(line) {
        case .failure(let error):
            logger.debug("bad command", metadata: ["error": "\(LoggedText(String(describing: error)))"])
            reply(error.reply)
        case .success(let command):
            await dispatch(command)
        }
    }

    /// The one place that decides what each command may do in each state (RFC 5321 §4.1.4).
    private func dispatch(_ command: LMTPCommand) async {
        switch command {
        case .quit, .lhlo, .rset: abandonTransaction()
        default: break
        }
        switch (command, state) {
        case (.quit, _):
            reply(LMTPReply(221, "2.0.0", "\(configuration.hostName) closing connection"))
            state = .finished
        case (.noop, _):
            reply(LMTPReply(250, "2.0.0", "OK"))
        case (.help, _):
            reply(LMTPReply(214, "2.0.0", "Commands: LHLO MAIL RCPT DATA BDAT RSET NOOP QUIT VRFY HELP"))
        case (.vrfy, _):
            // RFC 5321 §3.5.3: 252 when the server will not verify but will try to deliver.
            reply(LMTPReply(252, "2.5.0", "Cannot VRFY user, but will accept message and attempt delivery"))
        case (.lhlo(let name), _):
            heloName = name
            state = .ready
            reply(capabilities())
        case (.rset, .awaitingLHLO):
            reply(LMTPReply(250, "2.0.0", "OK"))
        case (.rset, _):
            state = .ready
            reply(LMTPReply(250, "2.0.0", "OK"))
        case (_, .awaitingLHLO):
            if case .bdat(let size, _) = command { startStrayChunk(size: size, LMTPReply(503, "5.5.1", "Send LHLO first")) }
            else { reply(LMTPReply(503, "5.5.1", "Send LHLO first")) }
        case (.mailFrom(let sender, let parameters), .ready):
            mail(from: sender, parameters)
        case (.mailFrom, _):
            reply(LMTPReply(503, "5.5.1", "MAIL already given"))
        case (.rcptTo(let address), .mail(var transaction)):
            await recipient(address, in: &transaction)
            state = .mail(transaction)
        case (.rcptTo, _):
            reply(LMTPReply(503, "5.5.1", "Send MAIL first"))
        case (.data, .mail(let transaction)):
            await startData(transaction)
        case (.data, _):
            reply(LMTPReply(503, "5.5.1", "Send MAIL and RCPT first"))
        case (.bdat(let size, let last), .mail(let transaction)):
            await startChunks(transaction, size: size, last: last)
        case (.bdat(let size, let last), .receiving(_, let content)) where content.chunked:
            content.lastChunk = last
            framer.beginChunk(size: size)
        case (.bdat(let size, _), _):
            startStrayChunk(size: size, LMTPReply(503, "5.5.1", "Send MAIL and RCPT first"))
        case (_, .receiving), (_, .finished):
            reply(LMTPReply(503, "5.5.1", "Bad sequence of commands"))
        }
    }

    /// The LHLO reply (RFC 2033 §4.1, the EHLO keywords of RFC 5321 §4.1.1.1).
    private func capabilities() -> LMTPReply {
        LMTPReply(250, nil, [
            configuration.hostName, "PIPELINING", "ENHANCEDSTATUSCODES", "8BITMIME", "BINARYMIME", "CHUNKING",
            "SMTPUTF8", "SIZE \(deliverer.configuration.maxMessageSize)",
        ])
    }

    private func mail(from sender: String, _ parameters: MailParameters) {
        if let size = parameters.size, size > deliverer.configuration.maxMessageSize {
            // RFC 1870 §6.2: refuse at once a message announced too large.
            reply(LMTPReply(552, "5.3.4", "Message size exceeds fixed maximum message size"))
            return
        }
        let envelope = DeliveryEnvelope(sender: sender, heloName: heloName, remoteAddress: remoteAddress)
        state = .mail(Transaction(envelope: envelope, parameters: parameters))
        reply(LMTPReply(250, "2.1.0", "Sender OK"))
    }

    private func recipient(_ address: String, in transaction: inout Transaction) async {
        guard transaction.recipients.count < configuration.maxRecipients else {
            reply(LMTPReply(452, "4.5.3", "Too many recipients"))
            return
        }
        do {
            guard let recipient = try await deliverer.resolve(address) else {
                reply(LMTPReply(550, "5.1.1", "<\(address)> User unknown"))
                return
            }
            transaction.recipients.append(recipient)
            reply(LMTPReply(250, "2.1.5", "Recipient OK"))
        } catch {
            logger.error("recipient lookup failed", metadata: ["error": "\(error)"])
            reply(LMTPReply(451, "4.3.0", "Temporary failure looking up the recipient"))
        }
    }

    // MARK: Content

    private func begin(_ transaction: Transaction, chunked: Bool, expectedSize: UInt64) async -> Content? {
        do {
            let message = try await deliverer.beginMessage(envelope: transaction.envelope, recipients: transaction.recipients,
                                                           expectedSize: expectedSize, now: now())
            return Content(message: message, chunked: chunked)
        } catch {
            logger.error("could not start an upload", metadata: ["error": "\(error)"])
            return nil
        }
    }

    private func startData(_ transaction: Transaction) async {
        guard !transaction.recipients.isEmpty else {
            reply(LMTPReply(503, "5.5.1", "No valid recipients"))
            return
        }
        if transaction.parameters.body == .binaryMIME {
            // RFC 3030 §3: a BINARYMIME message must come by BDAT.
            reply(LMTPReply(503, "5.5.1", "BODY=BINARYMIME requires BDAT"))
            return
        }
        guard let content = await begin(transaction, chunked: false, expectedSize: transaction.parameters.size ?? 0) else {
            reply(LMTPReply(451, "4.3.0", "Temporary failure, try again later"))
            return
        }
        state = .receiving(transaction, content)
        progress = 0
        framer.beginData()
        reply(LMTPReply(354, nil, "Start mail input; end with <CRLF>.<CRLF>"))
    }

    private func startChunks(_ transaction: Transaction, size: UInt64, last: Bool) async {
        guard !transaction.recipients.isEmpty else {
            startStrayChunk(size: size, LMTPReply(503, "5.5.1", "No valid recipients"))
            return
        }
        let content = await begin(transaction, chunked: true, expectedSize: transaction.parameters.size ?? size)
            ?? Content(message: nil, chunked: true)
        if content.message == nil { content.failed = true }
        content.lastChunk = last
        state = .receiving(transaction, content)
        progress = 0
        framer.beginChunk(size: size)
    }

    /// A BDAT that cannot be accepted: its chunk is read and dropped, then `answer` is sent.
    private func startStrayChunk(size: UInt64, _ answer: LMTPReply) {
        strayChunk = answer
        framer.beginChunk(size: size)
    }

    private func handleContent(_ bytes: [UInt8]) async {
        progress += bytes.count
        if progress >= 65536 {
            progress = 0
            control(.restart)
        }
        guard case .receiving(_, let content) = state, !content.failed, let message = content.message else { return }
        do {
            try await message.write(bytes)
        } catch {
            logger.error("could not write the message", metadata: ["error": "\(error)"])
            content.failed = true
            message.discard()
        }
    }

    private func handleContentEnd() async {
        if let answer = strayChunk {
            strayChunk = nil
            reply(answer)
            return
        }
        guard case .receiving(let transaction, let content) = state else { return }
        if content.chunked && !content.lastChunk {
            reply(LMTPReply(250, "2.0.0", "\(content.message?.receivedSize ?? 0) octets received"))
            return
        }
        state = .ready
        let outcomes: [DeliveryOutcome]
        if content.failed || content.message == nil {
            content.message?.discard()
            outcomes = transaction.recipients.map { _ in .temporaryFailure(reason: "Temporary failure, try again later") }
        } else if let message = content.message {
            control(.stop)  // staging and filing a large message may take a while
            outcomes = await deliverer.deliver(message, envelope: transaction.envelope,
                                               recipients: transaction.recipients, now: now())
            control(.restart)
        } else {
            outcomes = []
        }
        // RFC 2033 §4.2: one reply per accepted recipient, in RCPT order.
        for (recipient, outcome) in zip(transaction.recipients, outcomes) {
            reply(Self.reply(to: outcome, for: recipient))
        }
    }

    static func reply(to outcome: DeliveryOutcome, for recipient: DeliveryRecipient) -> LMTPReply {
        switch outcome {
        case .delivered(_, let duplicate):
            return LMTPReply(250, "2.0.0", "<\(recipient.address)> \(duplicate ? "Duplicate, already delivered" : "Saved")")
        case .rejected(let reason):
            return LMTPReply(550, "5.7.1", "<\(recipient.address)> \(reason)")
        case .temporaryFailure(let reason):
            return LMTPReply(451, "4.3.0", "<\(recipient.address)> \(reason)")
        case .tooLarge:
            return LMTPReply(552, "5.3.4", "<\(recipient.address)> Message too big for system")
        case .overQuota(let permanent):
            // RFC 3463 §3.3 X.2.2 "Mailbox full"; the text as Dovecot's.
            return permanent
                ? LMTPReply(552, "5.2.2", "<\(recipient.address)> Quota exceeded (mailbox for user is full)")
                : LMTPReply(452, "4.2.2", "<\(recipient.address)> Quota exceeded (mailbox for user is full)")
        }
    }
}
