import IMAPSyntax
import MailCore
import MailStore
import NIOCore

/// An APPEND whose messages are arriving (RFC 9051 §6.3.12, RFC 3502 MULTIAPPEND): each
/// message is streamed into a store upload as its literal arrives; the store commits them all
/// at once when the command line ends.
struct AppendInProgress {
    let tag: Tag
    let mailbox: MailboxRecord
    var messages: [NewMessage] = []
    /// Every upload of the command: the one arriving (last) and the finished ones, whose staged
    /// bytes are discarded once the command is over.
    var uploads: [MessageUpload] = []
    /// The message literal arriving now is being written to the last upload.
    var writing = false
    var options = AppendMessageOptions()
    /// The current message came as literal8 (`~{n}`, RFC 3516 §4.4).
    var binary = false
    /// Set when a message cannot be stored; the command then ends with this answer once the
    /// client has sent the rest of it.
    var failure: CommandOutcome?
    /// The room the command's uploads take among the user's uploads in progress.
    let reservation: UploadReservation
    /// For REPLACE and UID REPLACE (RFC 8508): the message of the selected mailbox replaced.
    var replacing: ReplacedMessage?

    /// The command, for its completion (name in logs, EXPUNGE rules).
    var command: CompletedCommand { replacing == nil ? .append : .replace }

    /// Removes every staged upload: the command is over (its messages, if stored, keep their
    /// own reference to the bytes).
    func abort() {
        for upload in uploads { upload.discard() }
    }

    mutating func fail(_ outcome: CommandOutcome) {
        writing = false
        if failure == nil { failure = outcome }
    }
}

extension Session {
    /// A message literal is announced: checks everything that can be checked before the client
    /// sends the bytes and starts its upload. Returns the refusal, or nil to accept it.
    func prepareAppendMessage(_ start: AppendMessageStart) async throws -> CommandOutcome? {
        var append: AppendInProgress
        if start.isFirst {
            let scope: CommandScope = start.replacing == nil ? .authenticated : .selected
            guard scope.allows(state), let user = state.user else {
                return .bad("\(start.replacing == nil ? "APPEND" : "REPLACE"): \(scope.refusal)")
            }
            // REPLACE (RFC 8508 §3.2): the message to replace must exist before the bytes come.
            let replaced = try start.replacing.map { try replacedMessage($0) }
            let name = try decodeMailboxName(start.mailbox)
            guard let record = try await store.mailboxes.mailbox(at: try await resolveMailbox(name).path,
                                                                 as: principal) else {
                return .no("Mailbox does not exist", code: .tryCreate)
            }
            guard record.selectable else { return .no("Mailbox cannot hold messages", code: .cannot) }
            append = AppendInProgress(tag: start.tag, mailbox: record,
                                      reservation: UploadReservation(registry: environment.registry, user: user.name),
                                      replacing: replaced)
        } else {
            guard case .appending(let current) = mode else { return .bad("APPEND is not in progress") }
            append = current
        }
        if start.size > configuration.maxMessageSize {
            return CommandOutcome(status: start.synchronizing ? .no : .bad, code: .tooBig,
                                  text: "Message larger than \(configuration.maxMessageSize) bytes")
        }
        if start.size == 0 { return .no("Cannot store an empty message", code: .cannot) }
        // RFC 9738 §3.1: a MULTIAPPEND past SAVELIMIT stores nothing.
        if append.messages.count >= configuration.saveLimit { return saveLimitRefusal("append", lowest: nil) }
        for flag in start.options.flags {
            if case .extension(let name) = flag { return .bad("Unknown system flag \(name)") }
        }
        guard append.reservation.add(start.size, limit: configuration.maxUploadBytesPerUser) else {
            return .no("Too many uploads in progress for this account, try again later", code: .limit)
        }
        append.uploads.append(try await store.blobs.beginUpload(expectedSize: start.size, binary: start.binary))
        append.writing = true
        append.options = start.options
        append.binary = start.binary
        setAppending(append)
        return nil
    }

    /// Bytes of the accepted message, written to the upload as they come.
    ///
    /// A plain literal may not carry NUL (CHAR8, RFC 9051 §9): that is a `BAD`. A `literal8`
    /// may (RFC 3516 §4.4); the staging step re-encodes the parts that hold it, or refuses
    /// the message with `[UNKNOWN-CTE]` when no re-encoding can carry it.
    func appendBytes(_ bytes: ByteBuffer) async {
        guard case .appending(var append) = mode, append.writing, let upload = append.uploads.last else { return }
        if !append.binary, bytes.readableBytesView.contains(0) {
            append.fail(.bad("NUL byte in a literal (send binary data as literal8)"))
            setAppending(append)
            return
        }
        do {
            try await upload.write(bytes.readableBytesView)
        } catch {
            logger.error("upload write failed", metadata: ["error": "\(error)"])
            append.fail(.no("Cannot store the message", code: .serverBug))
            setAppending(append)
        }
    }

    /// The accepted message is complete: its upload is finished (durable and parsed).
    func appendMessageEnd() async {
        guard case .appending(var append) = mode, append.writing, let upload = append.uploads.last else { return }
        append.writing = false
        do {
            let blob = try await upload.finish()
            let flags = MessageFlags(append.options.flags)
            append.messages.append(NewMessage(blob: blob, flags: flags, internalDate: append.options.internalDate))
        } catch let error as MailStoreError {
            append.fail(CommandOutcome(error))
        } catch {
            logger.error("upload finish failed", metadata: ["error": "\(error)"])
            append.fail(.no("Cannot store the message", code: .serverBug))
        }
        setAppending(append)
    }

    /// The APPEND line ended: stores every message in one step and answers with APPENDUID
    /// (RFC 4315 §3). The staged uploads are discarded either way.
    func appendEnd(_ append: AppendInProgress) async throws -> CommandOutcome {
        defer { append.abort() }
        if let failure = append.failure { return failure }
        if let replaced = append.replacing { return try await replaceEnd(append, replacing: replaced) }
        do {
            let result = try await store.messages.append(append.messages, to: append.mailbox.id, as: principal)
            return .ok("APPEND completed", code: .appendUID(result.uidValidity, UIDSet(result.uids)))
        } catch {
            return try outcome(for: error, in: "APPEND")
        }
    }
}

/// Room an APPEND's uploads take among its user's uploads in progress, over all connections
/// (`max_upload_bytes_per_user`); given back when the command is over, however it ends.
final class UploadReservation {
    private let registry: ConnectionRegistry
    private let user: String
    private var bytes: UInt64 = 0

    init(registry: ConnectionRegistry, user: String) {
        self.registry = registry
        self.user = user
    }

    deinit {
        if bytes > 0 { registry.releaseUpload(bytes, for: user) }
    }

    /// Takes room for one more message; false if the user's uploads would pass `limit`.
    func add(_ size: UInt64, limit: UInt64) -> Bool {
        guard registry.reserveUpload(size, for: user, limit: limit) else { return false }
        bytes += size
        return true
    }
}
