/// One right of an access control list (RFC 4314 §2.1): what it lets its holder do to a
/// mailbox.
public enum AccessRight: UInt8, CaseIterable, Sendable, Comparable {
    /// `l`: the mailbox is visible to LIST, and may be subscribed.
    case lookup
    /// `r`: SELECT, EXAMINE, STATUS, and reading messages.
    case read
    /// `s`: \Seen is kept across sessions (set or cleared by STORE, APPEND, COPY, FETCH).
    case keepSeen
    /// `w`: flags other than \Seen and \Deleted.
    case write
    /// `i`: APPEND and COPY into the mailbox.
    case insert
    /// `p`: posting to the mailbox's submission address (not enforced by IMAP).
    case post
    /// `k`: creating mailboxes below it (and it as the new parent in RENAME).
    case createMailboxes
    /// `x`: deleting the mailbox (and it as the old name in RENAME).
    case deleteMailbox
    /// `t`: setting or clearing \Deleted.
    case deleteMessages
    /// `e`: EXPUNGE, and expunging as part of CLOSE.
    case expunge
    /// `a`: administering the list (SETACL, DELETEACL, GETACL, LISTRIGHTS).
    case administer

    /// The right's letter in ACL, MYRIGHTS and LISTRIGHTS responses.
    public var letter: Character {
        switch self {
        case .lookup: "l"
        case .read: "r"
        case .keepSeen: "s"
        case .write: "w"
        case .insert: "i"
        case .post: "p"
        case .createMailboxes: "k"
        case .deleteMailbox: "x"
        case .deleteMessages: "t"
        case .expunge: "e"
        case .administer: "a"
        }
    }

    public static func < (lhs: AccessRight, rhs: AccessRight) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// A set of rights (RFC 4314 §2), written as a string of letters.
///
/// The obsolete rights of RFC 2086 are virtual (§2.1.1): this server takes `c` ("create") as
/// `k`, and `d` ("delete") as `x`, `t` and `e` (the second group of §2.1.1, as `RIGHTS=texk`
/// announces), and writes `c` and `d` back whenever one of their members is in a set.
public struct AccessRights: Hashable, Sendable, ExpressibleByArrayLiteral, CustomStringConvertible {
    private var bits: UInt16

    public init() { bits = 0 }

    public init<S: Sequence<AccessRight>>(_ rights: S) {
        bits = rights.reduce(0) { $0 | 1 << UInt16($1.rawValue) }
    }

    public init(arrayLiteral rights: AccessRight...) { self.init(rights) }

    public var isEmpty: Bool { bits == 0 }
    public func contains(_ right: AccessRight) -> Bool { bits & 1 << UInt16(right.rawValue) != 0 }
    public func union(_ other: AccessRights) -> AccessRights { AccessRights(bits: bits | other.bits) }
    public func subtracting(_ other: AccessRights) -> AccessRights { AccessRights(bits: bits & ~other.bits) }
    public func isDisjoint(with other: AccessRights) -> Bool { bits & other.bits == 0 }
    public mutating func formUnion(_ other: AccessRights) { bits |= other.bits }

    private init(bits: UInt16) { self.bits = bits }

    /// Every right this server knows.
    public static let all = AccessRights(AccessRight.allCases)
    /// The members of the obsolete "create" right `c`.
    public static let obsoleteCreate = AccessRights([.createMailboxes])
    /// The members of the obsolete "delete" right `d`.
    public static let obsoleteDelete = AccessRights([.deleteMailbox, .deleteMessages, .expunge])
    /// The rights that make a mailbox's existence known to a user (RFC 4314 §4 "Any", and
    /// §6: without one of them, a mailbox must look like one that does not exist).
    public static let revealing = AccessRights([.lookup, .read, .insert, .createMailboxes, .deleteMailbox, .administer])

    /// The rights in the set, in the order of RFC 4314 §2.1.
    public var members: [AccessRight] { AccessRight.allCases.filter { contains($0) } }

    /// Rights from their letters: standard rights and the virtual `c` and `d`; nil if a
    /// letter is neither (RFC 4314 §3.1: the command then fails with BAD). Digits are
    /// site-defined rights this server does not define, so they are refused too.
    public init?(letters: some StringProtocol) {
        var rights = AccessRights()
        for character in letters {
            if let right = AccessRight.allCases.first(where: { $0.letter == character }) {
                rights.formUnion([right])
            } else if character == "c" {
                rights.formUnion(.obsoleteCreate)
            } else if character == "d" {
                rights.formUnion(.obsoleteDelete)
            } else {
                return nil
            }
        }
        self = rights
    }

    /// The letters of the set in the order of RFC 4314 §2.1, with `c` and `d` added when one
    /// of their members is present (§2.1.1).
    public var description: String {
        var letters = String(members.map(\.letter))
        if !isDisjoint(with: .obsoleteCreate) { letters.append("c") }
        if !isDisjoint(with: .obsoleteDelete) { letters.append("d") }
        return letters
    }
}

/// Whom an entry of an access control list is about (RFC 4314 §2).
public enum AccessIdentifier: Hashable, Sendable, CustomStringConvertible {
    /// `anyone`: every session, logged in or not.
    case anyone
    /// `authenticated`: every logged-in user (an implementation-defined identifier that
    /// Cyrus and Dovecot share).
    case authenticated
    /// A user, by login name.
    case user(String)

    /// The identifier as a client writes it (without the `-` of a negative entry).
    public init(_ text: String) {
        switch text {
        case "anyone": self = .anyone
        case "authenticated": self = .authenticated
        default: self = .user(text)
        }
    }

    public var description: String {
        switch self {
        case .anyone: "anyone"
        case .authenticated: "authenticated"
        case .user(let name): name
        }
    }

    /// Whether the entry applies to the user `name` (nil: a session that has not logged in).
    public func applies(to name: String?) -> Bool {
        switch self {
        case .anyone: true
        case .authenticated: name != nil
        case .user(let user): user == name
        }
    }
}

/// One entry of an access control list: an identifier, positive or negative (`-fred`,
/// RFC 4314 §2: rights taken away from whoever the identifier matches), and its rights.
public struct AccessEntry: Hashable, Sendable {
    public var identifier: AccessIdentifier
    public var negative: Bool
    public var rights: AccessRights

    public init(identifier: AccessIdentifier, negative: Bool = false, rights: AccessRights) {
        self.identifier = identifier
        self.negative = negative
        self.rights = rights
    }

    /// The identifier as ACL responses write it (`-` before a negative one).
    public var writtenIdentifier: String { (negative ? "-" : "") + identifier.description }
}

/// The access control list of one mailbox (RFC 4314 §2) and how it grants rights.
///
/// Rights combine as the union of every positive entry that applies to the user, less the
/// union of every negative entry that applies (§2 leaves the combination to the server; this
/// is what Cyrus and Dovecot do). The mailbox's owner always holds every right unless an entry
/// names the owner, and holds `l` and `a` whatever the entries say, so that no owner can lock
/// themselves out of their own mailbox (§2 lets a server force rights for an identifier).
public struct AccessControlList: Hashable, Sendable {
    public private(set) var entries: [AccessEntry]

    public init(entries: [AccessEntry] = []) {
        self.entries = []
        for entry in entries { set(entry) }
    }

    /// The rights the owner keeps whatever the list says.
    public static let ownerFloor = AccessRights([.lookup, .administer])

    /// Adds or replaces the entry for its identifier and sign (SETACL, RFC 4314 §3.1); an
    /// entry with no rights removes it.
    public mutating func set(_ entry: AccessEntry) {
        entries.removeAll { $0.identifier == entry.identifier && $0.negative == entry.negative }
        if !entry.rights.isEmpty { entries.append(entry) }
    }

    /// Removes the entry of an identifier and sign (DELETEACL, RFC 4314 §3.2); false if there
    /// was none.
    @discardableResult
    public mutating func remove(_ identifier: AccessIdentifier, negative: Bool) -> Bool {
        let before = entries.count
        entries.removeAll { $0.identifier == identifier && $0.negative == negative }
        return entries.count != before
    }

    /// The rights of the user `name` (nil: not logged in) on a mailbox owned by `owner` (nil:
    /// a shared mailbox that belongs to no user).
    public func rights(of name: String?, owner: String?) -> AccessRights {
        let isOwner = name != nil && name == owner
        var granted = AccessRights()
        var denied = AccessRights()
        var ownerNamed = false
        for entry in entries where entry.identifier.applies(to: name) {
            if entry.negative {
                denied.formUnion(entry.rights)
            } else {
                granted.formUnion(entry.rights)
            }
            if case .user = entry.identifier, isOwner { ownerNamed = true }
        }
        if isOwner && !ownerNamed { granted = .all }
        var rights = granted.subtracting(denied)
        if isOwner { rights.formUnion(Self.ownerFloor) }
        return rights
    }

    /// The rights that can be granted to `identifier` (LISTRIGHTS, RFC 4314 §3.7): the owner's
    /// fixed ones are always granted, every other right independently.
    public static func grantable(to identifier: AccessIdentifier, owner: String?)
        -> (always: AccessRights, optional: [AccessRights]) {
        let always: AccessRights = identifier == .user(owner ?? "") && owner != nil ? ownerFloor : []
        let optional = AccessRight.allCases.filter { !always.contains($0) }.map { AccessRights([$0]) }
        return (always, optional)
    }
}

/// What a command does to a mailbox, with the rights RFC 4314 §4 requires for it; the one
/// table every check of a command against a mailbox's rights goes through.
public enum MailboxOperation: Sendable, CaseIterable {
    /// LIST, LSUB, SUBSCRIBE: seeing the mailbox.
    case lookUp
    /// SELECT, EXAMINE, STATUS, and every command of the selected state.
    case read
    /// APPEND, COPY and MOVE into the mailbox.
    case insert
    /// CREATE below the mailbox, or RENAME to below it (on the nearest existing parent).
    case createChild
    /// DELETE, and the old name of a RENAME.
    case delete
    /// EXPUNGE, CLOSE's expunge, and MOVE's removal from the source.
    case expunge
    /// SETACL, DELETEACL, GETACL, LISTRIGHTS.
    case administer
    /// MYRIGHTS: any right that reveals the mailbox ("Any" in the table of §4).
    case readOwnRights

    /// Whether `rights` allow the operation.
    public func isAllowed(by rights: AccessRights) -> Bool {
        switch self {
        case .lookUp: rights.contains(.lookup)
        case .read: rights.contains(.read)
        case .insert: rights.contains(.insert)
        case .createChild: rights.contains(.createMailboxes)
        case .delete: rights.contains(.deleteMailbox)
        case .expunge: rights.contains(.expunge)
        case .administer: rights.contains(.administer)
        case .readOwnRights: !rights.isDisjoint(with: .revealing)
        }
    }
}

extension AccessRights {
    /// The part of `flags` these rights may set or clear (RFC 4314 §4, "Copying or appending
    /// messages" and STORE): \Seen needs `s`, \Deleted needs `t`, every other flag and
    /// keyword `w`. What is left out is silently not stored, as §4 requires for APPEND and
    /// COPY.
    public func permitted(_ flags: MessageFlags) -> MessageFlags {
        var system = flags.system
        if !contains(.keepSeen) { system.remove(.seen) }
        if !contains(.deleteMessages) { system.remove(.deleted) }
        if !contains(.write) { system.formIntersection([.seen, .deleted]) }

        return MessageFlags(system: system, keywords: contains(.write) ? flags.keywords : [])
    }
}

extension AccessRights {
    /// The standard letters of the set only, without the virtual `c` and `d`: the stored
    /// form, which `init(letters:)` reads back exactly.
    public var standardLetters: String { String(members.map(\.letter)) }

    /// Whether every right of `other` is in the set.
    public func isSuperset(of other: AccessRights) -> Bool { other.subtracting(self).isEmpty }

    /// The rights that govern flags (RFC 4314 §4: `s` for \Seen, `t` for \Deleted, `w` for
    /// the others).
    public static let flagRights = AccessRights([.keepSeen, .write, .deleteMessages])
}

extension MessageFlags {
    /// Applies a STORE (RFC 9051 §6.4.6) as far as `rights` let the user change flags
    /// (RFC 4314 §4 "Changing flags"): flags the user may not change keep their state, also
    /// under `FLAGS` (replace). Tells whether anything changed.
    @discardableResult
    public mutating func apply(_ operation: StoreOperation, _ flags: MessageFlags,
                               allowedBy rights: AccessRights) -> Bool {
        guard !rights.isSuperset(of: .flagRights) else { return apply(operation, flags) }
        let changeable = rights.permitted(flags)
        guard operation == .replace else { return apply(operation, changeable) }
        // Keep what the user may not touch, take the rest from the request.
        let untouchable = AccessRights.flagRights.subtracting(rights)
        var target = changeable
        let kept = untouchable.permitted(self)
        target.system.formUnion(kept.system)
        for keyword in kept.keywords where !target.contains(.keyword(keyword)) { target.keywords.append(keyword) }
        return apply(.replace, target)
    }
}
