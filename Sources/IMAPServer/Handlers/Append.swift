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
    /// Set when the message cannot be stored; the command then ends with this answer.
    var failure: CommandOutcome?

    /// Removes every staged upload: the command is over (its messages, if stored, keep their
    /// own reference to the bytes).
    func abort() {
        for upload in uploads { upload.discard() }
    }
}

extension Session {
    /// A message literal is announced: check everything that can be checked before the client
    /// sends the bytes, then accept (sending `+` for a synchronizing literal) or refuse.
    func appendMessageStart(_ start: AppendMessageStart) async throws {
        if let refusal = try await appendRefusal(start) {
            append?.abort()
            append = nil
            respond(tag: start.tag, refusal.status, ResponseText(code: refusal.code, refusal.text))
            framer.rejectAppendMessage()
            return
        }
        do {
            append?.uploads.append(try await store.blobs.beginUpload(expectedSize: start.size))
            append?.writing = true
        } catch {
            logger.error("cannot start upload", metadata: ["error": "\(error)"])
            append = nil
            respond(tag: start.tag, .no, ResponseText(code: .serverBug, "Cannot store the message now"))
            framer.rejectAppendMessage()
            return
        }
        append?.options = start.options
        append?.binary = start.binary
        framer.acceptAppendMessage()
        if start.synchronizing {
            output.send(.continuation("Ready for literal data"))
            try await output.flush()
        }
    }

    /// Why a message cannot be accepted, or nil.
    private func appendRefusal(_ start: AppendMessageStart) async throws -> CommandOutcome? {
        let tooBigStatus: ResponseStatus = start.synchronizing ? .no : .bad
        if start.isFirst {
            guard CommandScope.authenticated.allows(state), let user = state.user else {
                return .bad("APPEND: \(CommandScope.authenticated.refusal)")
            }
            let name: String
            do {
                name = try decodeMailboxName(start.mailbox)
            } catch {
                return error.outcome
            }
            guard let record = try await store.mailboxes.mailbox(at: MailboxPath(owner: user.id, name: name), as: principal) else {
                return .no("Mailbox does not exist", code: .tryCreate)
            }
            guard record.selectable else { return .no("Mailbox cannot hold messages", code: .cannot) }
            append = AppendInProgress(tag: start.tag, mailbox: record)
        }
        guard append != nil else { return .bad("APPEND is not in progress") }
        if start.size > configuration.maxMessageSize {
            return CommandOutcome(status: tooBigStatus, code: .tooBig,
                                  text: "Message larger than \(configuration.maxMessageSize) bytes")
        }
        if start.size == 0 { return .no("Cannot store an empty message", code: .cannot) }
        for flag in start.options.flags {
            if case .extension(let name) = flag { return .bad("Unknown system flag \(name)") }
        }
        return nil
    }

    /// Bytes of the accepted message, written to the upload as they come.
    ///
    /// NUL never enters the store: a literal may not carry it (CHAR8, RFC 9051 §9), and
    /// storing it from a literal8 would make BODYSTRUCTURE describe the part as something a
    /// client could not fetch with BODY[] (RFC 3516 §6); such a message is refused with
    /// `[UNKNOWN-CTE]`, as RFC 3516 §4.4 allows a store without binary content to do.
    func appendBytes(_ bytes: ByteBuffer) async {
        guard append?.writing == true, let upload = append?.uploads.last, append?.failure == nil else { return }
        if bytes.readableBytesView.contains(0) {
            append?.writing = false
            let binary = append?.binary == true
            append?.failure = binary
                ? .no("Messages with NUL bytes cannot be stored", code: .unknownCTE)
                : .bad("NUL byte in a literal (send binary data as literal8)")
            return
        }
        do {
            try await upload.write(bytes.readableBytesView)
        } catch {
            logger.error("upload write failed", metadata: ["error": "\(error)"])
            append?.writing = false
            append?.failure = .no("Cannot store the message", code: .serverBug)
        }
    }

    func appendMessageEnd() async throws {
        guard var current = append else { return }
        defer { append = current }
        guard current.failure == nil, current.writing, let upload = current.uploads.last else { return }
        current.writing = false
        do {
            let blob = try await upload.finish()
            let flags = MessageFlags(current.options.flags)
            current.messages.append(NewMessage(blob: blob, flags: flags, internalDate: current.options.internalDate))
        } catch {
            logger.error("upload finish failed", metadata: ["error": "\(error)"])
            current.failure = .no("Cannot store the message", code: .serverBug)
        }
    }

    /// The APPEND line ended: store every message in one step and answer with APPENDUID
    /// (RFC 4315 §3).
    func appendEnd(tag: Tag) async throws {
        guard let current = append else { return }
        append = nil
        defer { current.abort() }
        var outcome: CommandOutcome
        if let failure = current.failure {
            outcome = failure
        } else {
            do {
                let result = try await store.messages.append(current.messages, to: current.mailbox.id, as: principal)
                outcome = .ok("APPEND completed", code: .appendUID(result.uidValidity, UIDSet(result.uids)))
            } catch let error as MailStoreError {
                outcome = CommandOutcome(error)
            } catch {
                logger.error("append failed", metadata: ["error": "\(error)"])
                outcome = .no("Cannot store the message", code: .serverBug)
            }
        }
        if state.selected != nil { try await synchronize(allowExpunge: true) }
        respond(tag: tag, outcome.status, ResponseText(code: outcome.code, outcome.text))
    }
}
