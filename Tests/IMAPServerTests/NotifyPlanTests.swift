@testable import IMAPServer
import IMAPSyntax
import Testing

/// The checked form of NOTIFY SET (RFC 5465 §3.1, §5, §6): which events which mailbox gets.
@Suite("NOTIFY plan")
struct NotifyPlanTests {
    static func plan(_ groups: [NotifyEventGroup], status: Bool = false) throws -> NotifyPlan {
        try NotifyPlan(status: status, groups: groups) { name in
            let text = String(decoding: name.bytes, as: UTF8.self)
            return text.isEmpty ? nil : text
        }
    }

    static let messages: [NotifyEvent] = [.messageNew([]), .messageExpunge]

    @Test("filters: PERSONAL and INBOXES every personal mailbox, SUBTREE a name and below, MAILBOXES exact names (§6.2–6.6)")
    func filters() throws {
        let plan = try Self.plan([
            NotifyEventGroup(.subtree([MailboxName("Lists")]), Self.messages),
            NotifyEventGroup(.mailboxes([MailboxName("misc*")]), [.mailboxName]),
            NotifyEventGroup(.subscribed, [.subscriptionChange]),
            NotifyEventGroup(.inboxes, [.mailboxMetadataChange]),
        ])
        #expect(plan.events(for: "Lists/A/B", subscribed: false) == [.messageNew, .messageExpunge, .mailboxMetadataChange])
        #expect(plan.events(for: "Lists", subscribed: true)
                == [.messageNew, .messageExpunge, .subscriptionChange, .mailboxMetadataChange])
        #expect(plan.events(for: "ListsOther", subscribed: false) == [.mailboxMetadataChange], "a subtree is a hierarchy, not a prefix")
        #expect(plan.events(for: "misc*", subscribed: false) == [.mailboxName, .mailboxMetadataChange])
        #expect(plan.events(for: "miscellaneous", subscribed: false) == [.mailboxMetadataChange], "§6.6: no wildcards")
        #expect(plan.events(for: "Shared", subscribed: false, personal: false).isEmpty, "PERSONAL is the user's own")
        #expect(plan.watchesMessages && !plan.watchesServerMetadata && plan.selected == nil)
    }

    @Test("SELECTED and SELECTED-DELAYED carry the message events and the FETCH attributes (§5.2, §6.1)")
    func selected() throws {
        let plan = try Self.plan([NotifyEventGroup(.selectedDelayed, [.messageNew([.uid, .flags]), .messageExpunge, .flagChange])])
        #expect(plan.selected == NotifyPlan.Selected(delayed: true, events: [.messageNew, .messageExpunge, .flagChange],
                                                     fetch: [.uid, .flags]))
        #expect(plan.groups.isEmpty && !plan.watchesMessages)
        #expect(try Self.plan([NotifyEventGroup(.selected, [])]).selected?.events.isEmpty == true, "SELECTED NONE")
    }

    @Test("refusals: BADEVENT, lone MessageNew, FlagChange alone, two selected filters, other events or attributes misplaced (§3.1, §5, §6.1)")
    func refusals() throws {
        let cases: [([NotifyEventGroup], ResponseStatus)] = [
            ([NotifyEventGroup(.personal, Self.messages + [.other("Weather")])], .no),
            ([NotifyEventGroup(.personal, [.messageNew([])])], .bad),
            ([NotifyEventGroup(.personal, [.messageExpunge])], .bad),
            ([NotifyEventGroup(.personal, [.flagChange])], .bad),
            ([NotifyEventGroup(.selected, Self.messages), NotifyEventGroup(.selectedDelayed, [])], .bad),
            ([NotifyEventGroup(.selected, [.mailboxName])], .bad),
            ([NotifyEventGroup(.personal, [.messageNew([.uid]), .messageExpunge])], .bad),
            ([NotifyEventGroup(.selected, [.messageNew([.rfc822]), .messageExpunge])], .bad),
        ]
        for (groups, status) in cases {
            #expect(throws: CommandError.self) { try Self.plan(groups) }
            do {
                _ = try Self.plan(groups)
            } catch let error as CommandError {
                #expect(error.outcome.status == status, "\(groups)")
            } catch {
                Issue.record("unexpected \(error)")
            }
        }
    }

    @Test("STATUS items per event and CONDSTORE (§3.1, §5.1–5.3)")
    func statusItems() {
        #expect(NotifyPlan.statusAttributes(for: [.messageNew, .messageExpunge], condstore: false) == [.messages, .uidNext, .uidValidity])
        #expect(NotifyPlan.statusAttributes(for: [.messageNew, .messageExpunge, .flagChange], condstore: true)
                == [.messages, .uidNext, .uidValidity, .unseen, .highestModSeq])
        #expect(NotifyPlan.statusAttributes(for: [.mailboxName], condstore: true).isEmpty)
    }
}
