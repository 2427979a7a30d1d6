import MailCore
import MailDelivery
import MailMessage
import MailStore
import Sieve

// Carrying out the actions of a run (RFC 5228 §4, RFC 5230, RFC 5429): filing targets for the
// deliverer, redirects and the vacation response as side effects.

extension FilterRun {
    /// Turns the actions into a decision. Order: reject ends everything; redirects go out
    /// next; the vacation response last, so that a decision to try again later (below) has
    /// sent nothing.
    ///
    /// A redirect that cannot be sent: when the relay failed transiently (no reply, 4yz) and
    /// nothing has been sent for this recipient yet, the answer is a temporary failure — the
    /// MTA retries later and the redirect happens then, nothing stored twice and nothing sent
    /// twice. Otherwise (a 5yz refusal, a loop, no relay, or an earlier redirect already
    /// out) the message is kept in the default target besides what the script asked, as
    /// Pigeonhole does, and the user's log says why.
    func carryOut(_ actions: [SieveAction], message: DeliveredMessage, sieveMessage: SieveMessage,
                  host: DeliverySieveHost, defaultTarget: FilingTarget) async -> FilterDecision {
        var targets: [FilingTarget] = []
        var redirects: [String] = []
        var vacation: VacationResponse?
        for action in actions {
            switch action {
            case .keep(let flags):
                targets.append(FilingTarget(mailbox: defaultTarget.mailbox, flags: flags))
            case .fileInto(let mailbox, let flags, _, let create):
                targets.append(await fileInto(mailbox, flags: flags, create: create, host: host))
            case .redirect(let address, _):
                redirects.append(address)
            case .discard:
                note("discarded by script \"\(scriptName)\"")
            case .reject(let reason), .ereject(let reason):
                note("rejected by script \"\(scriptName)\"")
                return .reject(reason: reason)
            case .vacation(let response):
                vacation = response
            }
        }
        var keepAfterFailure = false
        var sent = 0
        for address in redirects {
            switch await redirect(message, to: address, sieveMessage: sieveMessage) {
            case .sent:
                sent += 1
            case .refused(let why):
                await report("redirect to \(address) not sent: \(why); the message was kept")
                keepAfterFailure = true
            case .failed(let error):
                if sent == 0, !error.isPermanent {
                    await report("redirect to \(address) failed: \(error); the delivery will be tried again",
                                 userLog: false)
                    return .temporaryFailure(reason: "redirect failed, try again later")
                }
                await report("redirect to \(address) failed: \(error); the message was kept")
                keepAfterFailure = true
            }
        }
        if keepAfterFailure, !targets.contains(where: { $0.mailbox == defaultTarget.mailbox }) {
            targets.append(defaultTarget)
        }
        if let vacation { await respond(vacation) }
        return .file(targets)
    }

    /// `fileinto` (RFC 5228 §4.1): a name no mailbox can have goes to INBOX; a mailbox that
    /// does not exist (and no `:create`, RFC 5490 §3.2) is filed into INBOX by the deliverer;
    /// both are said in the user's log.
    private func fileInto(_ mailbox: String, flags: [Flag], create: Bool, host: DeliverySieveHost) async -> FilingTarget {
        guard Self.isValidMailboxName(mailbox) else {
            await report("fileinto \"\(mailbox)\": not a valid mailbox name; filed into INBOX")
            return FilingTarget(mailbox: "INBOX", flags: flags)
        }
        if !create, !host.mailboxExists(mailbox) {
            await report("fileinto \"\(mailbox)\": no such mailbox; filed into INBOX")
        }
        return FilingTarget(mailbox: mailbox, flags: flags, create: create)
    }

    /// The store's rules for mailbox names (as IMAP's): not empty, no controls, no empty, `.`
    /// or `..` level, bounded lengths.
    static func isValidMailboxName(_ name: String) -> Bool {
        guard !name.isEmpty, name.utf8.count <= 1024,
              !name.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else { return false }
        return name.split(separator: "/", omittingEmptySubsequences: false).allSatisfy { level in
            !level.isEmpty && level != "." && level != ".." && level.utf8.count <= 255
        }
    }
}

// MARK: - Redirect (RFC 5228 §4.2)

/// The header field that marks a message redirected by a Tern user, with that user's address.
let loopFieldName = "X-Tern-Loop"

enum RedirectOutcome {
    case sent
    /// Not attempted: a loop, too many hops, no relay.
    case refused(String)
    case failed(SMTPClientError)
}

extension FilterRun {
    /// Sends the message on to `address` through the relay, with the original envelope sender
    /// (RFC 5228 §4.2 allows it; bounces then reach the author), our `Return-Path` left out
    /// (RFC 5321 §4.4: it belongs to final delivery) and an `X-Tern-Loop: <user>` field on top.
    /// A message that already carries this user's mark (it went round) or too many marks is
    /// not redirected again.
    func redirect(_ message: DeliveredMessage, to address: String, sieveMessage: SieveMessage) async -> RedirectOutcome {
        let header = HeaderFields(parsing: sieveMessage.bytes)
        let marks = header.all(named: loopFieldName).map {
            String(decoding: header.unfoldedValue(of: $0), as: UTF8.self)
                .trimmingCharacters(in: " \t<>").lowercased()
        }
        if marks.contains(ownAddress.lowercased()) || marks.contains(recipientAddress.lowercased()) {
            return .refused("the message was already redirected by this user (mail loop)")
        }
        if marks.count >= configuration.maximumRedirectHops {
            return .refused("the message was redirected \(marks.count) times already")
        }
        guard let client = filter.client else { return .refused("no SMTP relay is configured") }
        do {
            let outgoing = try await Self.redirectedMessage(message, mark: "\(loopFieldName): <\(ownAddress)>\r\n")
            try await client.send(from: envelope.sender, to: [address], message: outgoing)
            note("redirected to \(address)")
            return .sent
        } catch let error as SMTPClientError {
            return .failed(error)
        } catch {
            return .failed(.connectionClosed(stage: "reading the message: \(error)"))
        }
    }

    /// The message as it goes out: `mark`, then the stored message from after its first
    /// `Return-Path` field (the one delivery put on top), read 256 KiB at a time.
    static func redirectedMessage(_ message: DeliveredMessage, mark: String) async throws -> OutgoingMessage {
        let start = try await message.withBytes { buffer in Self.endOfLeadingReturnPath(buffer) }
        let prefix = Array(mark.utf8)
        let total = Int(clamping: message.size)
        return OutgoingMessage { offset in
            if offset < prefix.count { return Array(prefix[offset...]) }
            let position = start + offset - prefix.count
            guard position < total else { return [] }
            return try await message.withBytes { buffer in
                Array(buffer[position..<min(position + 262_144, buffer.count)])
            }
        }
    }

    /// Where the message continues after a leading `Return-Path:` field (folded lines
    /// included); 0 when it does not start with one.
    static func endOfLeadingReturnPath(_ buffer: UnsafeRawBufferPointer) -> Int {
        let name = Array("return-path:".utf8)
        guard buffer.count >= name.count,
              zip(buffer.prefix(name.count), name).allSatisfy({ ($0 | 0x20) == $1 || $0 == $1 }) else { return 0 }
        var index = name.count
        while index < buffer.count {
            if buffer[index] == UInt8(ascii: "\n") {
                let next = index + 1
                if next < buffer.count, buffer[next] == UInt8(ascii: " ") || buffer[next] == UInt8(ascii: "\t") {
                    index = next
                    continue
                }
                return next
            }
            index += 1
        }
        return 0
    }
}

// MARK: - Vacation (RFC 5230)

extension FilterRun {
    /// Sends a vacation response unless one with this handle went to this sender within the
    /// period (§4.2): the ledger record "vacation:<handle>:<address>" is claimed first (so two
    /// deliveries at once send one response) and released if the relay fails, so a later
    /// message tries again. Sent from the null reverse path (§5.1).
    func respond(_ response: VacationResponse) async {
        guard let client = filter.client else {
            await report("vacation response to \(response.recipient) not sent: no SMTP relay is configured")
            return
        }
        let key = "vacation:\(response.handle):\(response.recipient.lowercased())"
        let ledger = filter.storage.ledger
        let user = recipient.user.id
        do {
            guard try await ledger.claim(key, for: user, until: now + Int64(response.period), now: now) else {
                note("vacation: already responded to \(response.recipient)")
                return
            }
        } catch {
            await report("vacation response not sent: the tracking record cannot be written (\(error))", userLog: false)
            return
        }
        do {
            let id = "<vacation.\(String(UInt64.random(in: 0...UInt64.max), radix: 36)).\(now)@\(configuration.hostName)>"
            let bytes = try VacationMessage.build(
                response, owner: ownAddress,
                now: ZonedDateTime(secondsSince1970: now, zoneMinutes: Self.localZoneMinutes(at: now)), messageID: id)
            try await client.send(from: "", to: [response.recipient], message: OutgoingMessage(bytes: bytes))
            note("vacation response sent to \(response.recipient)")
        } catch {
            try? await ledger.release(key, for: user)
            await report("vacation response to \(response.recipient) not sent: \(error)")
        }
    }
}
