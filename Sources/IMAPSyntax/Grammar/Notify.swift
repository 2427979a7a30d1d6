/// `notify` (RFC 5465 §8): `NOTIFY SET [STATUS] event-groups` or `NOTIFY NONE`.
public enum NotifyCommand: Hashable, Sendable {
    /// `notify-none`: no events at all (RFC 5465 §3.1).
    case none
    /// `notify-set`: replaces the events of interest; `status` asks for a STATUS response for
    /// each watched mailbox before the tagged OK.
    case set(status: Bool, groups: [NotifyEventGroup])
}

/// `event-group = "(" filter-mailboxes SP events ")"` (RFC 5465 §8).
public struct NotifyEventGroup: Hashable, Sendable {
    public var filter: NotifyMailboxFilter
    /// The events, in the client's order; empty for `NONE`.
    public var events: [NotifyEvent]

    public init(_ filter: NotifyMailboxFilter, _ events: [NotifyEvent]) {
        self.filter = filter
        self.events = events
    }
}

/// `filter-mailboxes` (RFC 5465 §6, §8).
public enum NotifyMailboxFilter: Hashable, Sendable {
    /// `selected`: the selected mailbox, events at once (§6.1.1).
    case selected
    /// `selected-delayed`: the selected mailbox, expunges only where EXPUNGE may be sent (§6.1.2).
    case selectedDelayed
    /// `inboxes`: mailboxes mail may be delivered to (§6.3).
    case inboxes
    /// `personal`: every selectable mailbox of the user's personal namespace (§6.2).
    case personal
    /// `subscribed`: every subscribed mailbox (§6.4).
    case subscribed
    /// `subtree`: the named mailboxes and everything below them (§6.5).
    case subtree([MailboxName])
    /// `mailboxes`: exactly the named mailboxes, no wildcards (§6.6).
    case mailboxes([MailboxName])

    /// Whether the filter names the selected mailbox (§6.1).
    public var isSelected: Bool { self == .selected || self == .selectedDelayed }
}

/// `event` (RFC 5465 §8), names as RFC 5423 spells them.
public enum NotifyEvent: Hashable, Sendable {
    /// `MessageNew ["(" fetch-att *(SP fetch-att) ")"]`: the attributes to FETCH for a new
    /// message of the selected mailbox (empty: none).
    case messageNew([FetchAttribute])
    case messageExpunge
    case flagChange
    case annotationChange
    case mailboxName
    case subscriptionChange
    case mailboxMetadataChange
    case serverMetadataChange
    /// `event-ext = atom`: an event this grammar does not know (the session answers
    /// `NO [BADEVENT ...]`, §3.1), as written.
    case other(String)

    /// The event's name as RFC 5465 §8 spells it (`event-name`).
    public var name: String {
        switch self {
        case .messageNew: return "MessageNew"
        case .messageExpunge: return "MessageExpunge"
        case .flagChange: return "FlagChange"
        case .annotationChange: return "AnnotationChange"
        case .mailboxName: return "MailboxName"
        case .subscriptionChange: return "SubscriptionChange"
        case .mailboxMetadataChange: return "MailboxMetadataChange"
        case .serverMetadataChange: return "ServerMetadataChange"
        case .other(let name): return name
        }
    }

    /// `message-event` (RFC 5465 §8): the events about messages.
    public var isMessageEvent: Bool {
        switch self {
        case .messageNew, .messageExpunge, .flagChange, .annotationChange: return true
        default: return false
        }
    }
}
