/// What a mailbox is for (RFC 6154 §2, and `\Important` of RFC 8457 §3), so that every client
/// files drafts, sent mail and deleted mail in the same place.
public enum SpecialUse: String, Hashable, Sendable, CaseIterable {
    case all, archive, drafts, flagged, junk, sent, trash, important

    /// The attribute as IMAP spells it in LIST (`\Sent`) and as it is stored.
    public var attributeName: String {
        switch self {
        case .all: return "\\All"
        case .archive: return "\\Archive"
        case .drafts: return "\\Drafts"
        case .flagged: return "\\Flagged"
        case .junk: return "\\Junk"
        case .sent: return "\\Sent"
        case .trash: return "\\Trash"
        case .important: return "\\Important"
        }
    }

    /// The special use named by an attribute such as `\Sent`, matched case-insensitively.
    public init?(attributeName: String) {
        let lower = attributeName.lowercased()
        guard let use = Self.allCases.first(where: { $0.attributeName.lowercased() == lower }) else { return nil }
        self = use
    }
}
