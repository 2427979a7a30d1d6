public import MailCore

/// What delivery must do with the message (RFC 5228 §2.9, §4 and the extensions).
public enum SieveAction: Hashable, Sendable {
    /// Store in the user's INBOX (RFC 5228 §4.3; explicit, or the implicit keep of §2.10.2),
    /// with these flags (RFC 5232 §5).
    case keep(flags: [Flag])
    /// Store in `mailbox` (RFC 5228 §4.1) with `flags`; `create`: make the mailbox first if it
    /// is missing (RFC 5490 §3.2); `copy` (RFC 3894): the implicit keep was not cancelled.
    /// A mailbox that does not exist (and no `create`) is the caller's runtime error: keep.
    case fileInto(mailbox: String, flags: [Flag], copy: Bool, create: Bool)
    /// Send the message on to `address` (RFC 5228 §4.2), as an `addr-spec`.
    case redirect(address: String, copy: Bool)
    /// The message goes nowhere (RFC 5228 §4.4); present only when no other action delivers it.
    case discard
    /// Refuse the message (RFC 5429 §2.2): with an LMTP 550 reply (or a bounce) giving `reason`.
    case reject(reason: String)
    /// Refuse at the protocol level (RFC 5429 §2.1): the LMTP reply gives `reason`.
    case ereject(reason: String)
    /// Send an automatic response (RFC 5230); the engine checked the rules it could (§4.5,
    /// §4.6, the tracking window through `SieveHost`), the caller sends it and records it.
    case vacation(VacationResponse)
}

/// A vacation response with every parameter resolved (RFC 5230 §4, §5).
public struct VacationResponse: Hashable, Sendable {
    /// Where the response goes: the reverse path of the message (RFC 5230 §4.2).
    public var recipient: String
    /// The From field: the `:from` mailbox, or nil for the user's own address (§5.4).
    public var from: String?
    /// The subject: `:subject`, else "Auto: " and the original subject, else "Automated
    /// reply" (§5.3). Unicode; the sender encodes it (RFC 2047) when it is not ASCII (§4.3).
    public var subject: String
    /// The body, or with `isMIME` a whole MIME entity, headers included (§4.4).
    public var reason: String
    /// The `:addresses` of the script, expanded: the user's other addresses (§4.5), which a
    /// sender may prefer as the From of the response when the message came to one of them.
    public var addresses: [String]
    public var isMIME: Bool
    /// The tracking handle (§4.2): `:handle`, or one made from the unexpanded arguments.
    public var handle: String
    /// The tracking period in seconds, the limits applied (§4.1, RFC 6131 §2).
    public var period: Int
    /// The Message-ID of the original message, for In-Reply-To and References (§5.8).
    public var inReplyTo: String?
    /// The References of the original message followed by its Message-ID (§5.8).
    public var references: String?

    public init(recipient: String, from: String?, subject: String, reason: String, addresses: [String] = [],
                isMIME: Bool, handle: String, period: Int, inReplyTo: String?, references: String?) {
        self.recipient = recipient
        self.from = from
        self.subject = subject
        self.reason = reason
        self.addresses = addresses
        self.isMIME = isMIME
        self.handle = handle
        self.period = period
        self.inReplyTo = inReplyTo
        self.references = references
    }
}

/// Why a vacation action sent nothing (RFC 5230 §4.5, §4.6, §4.2): not an error, only worth
/// a log line.
public enum VacationSkip: Hashable, Sendable {
    /// The user's address is in no To, Cc, Bcc, Resent-To, Resent-Cc or Resent-Bcc field.
    case notPersonal
    /// The message came from the null reverse path, a system address or the user.
    case automatedSender(String)
    /// Auto-Submitted other than "no", Precedence bulk/junk/list, or a List-* field.
    case automatedMessage(String)
    /// A response with this handle went to this sender within the period.
    case alreadyResponded
}

/// The outcome of one run.
public struct SieveResult: Hashable, Sendable {
    /// The actions to carry out, in the order the script took them, duplicates merged; the
    /// implicit keep (RFC 5228 §2.10.2) included as `.keep`. After a runtime error: one keep.
    public var actions: [SieveAction]
    /// The runtime error, if any (RFC 5228 §2.10.6: the message is kept, the error logged).
    public var error: SieveRuntimeError?
    /// Set when a vacation action ran but no response is due.
    public var vacationSkipped: VacationSkip?
}

/// The actions taken so far and the rules of RFC 5228 §2.10: the implicit keep, duplicates
/// merged (§2.10.3), incompatible actions refused (§2.10.1, RFC 5429 §2.4, RFC 5230 §4.7),
/// the number of actions and redirects bounded.
struct ActionList {
    let limits: SieveLimits
    private(set) var actions: [SieveAction] = []
    /// RFC 5228 §2.10.2: cancelled by keep, fileinto, redirect, discard, reject.
    private(set) var implicitKeep = true
    private var redirects = 0
    private var discarded = false
    private var rejected: String?
    private var vacationRan = false
    private var delivering: String?

    init(limits: SieveLimits) {
        self.limits = limits
    }

    private func error(_ line: Int, _ kind: SieveRuntimeError.Kind) -> SieveRuntimeError {
        SieveRuntimeError(line: line, kind)
    }

    private mutating func append(_ action: SieveAction, line: Int) throws(SieveRuntimeError) {
        guard actions.count < limits.maximumActions else {
            throw error(line, .tooManyActions(limit: limits.maximumActions))
        }
        actions.append(action)
    }

    private mutating func deliver(_ name: String, line: Int) throws(SieveRuntimeError) {
        if let rejected { throw error(line, .incompatibleActions(rejected, name)) }
        delivering = delivering ?? name
    }

    private static func merged(_ old: [Flag], _ new: [Flag]) -> [Flag] {
        var result = old
        for flag in new where !result.contains(flag) { result.append(flag) }
        return result
    }

    mutating func keep(flags: [Flag], line: Int) throws(SieveRuntimeError) {
        try deliver("keep", line: line)
        implicitKeep = false
        if let index = actions.firstIndex(where: { if case .keep = $0 { return true } else { return false } }),
           case .keep(let old) = actions[index] {
            actions[index] = .keep(flags: Self.merged(old, flags))
            return
        }
        try append(.keep(flags: flags), line: line)
    }

    mutating func fileInto(_ mailbox: String, flags: [Flag], copy: Bool, create: Bool,
                           line: Int) throws(SieveRuntimeError) {
        try deliver("fileinto", line: line)
        if !copy { implicitKeep = false }
        for (index, action) in actions.enumerated() {
            guard case .fileInto(let name, let old, let oldCopy, let oldCreate) = action, name == mailbox else { continue }
            actions[index] = .fileInto(mailbox: name, flags: Self.merged(old, flags), copy: oldCopy && copy,
                                       create: oldCreate || create)
            return
        }
        try append(.fileInto(mailbox: mailbox, flags: flags, copy: copy, create: create), line: line)
    }

    mutating func redirect(_ address: String, copy: Bool, line: Int) throws(SieveRuntimeError) {
        try deliver("redirect", line: line)
        if !copy { implicitKeep = false }
        for (index, action) in actions.enumerated() {
            guard case .redirect(let old, let oldCopy) = action, old.lowercased() == address.lowercased() else { continue }
            actions[index] = .redirect(address: old, copy: oldCopy && copy)
            return
        }
        redirects += 1
        guard redirects <= limits.maximumRedirects else {
            throw error(line, .tooManyRedirects(limit: limits.maximumRedirects))
        }
        try append(.redirect(address: address, copy: copy), line: line)
    }

    mutating func discard() {
        implicitKeep = false
        discarded = true
    }

    mutating func reject(_ reason: String, extended: Bool, line: Int) throws(SieveRuntimeError) {
        let name = extended ? "ereject" : "reject"
        guard rejected == nil else { throw error(line, .duplicateReject) }
        if let delivering { throw error(line, .incompatibleActions(delivering, name)) }
        if vacationRan { throw error(line, .incompatibleActions("vacation", name)) }
        rejected = name
        implicitKeep = false
        try append(extended ? .ereject(reason: reason) : .reject(reason: reason), line: line)
    }

    /// Records that vacation ran (whether or not a response is due, RFC 5230 §4.7).
    mutating func vacation(_ response: VacationResponse?, line: Int) throws(SieveRuntimeError) {
        guard !vacationRan else { throw error(line, .duplicateVacation) }
        if let rejected { throw error(line, .incompatibleActions(rejected, "vacation")) }
        vacationRan = true
        if let response { try append(.vacation(response), line: line) }
    }

    /// The final list: the implicit keep added with the flags in force at the end
    /// (RFC 5232 §5), and `.discard` when nothing delivers the message.
    func finished(implicitKeepFlags: [Flag]) -> [SieveAction] {
        var result = actions
        if implicitKeep {
            result.append(.keep(flags: implicitKeepFlags))
        } else if discarded, delivering == nil, rejected == nil {
            result.append(.discard)
        }
        return result
    }
}
