public import MailCore

/// `status-att` (RFC 3501 §6.3.10, RFC 9051 §6.3.11, RFC 7162 HIGHESTMODSEQ, RFC 8438 SIZE,
/// RFC 8474 MAILBOXID, RFC 7889 APPENDLIMIT).
public enum StatusAttribute: String, Hashable, Sendable, CaseIterable {
    case messages = "MESSAGES"
    case recent = "RECENT"
    case uidNext = "UIDNEXT"
    case uidValidity = "UIDVALIDITY"
    case unseen = "UNSEEN"
    case deleted = "DELETED"
    case size = "SIZE"
    case highestModSeq = "HIGHESTMODSEQ"
    case mailboxID = "MAILBOXID"
    case appendLimit = "APPENDLIMIT"
    /// RFC 9208 §4.1.4.
    case deletedStorage = "DELETED-STORAGE"
}

/// `list-select-opt` (RFC 5258 §3, RFC 9051 §6.3.9).
public enum ListSelectionOption: Hashable, Sendable {
    case subscribed
    case remote
    case recursiveMatch
    /// `SPECIAL-USE` (RFC 6154 §3).
    case specialUse
    case other(String)
}

/// `return-option` (RFC 5258 §3, RFC 5819 STATUS, RFC 6154 SPECIAL-USE, RFC 9051 §6.3.9).
public enum ListReturnOption: Hashable, Sendable {
    case subscribed
    case children
    case specialUse
    case status([StatusAttribute])
    /// `MYRIGHTS` (RFC 8440 §3): the user's rights after each mailbox's LIST response.
    case myRights
    /// `METADATA (entry ...)` (RFC 9590 §5): the entries of each listed mailbox.
    case metadata([MetadataEntryName])
    case other(String)
}

/// A mailbox attribute in a LIST response (RFC 9051 §7.3.1, RFC 5258, RFC 6154).
public enum MailboxAttribute: Hashable, Sendable {
    case noInferiors, noSelect, marked, unmarked
    case hasChildren, hasNoChildren, nonExistent, subscribed, remote
    /// What the mailbox is for (RFC 6154 §2, RFC 8457 `\Important`).
    case specialUse(SpecialUse)
    case other(String)

    public var name: String {
        switch self {
        case .noInferiors: return "\\Noinferiors"
        case .noSelect: return "\\Noselect"
        case .marked: return "\\Marked"
        case .unmarked: return "\\Unmarked"
        case .hasChildren: return "\\HasChildren"
        case .hasNoChildren: return "\\HasNoChildren"
        case .nonExistent: return "\\NonExistent"
        case .subscribed: return "\\Subscribed"
        case .remote: return "\\Remote"
        case .specialUse(let use): return use.attributeName
        case .other(let text): return text
        }
    }

    /// The special use this attribute names, if any.
    public var specialUse: SpecialUse? {
        if case .specialUse(let use) = self { return use }
        return nil
    }

    /// The attribute with this name, matched case-insensitively.
    public init(name: String) {
        if let use = SpecialUse(attributeName: name) {
            self = .specialUse(use)
            return
        }
        let plain: [MailboxAttribute] = [.noInferiors, .noSelect, .marked, .unmarked, .hasChildren,
                                         .hasNoChildren, .nonExistent, .subscribed, .remote]
        let lower = name.lowercased()
        self = plain.first { $0.name.lowercased() == lower } ?? .other(name)
    }
}
