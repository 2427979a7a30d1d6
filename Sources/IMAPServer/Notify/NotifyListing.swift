import IMAPSyntax
import MailCore
import MailStore

/// A session's NOTIFY in force (RFC 5465 §3.1): what was asked, the observation feeding it,
/// and the last STATUS told of each mailbox (so that a change announced twice, or one that
/// changed nothing the client sees, sends nothing).
final class ActiveNotify {
    let plan: NotifyPlan
    let watch: NotifyWatch
    var lastStatus: [MailboxID: [StatusValue]] = [:]

    init(plan: NotifyPlan, watch: NotifyWatch) {
        self.plan = plan
        self.watch = watch
    }
}

/// The unsolicited LIST and METADATA responses of account changes (RFC 5465 §5.4–5.7), with
/// the attributes as they are after the change (§5.5: "all mailbox attributes MUST be
/// accurately computed").
struct NotifyListing {
    private let records: [String: MailboxRecord]
    private let subscribed: Set<String>
    private let tree: MailboxTree

    init(mailboxes: [MailboxRecord], subscribed: Set<String>) {
        records = Dictionary(mailboxes.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        self.subscribed = subscribed
        tree = MailboxTree(names: mailboxes.map(\.name))
    }

    func responses(for change: AccountChange, plan: NotifyPlan, user: UserID) -> [UntaggedResponse] {
        let personal = change.owner == user
        func wants(_ event: NotifyPlan.Event, _ name: String, subscribedEither: Bool = false) -> Bool {
            plan.events(for: name, subscribed: subscribedEither || subscribed.contains(name), personal: personal)
                .contains(event)
        }
        switch change.kind {
        case .mailboxCreated(let name), .mailboxDeleted(let name):
            // §5.4: "the mailbox itself and its direct parent ... are considered to be affected".
            var names = [name]
            if let parent = MailboxNames.parent(of: name) { names.append(parent) }
            return names.filter { wants(.mailboxName, $0) }.map { .list(list($0)) }
        case .mailboxRenamed(let from, let to):
            guard wants(.mailboxName, to) || wants(.mailboxName, from) else { return [] }
            return [.list(list(to, oldName: from))]
        case .subscriptionChanged(let name, _):
            guard wants(.subscriptionChange, name, subscribedEither: true) else { return [] }
            return [.list(list(name))]
        case .metadataChanged(let mailbox, let entries, let privateTo):
            let visible = entries.filter { $0.scope == .shared || privateTo == user }
            guard !visible.isEmpty else { return [] }
            if let mailbox {
                guard wants(.mailboxMetadataChange, mailbox) else { return [] }
                return [.metadataChanged(mailbox, visible)]
            }
            return plan.watchesServerMetadata ? [.metadataChanged("", visible)] : []
        }
    }

    /// The LIST response of `name` now: `\NonExistent` if it is gone (§5.4), `\Noselect` for a
    /// placeholder, children, `\Subscribed` (§5.5), the special use.
    func list(_ name: String, oldName: String? = nil) -> ListResponse {
        var attributes: [MailboxAttribute] = []
        let record = records[name]
        if record == nil {
            attributes.append(.nonExistent)
        } else if record?.selectable == false {
            attributes.append(.noSelect)
        }
        if record != nil { attributes.append(tree.hasChildren(name) ? .hasChildren : .hasNoChildren) }
        if subscribed.contains(name) { attributes.append(.subscribed) }
        if let use = record?.specialUse { attributes.append(.specialUse(use)) }
        return ListResponse(attributes: attributes, delimiter: MailboxNames.delimiter, name: name, oldName: oldName)
    }
}
