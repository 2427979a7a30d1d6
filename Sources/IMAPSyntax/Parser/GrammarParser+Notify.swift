import MailCore

// NOTIFY (RFC 5465 §8).

extension GrammarParser {
    /// `notify = "NOTIFY" SP (notify-set / notify-none)`,
    /// `notify-set = "SET" [status-indicator] SP event-groups`, `notify-none = "NONE"`,
    /// `status-indicator = SP "STATUS"`, `event-groups = event-group *(SP event-group)`
    /// (RFC 5465 §8), after `NOTIFY`.
    static func parseNotify(_ buffer: inout ParseBuffer) throws(ParseError) -> Command {
        try buffer.expectSP()
        let start = buffer.index
        switch try buffer.keyword() {
        case "NONE": return .notify(.none)
        case "SET": break
        default:
            buffer.index = start
            throw buffer.failure("notify-set / notify-none")
        }
        try buffer.expectSP()
        let status = buffer.consumeKeyword("STATUS")
        if status { try buffer.expectSP() }
        var groups: [NotifyEventGroup] = []
        repeat {
            groups.append(try parseEventGroup(&buffer))
        } while buffer.consume(.space)
        return .notify(.set(status: status, groups: groups))
    }

    /// `event-group = "(" filter-mailboxes SP events ")"` (RFC 5465 §8).
    static func parseEventGroup(_ buffer: inout ParseBuffer) throws(ParseError) -> NotifyEventGroup {
        try buffer.expect(.openParen, rule: "event-group")
        let filter = try parseFilterMailboxes(&buffer)
        try buffer.expectSP()
        let events = try parseEvents(&buffer)
        try buffer.expect(.closeParen, rule: "\")\"")
        return NotifyEventGroup(filter, events)
    }

    /// `filter-mailboxes = filter-mailboxes-selected / filter-mailboxes-other`,
    /// `filter-mailboxes-other = "inboxes" / "personal" / "subscribed" /
    /// ("subtree" SP one-or-more-mailbox) / ("mailboxes" SP one-or-more-mailbox)`,
    /// `filter-mailboxes-selected = "selected" / "selected-delayed"` (RFC 5465 §8).
    static func parseFilterMailboxes(_ buffer: inout ParseBuffer) throws(ParseError) -> NotifyMailboxFilter {
        let start = buffer.index
        switch try buffer.keyword() {
        case "SELECTED": return .selected
        case "SELECTED-DELAYED": return .selectedDelayed
        case "INBOXES": return .inboxes
        case "PERSONAL": return .personal
        case "SUBSCRIBED": return .subscribed
        case "SUBTREE":
            try buffer.expectSP()
            return .subtree(try parseOneOrMoreMailbox(&buffer))
        case "MAILBOXES":
            try buffer.expectSP()
            return .mailboxes(try parseOneOrMoreMailbox(&buffer))
        default:
            buffer.index = start
            throw buffer.failure("filter-mailboxes")
        }
    }

    /// `one-or-more-mailbox = mailbox / many-mailboxes`,
    /// `many-mailboxes = "(" mailbox *(SP mailbox) ")"` (RFC 5465 §8).
    static func parseOneOrMoreMailbox(_ buffer: inout ParseBuffer) throws(ParseError) -> [MailboxName] {
        guard buffer.consume(.openParen) else { return [try parseMailbox(&buffer)] }
        var mailboxes: [MailboxName] = []
        repeat {
            mailboxes.append(try parseMailbox(&buffer))
        } while buffer.consume(.space)
        try buffer.expect(.closeParen, rule: "\")\"")
        return mailboxes
    }

    /// `events = ( "(" event *(SP event) ")" ) / "NONE"` (RFC 5465 §8); NONE is no events.
    static func parseEvents(_ buffer: inout ParseBuffer) throws(ParseError) -> [NotifyEvent] {
        if buffer.consumeKeyword("NONE") { return [] }
        try buffer.expect(.openParen, rule: "events")
        var events: [NotifyEvent] = []
        repeat {
            events.append(try parseEvent(&buffer))
        } while buffer.consume(.space)
        try buffer.expect(.closeParen, rule: "\")\"")
        return events
    }

    /// `event = message-event / mailbox-event / user-event / event-ext`,
    /// `message-event = ("MessageNew" [SP "(" fetch-att *(SP fetch-att) ")"]) /
    /// "MessageExpunge" / "FlagChange" / "AnnotationChange"`,
    /// `mailbox-event = "MailboxName" / "SubscriptionChange" / "MailboxMetadataChange"`,
    /// `user-event = "ServerMetadataChange"`, `event-ext = atom` (RFC 5465 §8).
    static func parseEvent(_ buffer: inout ParseBuffer) throws(ParseError) -> NotifyEvent {
        let range = try buffer.scanNonEmpty(.atom, rule: "event")
        switch buffer.uppercased(range) {
        case "MESSAGENEW":
            guard buffer.current == .space, buffer.peek(1) == .openParen else { return .messageNew([]) }
            _ = buffer.consume(.space)
            _ = buffer.consume(.openParen)
            var attributes: [FetchAttribute] = []
            repeat {
                attributes.append(try parseFetchAtt(&buffer))
            } while buffer.consume(.space)
            try buffer.expect(.closeParen, rule: "\")\"")
            return .messageNew(attributes)
        case "MESSAGEEXPUNGE": return .messageExpunge
        case "FLAGCHANGE": return .flagChange
        case "ANNOTATIONCHANGE": return .annotationChange
        case "MAILBOXNAME": return .mailboxName
        case "SUBSCRIPTIONCHANGE": return .subscriptionChange
        case "MAILBOXMETADATACHANGE": return .mailboxMetadataChange
        case "SERVERMETADATACHANGE": return .serverMetadataChange
        default: return .other(buffer.string(range))
        }
    }
}
