public import MailCore

/// What METADATA entries are attached to (RFC 5464 §3.1): the server as a whole (the empty
/// mailbox name on the wire, METADATA-SERVER) or one mailbox.
public enum MetadataTarget: Hashable, Sendable {
    case server
    case mailbox(MailboxPath)
}

/// One entry with its value (RFC 5464 §3.2: binary data of zero or more octets).
public struct MetadataEntry: Hashable, Sendable {
    public var name: MetadataEntryName
    public var value: [UInt8]

    public init(name: MetadataEntryName, value: [UInt8]) {
        self.name = name
        self.value = value
    }
}

/// One change of SETMETADATA (RFC 5464 §4.3): a new value, or nil to remove the entry.
public struct MetadataChange: Hashable, Sendable {
    public var name: MetadataEntryName
    public var value: [UInt8]?

    public init(name: MetadataEntryName, value: [UInt8]?) {
        self.name = name
        self.value = value
    }
}

/// How much METADATA one user may keep (RFC 5464 §4.1, §7: "servers MUST ensure that size
/// limits are enforced"). The store checks them inside the change, so that two sessions
/// writing at once cannot both slip under a limit.
public struct MetadataLimits: Hashable, Sendable {
    /// Largest value, in octets (RFC 5464 §4.1: at least 1024).
    public var maxValueSize: Int
    /// Most entries one user sees on one mailbox, or on the server: the shared ones plus their
    /// own private ones (RFC 5464 §4.1: at least 10).
    public var maxEntries: Int
    /// Most octets, names and values, a user's entries may take together: their private
    /// entries everywhere and the shared entries of their own mailboxes.
    public var maxTotalSize: Int

    public init(maxValueSize: Int = 64 * 1024, maxEntries: Int = 100, maxTotalSize: Int = 1 << 20) {
        self.maxValueSize = maxValueSize
        self.maxEntries = maxEntries
        self.maxTotalSize = maxTotalSize
    }

    /// The smallest values RFC 5464 §4.1 lets a server have.
    public static let minimumValueSize = 1024
    public static let minimumEntries = 10

    /// Why a change breaks these limits, or nil. `changes` are checked one by one for their
    /// size; `entries` and `totals` are the counts before and after the change (`totals` per
    /// user charged). A count that was already over a (lowered) limit and does not grow is
    /// let through, so that a user can still replace or remove entries.
    public func refusal(of changes: [MetadataChange], entries: (before: Int, after: Int),
                        totals: [(before: Int, after: Int)]) -> MetadataRefusal? {
        if changes.contains(where: { ($0.value?.count ?? 0) > maxValueSize }) { return .valueTooLarge(max: maxValueSize) }
        if entries.after > maxEntries && entries.after > entries.before { return .tooMany }
        if totals.contains(where: { $0.after > maxTotalSize && $0.after > $0.before }) {
            return .totalTooLarge(max: maxTotalSize)
        }
        return nil
    }
}

/// Why SETMETADATA changed nothing (RFC 5464 §4.3), as `MailStoreError.metadataRefused`.
public enum MetadataRefusal: Hashable, Sendable {
    /// A value is larger than `max` octets: `[METADATA MAXSIZE max]`.
    case valueTooLarge(max: Int)
    /// The mailbox (or server) would have more entries than allowed: `[METADATA TOOMANY]`.
    case tooMany
    /// The user's entries would take more than `max` octets together: `[METADATA TOOMANY]`
    /// too, the code RFC 5464 has for "no more annotations".
    case totalTooLarge(max: Int)
    /// The acting principal has no private entries here (the administrator on the server):
    /// `[METADATA NOPRIVATE]`.
    case noPrivate
}

/// METADATA entries of mailboxes and of the server (RFC 5464 §3).
///
/// - Private entries (`/private/...`) belong to the acting user: each user who reaches a
///   mailbox has their own. The administrator acting on a mailbox reaches its owner's; on
///   the server it has none (`noPrivate`).
/// - Shared entries (`/shared/...`) have one value per mailbox, for everyone who reaches the
///   mailbox (today its owner and the administrator; RFC 4314 rights will widen this), and
///   one value for the whole server, which every user reads and only the administrator
///   writes (RFC 5464 §3.3: "Servers MAY restrict the creation of ... server annotations";
///   a user gets `permissionDenied`).
/// - A mailbox's entries follow it through RENAME; RENAME INBOX copies them to the new
///   mailbox and INBOX keeps them (RFC 5464 §4.1). DELETE removes them, so a mailbox created
///   again under the name starts bare, and so does one that became a `\Noselect`
///   placeholder. Deleting a user removes their private entries and their mailboxes'.
/// - A mailbox the principal may not reach, or that does not exist, is `mailboxNotFound`;
///   `\Noselect` placeholders have entries too (RFC 5464 §4.1 "SHOULD allow annotations on
///   all 'types' of mailboxes").
public protocol MetadataStore: Sendable {
    /// The entries visible to `principal` that match any of `names` within `depth`
    /// (`MetadataEntryName.matches`), each once, in name order (bytes).
    func metadata(on target: MetadataTarget, names: [MetadataEntryName], depth: MetadataDepth,
                  as principal: Principal) async throws -> [MetadataEntry]
    /// Sets and removes entries, all or none (RFC 5464 §4.3: "the server MUST NOT change the
    /// values for other annotations"): the result is checked against `limits` before it is
    /// kept, and a breach throws `metadataRefused` having changed nothing. When a name comes
    /// twice, the last change wins. Removing an entry that does not exist is no error.
    func setMetadata(_ changes: [MetadataChange], on target: MetadataTarget, limits: MetadataLimits,
                     as principal: Principal) async throws
}

extension MetadataChange {
    /// The changes with one per name, the last of each kept, in their first order.
    public static func lastPerName(_ changes: [MetadataChange]) -> [MetadataChange] {
        var position: [MetadataEntryName: Int] = [:]
        var result: [MetadataChange] = []
        for change in changes {
            if let index = position[change.name] {
                result[index] = change
            } else {
                position[change.name] = result.count
                result.append(change)
            }
        }
        return result
    }

    /// The octets an entry counts for in `MetadataLimits.maxTotalSize`: name and value.
    public static func footprint(name: MetadataEntryName, value: [UInt8]) -> Int {
        name.name.utf8.count + value.count
    }
}
