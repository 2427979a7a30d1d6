import IMAPSyntax
import MailCore

/// What one `NOTIFY SET` asked for (RFC 5465 §3.1, §5, §6), checked and ready to answer "which
/// events does this mailbox get?". A pure value: mailbox names are decoded by the caller.
///
/// Mailboxes are matched by name when an event happens, not listed once at NOTIFY, so that
/// a mailbox created, renamed or subscribed later is covered as the RFC asks (§6.4: "If the
/// subscription list changes, the server MUST reevaluate the list").
struct NotifyPlan: Equatable {
    /// The events a plan can hold (RFC 5465 §5), as one set per mailbox filter.
    enum Event: String, CaseIterable, Hashable {
        case messageNew = "MessageNew"
        case messageExpunge = "MessageExpunge"
        case flagChange = "FlagChange"
        case annotationChange = "AnnotationChange"
        case mailboxName = "MailboxName"
        case subscriptionChange = "SubscriptionChange"
        case mailboxMetadataChange = "MailboxMetadataChange"
        case serverMetadataChange = "ServerMetadataChange"

        var isMessageEvent: Bool {
            self == .messageNew || self == .messageExpunge || self == .flagChange || self == .annotationChange
        }
    }

    /// Which mailboxes a group covers (RFC 5465 §6.2–6.6), names decoded.
    enum Filter: Equatable {
        /// `INBOXES` and `PERSONAL`: every mailbox of the personal namespace. Sieve may file
        /// mail into any mailbox, so "inboxes" is every personal mailbox (§6.3: "If the IMAP
        /// server cannot easily compute this set, it MUST treat 'inboxes' as equivalent to
        /// 'personal'").
        case personal
        case subscribed
        case subtree([String])
        case mailboxes([String])

        /// Whether the filter covers the mailbox `name`. `personal` is false for a mailbox of
        /// another user (shared folders): those are reached through SUBTREE or MAILBOXES.
        func matches(_ name: String, subscribed: Bool, personal: Bool) -> Bool {
            switch self {
            case .personal: return personal
            case .subscribed: return subscribed
            case .subtree(let roots): return roots.contains { name == $0 || name.hasPrefix($0 + "/") }
            case .mailboxes(let names): return names.contains(name)
            }
        }
    }

    struct Group: Equatable {
        var filter: Filter
        var events: Set<Event>
    }

    /// The message events for the selected mailbox (§6.1), or nil when the client wants none.
    struct Selected: Equatable {
        /// SELECTED-DELAYED: expunges wait for a command that allows them (§6.1.2).
        var delayed: Bool
        var events: Set<Event>
        /// What to FETCH for each new message (§5.2), empty for nothing.
        var fetch: [FetchAttribute]
    }

    var selected: Selected?
    var groups: [Group]
    /// STATUS for each watched mailbox before the tagged OK (§3.1).
    var sendStatus: Bool

    /// The events a client may ask for, for `[BADEVENT (...)]` (§3.1).
    static let supportedEventNames = Event.allCases.map(\.rawValue)

    /// Checks a NOTIFY SET (§3.1, §5, §6.1, §8). `decode` gives the store name of a wire
    /// mailbox name, or nil for one that cannot exist (ignored, §3.1 "If the name does not
    /// refer to an existing mailbox, the server MUST ignore it").
    init(status: Bool, groups wireGroups: [NotifyEventGroup], decode: (MailboxName) -> String?) throws(CommandError) {
        sendStatus = status
        groups = []
        let unknown = wireGroups.flatMap(\.events).filter { if case .other = $0 { return true } else { return false } }
        if !unknown.isEmpty {
            // §3.1: "the server MUST refuse the command with a tagged NO response (not a BAD)".
            throw .no("Unsupported event \(unknown[0].name)",
                      code: .other("BADEVENT", "(" + Self.supportedEventNames.joined(separator: " ") + ")"))
        }
        for group in wireGroups {
            let events = Set(group.events.compactMap(Self.event))
            try Self.checkMessageEvents(events)
            if group.filter.isSelected {
                guard selected == nil else { throw .bad("Only one of SELECTED and SELECTED-DELAYED may be given") }
                guard events.allSatisfy(\.isMessageEvent) else {
                    throw .bad("SELECTED and SELECTED-DELAYED take message events only")
                }
                let fetch = group.events.flatMap { event -> [FetchAttribute] in
                    if case .messageNew(let attributes) = event { return attributes }
                    return []
                }
                if fetch.contains(where: \.setsSeen) {
                    throw .bad("MessageNew attributes must not set \\Seen; use BODY.PEEK or BINARY.PEEK")
                }
                selected = Selected(delayed: group.filter == .selectedDelayed, events: events, fetch: fetch)
                continue
            }
            if group.events.contains(where: { if case .messageNew(let a) = $0 { return !a.isEmpty } else { return false } }) {
                throw .bad("MessageNew attributes are for SELECTED and SELECTED-DELAYED only")
            }
            let filter: Filter
            switch group.filter {
            case .inboxes, .personal: filter = .personal
            case .subscribed: filter = .subscribed
            case .subtree(let names): filter = .subtree(names.compactMap(decode))
            case .mailboxes(let names): filter = .mailboxes(names.compactMap(decode))
            case .selected, .selectedDelayed: continue
            }
            groups.append(Group(filter: filter, events: events))
        }
    }

    private static func event(_ event: NotifyEvent) -> Event? {
        switch event {
        case .messageNew: return .messageNew
        case .messageExpunge: return .messageExpunge
        case .flagChange: return .flagChange
        case .annotationChange: return .annotationChange
        case .mailboxName: return .mailboxName
        case .subscriptionChange: return .subscriptionChange
        case .mailboxMetadataChange: return .mailboxMetadataChange
        case .serverMetadataChange: return .serverMetadataChange
        case .other: return nil
        }
    }

    /// §5: "If one of MessageNew or MessageExpunge is specified, then both events MUST be
    /// specified"; "If the FlagChange and/or AnnotationChange events are specified, MessageNew
    /// and MessageExpunge MUST also be specified". Otherwise BAD.
    private static func checkMessageEvents(_ events: Set<Event>) throws(CommandError) {
        if events.contains(.messageNew) != events.contains(.messageExpunge) {
            throw .bad("MessageNew and MessageExpunge go together (RFC 5465 §5)")
        }
        if (events.contains(.flagChange) || events.contains(.annotationChange)) && !events.contains(.messageNew) {
            throw .bad("FlagChange and AnnotationChange need MessageNew and MessageExpunge (RFC 5465 §5)")
        }
    }

    /// The events of every group covering the mailbox `name` (never the selected mailbox's
    /// message events: SELECTED overrides them, §3.1).
    func events(for name: String, subscribed: Bool, personal: Bool = true) -> Set<Event> {
        var events = Set<Event>()
        for group in groups where group.filter.matches(name, subscribed: subscribed, personal: personal) {
            events.formUnion(group.events)
        }
        return events
    }

    /// Whether any group asks for message events (so mailboxes must be observed).
    var watchesMessages: Bool { groups.contains { $0.events.contains(where: \.isMessageEvent) } }

    /// Whether any group asks for ServerMetadataChange (a user event, §5.7: not tied to a
    /// mailbox filter).
    var watchesServerMetadata: Bool { groups.contains { $0.events.contains(.serverMetadataChange) } }

    /// The STATUS items that tell of `events` in a mailbox other than the selected one
    /// (§3.1, §5.1–5.3): MESSAGES, UIDNEXT and UIDVALIDITY for new and expunged messages;
    /// UNSEEN for flag changes (with UIDVALIDITY, §5.1 "MUST notify the client about mailbox
    /// UIDVALIDITY changes"); HIGHESTMODSEQ once CONDSTORE is in use.
    static func statusAttributes(for events: Set<Event>, condstore: Bool) -> [StatusAttribute] {
        var attributes: [StatusAttribute] = []
        if events.contains(.messageNew) || events.contains(.messageExpunge) {
            attributes += [.messages, .uidNext, .uidValidity]
        }
        if events.contains(.flagChange) || events.contains(.annotationChange) {
            if !attributes.contains(.uidValidity) { attributes.append(.uidValidity) }
            attributes.append(.unseen)
        }
        if condstore && !attributes.isEmpty { attributes.append(.highestModSeq) }
        return attributes
    }
}
