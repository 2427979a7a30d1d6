public import MailCore

/// A resource a quota limits (RFC 9208 §5). Each user's mailboxes form one quota root.
public enum QuotaResource: String, Hashable, Sendable, CaseIterable {
    /// The sum of the RFC822.SIZE of the user's messages (RFC 9208 §5.1). Kept and limited in
    /// octets here; IMAP shows it in units of 1024 octets.
    case storage = "STORAGE"
    /// The number of the user's messages (RFC 9208 §5.2).
    case message = "MESSAGE"
    /// The number of the user's selectable mailboxes, INBOX included (RFC 9208 §5.3);
    /// `\Noselect` placeholders do not count.
    case mailbox = "MAILBOX"
}

/// How much of each resource a user uses: storage in octets, messages and mailboxes counted.
public struct QuotaUsage: Hashable, Sendable {
    public var storage: UInt64
    public var messages: UInt64
    public var mailboxes: UInt64

    public init(storage: UInt64 = 0, messages: UInt64 = 0, mailboxes: UInt64 = 0) {
        self.storage = storage
        self.messages = messages
        self.mailboxes = mailboxes
    }

    public subscript(resource: QuotaResource) -> UInt64 {
        switch resource {
        case .storage: return storage
        case .message: return messages
        case .mailbox: return mailboxes
        }
    }

    /// Adds `other`, saturating.
    public mutating func add(_ other: QuotaUsage) {
        storage = storage.addingReportingOverflow(other.storage).overflow ? .max : storage + other.storage
        messages = messages.addingReportingOverflow(other.messages).overflow ? .max : messages + other.messages
        mailboxes = mailboxes.addingReportingOverflow(other.mailboxes).overflow ? .max : mailboxes + other.mailboxes
    }

    /// Takes `other` away, never below zero.
    public mutating func subtract(_ other: QuotaUsage) {
        storage -= min(storage, other.storage)
        messages -= min(messages, other.messages)
        mailboxes -= min(mailboxes, other.mailboxes)
    }
}

/// A user's limits; nil is no limit (RFC 9208 §4.2.1: a resource not listed is not limited).
/// `storage` is in octets.
public struct QuotaLimits: Hashable, Sendable {
    public var storage: UInt64?
    public var messages: UInt64?
    public var mailboxes: UInt64?

    public init(storage: UInt64? = nil, messages: UInt64? = nil, mailboxes: UInt64? = nil) {
        self.storage = storage
        self.messages = messages
        self.mailboxes = mailboxes
    }

    /// No limit on anything.
    public static let unlimited = QuotaLimits()

    public subscript(resource: QuotaResource) -> UInt64? {
        switch resource {
        case .storage: return storage
        case .message: return messages
        case .mailbox: return mailboxes
        }
    }

    /// Throws `overQuota` if adding `addition` to `usage` would take a resource past its limit.
    /// Only what grows is checked: a user already over a lowered limit may still expunge,
    /// delete and move mail between their own mailboxes. The stores call this inside the
    /// write that makes the change, so that no two changes can pass it together.
    public func check(usage: QuotaUsage, adding addition: QuotaUsage) throws(MailStoreError) {
        for resource in QuotaResource.allCases {
            let added = addition[resource]
            guard added > 0, let limit = self[resource] else { continue }
            let used = usage[resource]
            if used > limit || added > limit - used {
                throw .overQuota(QuotaExceeded(resource: resource, limit: limit, usage: used, requested: added))
            }
        }
    }
}

/// Why a change was refused: what it would have added to which resource, past which limit.
public struct QuotaExceeded: Hashable, Sendable {
    public var resource: QuotaResource
    public var limit: UInt64
    public var usage: UInt64
    public var requested: UInt64

    public init(resource: QuotaResource, limit: UInt64, usage: UInt64, requested: UInt64) {
        self.resource = resource
        self.limit = limit
        self.usage = usage
        self.requested = requested
    }

    /// Whether the change could never pass, even with nothing else stored (a message larger
    /// than the whole storage limit): LMTP refuses it for good (`552 5.2.2`) rather than
    /// asking the client to try later.
    public var neverFits: Bool { requested > limit }
}

/// A user's quota root: limits and exact usage.
public struct Quota: Hashable, Sendable {
    public var limits: QuotaLimits
    public var usage: QuotaUsage

    public init(limits: QuotaLimits, usage: QuotaUsage) {
        self.limits = limits
        self.usage = usage
    }
}

/// Per-user quotas (RFC 9208): one quota root per user holding all of the user's mailboxes.
///
/// Rules every implementation keeps:
/// - Usage is kept exact in the same atomic step as every change that alters it (append, copy,
///   move, expunge, mailbox create/delete/rename, user deletion), never recomputed on a check.
/// - APPEND (all messages or none), COPY, MOVE to another owner and CREATE throw
///   `overQuota` instead of taking a resource past its limit (`QuotaLimits.check`); the check
///   and the change are one atomic step, so concurrent changes never exceed a limit together.
///   A MOVE between mailboxes of one owner changes no usage and is never refused.
/// - A new user has no limits; `MailStorage.provisionAccount` applies the configured default.
public protocol QuotaStore: Sendable {
    /// The user's limits and usage. Throws `userNotFound`.
    func quota(of user: UserID) async throws -> Quota
    /// Replaces the user's limits (existing mail over a lowered limit stays). Throws
    /// `userNotFound`.
    func setQuotaLimits(_ limits: QuotaLimits, of user: UserID) async throws
    /// Recomputes the user's usage from their mailboxes and messages and stores it: the repair
    /// `tern quota recalc` runs. Returns the usage before and after. Throws `userNotFound`.
    func recalculateQuotaUsage(of user: UserID) async throws -> (before: QuotaUsage, after: QuotaUsage)
}
