import MailMessage

// vacation (RFC 5230, RFC 6131): the response resolved, and the rules of §4.5 and §4.6 that
// the engine can check itself.

extension Interpreter {
    mutating func vacation(_ arguments: VacationArguments, _ frame: Frame) throws(SieveRuntimeError) {
        let response = resolveVacation(arguments, frame)
        switch response {
        case .respond(let response):
            try actions.vacation(response, line: line)
        case .skip(let skip):
            try actions.vacation(nil, line: line)
            vacationSkip = skip
        }
    }

    private func resolveVacation(_ arguments: VacationArguments, _ frame: Frame) -> VacationOutcome {
        let sender = context.envelope.from
        let senderParts = SieveAddresses.envelopeParts(sender)
        guard !sender.isEmpty, sender != "<>", let senderLocal = senderParts.localPart?.lowercased() else {
            return .skip(.automatedSender("<>"))
        }
        // §4.6: addresses of system daemons and list software.
        let systemNames: Set<String> = ["mailer-daemon", "listserv", "majordomo", "mailer", "noreply",
                                        "no-reply", "do-not-reply", "donotreply", "bounce", "bounces"]
        if systemNames.contains(senderLocal) || senderLocal.hasPrefix("owner-") || senderLocal.hasSuffix("-request")
            || senderLocal.hasPrefix("bounce-") || senderLocal.hasSuffix("-bounces") {
            return .skip(.automatedSender(sender))
        }
        // §4.6: automatic messages and mailing lists.
        for field in message.fields(named: "auto-submitted") {
            let value = message.decodedValue(field).lowercased()
            if value.split(separator: ";").first?.trimmingSpaces != "no" {
                return .skip(.automatedMessage("Auto-Submitted: \(value)"))
            }
        }
        for field in message.fields(named: "precedence") {
            let value = message.decodedValue(field).lowercased()
            if ["bulk", "list", "junk"].contains(value) { return .skip(.automatedMessage("Precedence: \(value)")) }
        }
        for name in ["List-Id", "List-Help", "List-Subscribe", "List-Unsubscribe", "List-Post", "List-Owner",
                     "List-Archive"] where !message.fields(named: name).isEmpty {
            return .skip(.automatedMessage(name))
        }
        // §4.5: only personal messages, never to oneself.
        var own: Set<String> = []
        var candidates = [context.envelope.to] + context.userAddresses + expand(arguments.addresses, frame)
        let recipient = SieveAddresses.envelopeParts(context.envelope.to)
        if let user = recipient.part(.user, separator: limits.subaddressSeparator), let domain = recipient.domain {
            candidates.append(user + "@" + domain)
        }
        for candidate in candidates {
            let parts = SieveAddresses.envelopeParts(candidate.trimmingSpaces)
            if let all = parts.part(.all, separator: "") { own.insert(all.lowercased()) }
        }
        if let all = senderParts.part(.all, separator: ""), own.contains(all.lowercased()) {
            return .skip(.automatedSender(sender))
        }
        var personal = false
        for name in ["to", "cc", "bcc", "resent-to", "resent-cc", "resent-bcc"] where !personal {
            for field in message.fields(named: name) {
                let addresses = SieveAddresses.parts(of: AddressParser.parseAddressList(message.unfoldedValue(field)))
                if addresses.contains(where: { $0.part(.all, separator: "").map { own.contains($0.lowercased()) } ?? false }) {
                    personal = true
                    break
                }
            }
        }
        guard personal else { return .skip(.notPersonal) }

        // §4.1: the period, within the site's limits.
        let period = min(max(arguments.period ?? limits.vacationDefaultPeriod, limits.vacationMinimumPeriod),
                         limits.vacationMaximumPeriod)
        let handle = arguments.handle.map { expand($0, frame) } ?? Self.handle(of: arguments)
        if host.vacationResponded(to: sender, handle: handle, within: period) { return .skip(.alreadyResponded) }

        // §5.3: the subject.
        var subject = arguments.subject.map { expand($0, frame) }
        if subject == nil {
            let original = message.fields(named: "subject").first.map(message.decodedValue)
            subject = original.map { "Auto: " + $0 } ?? "Automated reply"
        }
        // §4.3: an invalid :from is ignored rather than failing the action.
        let from = arguments.from.flatMap { SieveAddresses.mailbox(expand($0, frame)) != nil ? expand($0, frame) : nil }
        // §5.8: threading.
        let messageID = message.fields(named: "message-id").first
            .map { message.trimmed(String(decoding: message.unfoldedValue($0), as: UTF8.self)) }
            .flatMap { $0.isEmpty ? nil : $0 }
        let references = messageID.map { id in
            let earlier = message.fields(named: "references").first
                .map { message.trimmed(String(decoding: message.unfoldedValue($0), as: UTF8.self)) } ?? ""
            return earlier.isEmpty ? id : earlier + " " + id
        }
        return .respond(VacationResponse(
            recipient: sender, from: from, subject: subject ?? "Automated reply", reason: expand(arguments.reason, frame),
            addresses: expand(arguments.addresses, frame), isMIME: arguments.mime, handle: handle, period: period, inReplyTo: messageID, references: references))
    }

    /// RFC 5230 §4.2: without `:handle`, the response is identified by :subject, :from, :mime
    /// and the reason as written (before variable expansion), each counted so that one value
    /// cannot pass for another. FNV-1a (64 bits) of that, in hex.
    static func handle(of arguments: VacationArguments) -> String {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        func add(_ bytes: some Sequence<UInt8>) {
            for byte in bytes {
                hash ^= UInt64(byte)
                hash &*= 0x100_0000_01B3
            }
        }
        for field in [arguments.subject?.source, arguments.from?.source, arguments.mime ? "mime" : nil,
                      arguments.reason.source] {
            guard let field else {
                add([0xFF])
                continue
            }
            add(String(field.utf8.count).utf8)
            add([0x3A])
            add(field.utf8)
        }
        return "vacation-" + String(hash, radix: 16)
    }
}

enum VacationOutcome {
    case respond(VacationResponse)
    case skip(VacationSkip)
}

extension StringProtocol {
    /// The text without spaces and tabs at either end.
    var trimmingSpaces: String {
        let scalars = String(self).unicodeScalars
        guard let first = scalars.firstIndex(where: { $0 != " " && $0 != "\t" }) else { return "" }
        let last = scalars.lastIndex(where: { $0 != " " && $0 != "\t" })!
        return String(scalars[first...last])
    }
}
