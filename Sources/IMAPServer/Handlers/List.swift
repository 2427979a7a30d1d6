import IMAPSyntax
import MailCore
import MailStore

extension Session {
    /// LIST (RFC 3501 §6.3.8) with the extensions of RFC 5258 (selection options SUBSCRIBED,
    /// REMOTE, RECURSIVEMATCH; return options SUBSCRIBED, CHILDREN; several patterns),
    /// RFC 5819 (RETURN (STATUS …)) and RFC 6154 (SPECIAL-USE). `LIST "" ""` asks for the
    /// hierarchy delimiter.
    ///
    /// A reference or pattern that is not valid modified UTF-7 (or UTF-8 in IMAP4rev2) is
    /// no syntax error; no mailbox name can match it, so it lists nothing.
    func list(_ command: ListCommand) async throws -> CommandOutcome {
        guard let user = state.user else { return .bad("Log in first") }
        let reference = decodeListText(command.reference.bytes)
        let patterns = command.patterns.map { decodeListText($0.bytes) }
        if command.patterns.count == 1 && command.patterns[0].bytes.isEmpty && !command.isExtended {
            // RFC 3501 §6.3.8: the delimiter and the root of the reference.
            let text = reference ?? ""
            let root = text.split(separator: MailboxNames.delimiter, maxSplits: 1).first.map(String.init) ?? ""
            let rootName = text.first == MailboxNames.delimiter ? String(MailboxNames.delimiter) : root
            send(.list(ListResponse(attributes: [.noSelect], delimiter: MailboxNames.delimiter, name: rootName)))
            return .ok("LIST completed")
        }
        let options = try ListOptions(command)
        let matchers = patterns.compactMap { pattern in
            reference.flatMap { reference in pattern.map { ListPattern(reference: reference, pattern: $0) } }
        }
        guard !matchers.isEmpty else { return .ok("LIST completed") }
        let (mailboxes, sharedRights) = try await visibleMailboxes(of: user)
        let subscribed = Set(try await store.mailboxes.subscriptions(of: user.id))
        let listing = MailboxListing(mailboxes: mailboxes, subscribed: subscribed, options: options)
        for entry in listing.entries(matching: matchers) {
            send(.list(entry.response))
            if let attributes = options.status, let record = entry.record, record.selectable {
                // RFC 5819 §2: the STATUS follows the LIST response of its mailbox.
                send(.status(record.name, try await statusValues(of: record, attributes)))
            }
            if options.myRights, let record = entry.record {
                // RFC 8440 §3: MYRIGHTS after the LIST response of its mailbox.
                var rights = sharedRights[record.id]
                if rights == nil {
                    rights = try await store.accessControl.rights(on: MailboxPath(owner: user.id, name: record.name),
                                                                  as: principal)
                }
                send(.myRights(record.name, rights: (rights ?? []).description))
            }
            if let entries = options.metadata, let record = entry.record, record.selectable {
                await sendListMetadata(entries, of: record, user: user)  // RFC 9590 §3
            }
        }
        return .ok("LIST completed")
    }

    /// The mailboxes a user's LIST sees (RFC 2342, RFC 4314 `l`): their own, and those of other
    /// users and the public folders they may look up, each named as the client sees it
    /// (`Other Users/alice/…`, `Shared/…`), with the user's rights on the latter.
    func visibleMailboxes(of user: User) async throws -> ([MailboxRecord], [MailboxID: AccessRights]) {
        var mailboxes = try await store.mailboxes.list(of: user.id, as: principal)
        var rights: [MailboxID: AccessRights] = [:]
        for shared in try await store.accessControl.sharedMailboxes(visibleTo: user.id) {
            var record = shared.record
            record.name = clientName(of: record.name, ownerName: shared.ownerName)
            mailboxes.append(record)
            rights[record.id] = shared.rights
        }
        return (mailboxes, rights)
    }

    /// The LIST response for one mailbox, as SELECT sends it in IMAP4rev2 (RFC 9051 §6.3.2).
    /// `name` is the mailbox's name as the client sees it (another owner's carry a namespace
    /// prefix, RFC 2342), and children are those the user can see.
    func listResponse(for record: MailboxRecord, named name: String, of user: User) async throws -> ListResponse {
        let names = record.owner == user.id
            ? try await store.mailboxes.list(of: user.id, as: principal).map(\.name)
            : try await visibleMailboxes(of: user).0.map(\.name)
        let tree = MailboxTree(names: names)
        var attributes: [MailboxAttribute] = [tree.hasChildren(name) ? .hasChildren : .hasNoChildren]
        if let use = record.specialUse { attributes.append(.specialUse(use)) }
        return ListResponse(attributes: attributes, delimiter: MailboxNames.delimiter, name: name)
    }

    /// LSUB (RFC 3501 §6.3.9): subscribed names matching the pattern; with a trailing `%`, an
    /// unsubscribed superior of a subscribed name is listed as `\Noselect`.
    func lsub(reference wireReference: MailboxName, pattern wirePattern: MailboxPattern) async throws -> CommandOutcome {
        guard let user = state.user else { return .bad("Log in first") }
        // A reference or pattern that is not a valid encoding matches no name.
        guard let reference = decodeListText(wireReference.bytes),
              let patternText = decodeListText(wirePattern.bytes) else { return .ok("LSUB completed") }
        let pattern = ListPattern(reference: reference, pattern: patternText)
        let subscribed = try await store.mailboxes.subscriptions(of: user.id)
        let subscribedSet = Set(subscribed)
        let tree = MailboxTree(names: subscribed)
        for name in tree.matching(pattern) {
            let attributes: [MailboxAttribute] = subscribedSet.contains(name) ? [] : [.noSelect]
            send(.lsub(ListResponse(attributes: attributes, delimiter: MailboxNames.delimiter, name: name)))
        }
        return .ok("LSUB completed")
    }

    /// A reference or pattern from the wire: modified UTF-7 like mailbox names, but may be
    /// empty and hold wildcards; nil if it is not validly encoded.
    private func decodeListText(_ bytes: [UInt8]) -> String? {
        MailboxNames.text(of: bytes, utf8: output.encoder.utf8Enabled)
    }
}

/// The selection and return options of one LIST command (RFC 5258 §3, RFC 5819, RFC 6154).
struct ListOptions {
    /// Select subscribed names only, also those that no longer exist.
    var selectSubscribed = false
    /// Also list parents of selected names, with CHILDINFO.
    var recursiveMatch = false
    /// Select mailboxes with a special use only (RFC 6154 §3).
    var selectSpecialUse = false
    /// Add `\Subscribed` (implied by selecting subscribed names).
    var returnSubscribed = false
    /// STATUS items to report after each selectable mailbox.
    var status: [StatusAttribute]?
    /// Report the user's rights after each mailbox (RFC 8440).
    var myRights = false
    /// METADATA entries to report after each selectable mailbox (RFC 9590).
    var metadata: [MetadataEntryName]?

    init(_ command: ListCommand) throws(CommandError) {
        for option in command.selectionOptions {
            switch option {
            case .subscribed: selectSubscribed = true
            case .remote: break  // no remote mailboxes here (RFC 5258 §3.1)
            case .recursiveMatch: recursiveMatch = true
            case .specialUse: selectSpecialUse = true
            case .other(let name): throw .bad("Unknown LIST selection option \(name)")
            }
        }
        if recursiveMatch && !selectSubscribed && !selectSpecialUse {
            throw .bad("RECURSIVEMATCH needs another selection option")
        }
        for option in command.returnOptions {
            switch option {
            case .subscribed: returnSubscribed = true
            case .children, .specialUse: break  // always returned
            case .status(let attributes): status = attributes
            case .myRights: myRights = true
            case .metadata(let entries): metadata = entries
            case .other(let name): throw .bad("Unknown LIST return option \(name)")
            }
        }
        if selectSubscribed { returnSubscribed = true }
    }
}

/// The mailboxes of a user as LIST sees them: existing ones, subscribed names, and levels
/// implied by deeper names (RFC 3501 §6.3.8, RFC 5258 §3).
///
/// Every name is matched against the patterns once and marks its superior levels at most
/// once, and only the names listed are sorted, so that a LIST costs time linear in the
/// number and length of the mailbox names and subscriptions, plus sorting what it returns,
/// whatever the selection and return options.
struct MailboxListing {
    struct Entry {
        var response: ListResponse
        /// The mailbox, if the name exists.
        var record: MailboxRecord?
    }

    private let records: [String: MailboxRecord]
    private let subscribed: Set<String>
    private let options: ListOptions
    private let tree: MailboxTree

    init(mailboxes: [MailboxRecord], subscribed: Set<String>, options: ListOptions) {
        records = Dictionary(mailboxes.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        self.subscribed = subscribed
        self.options = options
        tree = MailboxTree(names: Array(records.keys) + (options.selectSubscribed ? Array(subscribed) : []))
    }

    /// The entries matching any pattern, in name order, each once.
    func entries(matching patterns: [ListPattern]) -> [Entry] {
        // The names matching a pattern (with whether a pattern ending in `%` matched them),
        // and for RECURSIVEMATCH the names with a selected descendant that this LIST does not
        // return (RFC 5258 §3.5: "Servers SHOULD ONLY return a non-matching mailbox name along
        // with CHILDINFO if at least one matching child is not also being returned").
        var matched: [(name: String, byPercent: Bool)] = []
        var childInfoNames = Set<String>()
        for name in tree.names {
            var isMatched = false, byPercent = false
            for pattern in patterns where pattern.matches(name) {
                isMatched = true
                byPercent = byPercent || pattern.endsWithPercent
            }
            if isMatched {
                matched.append((name, byPercent))
            } else if options.recursiveMatch && isSelected(name) {
                // Each superior is marked once: one already marked has its superiors marked.
                var level = name
                while let parent = MailboxNames.parent(of: level), childInfoNames.insert(parent).inserted {
                    level = parent
                }
            }
        }
        matched.sort { $0.name < $1.name }
        return matched.compactMap { name, byPercent in
            entry(for: name, impliedLevelsListed: byPercent, childInfo: childInfoNames.contains(name))
        }
    }

    private func isSelected(_ name: String) -> Bool {
        if options.selectSubscribed && !subscribed.contains(name) { return false }
        if options.selectSpecialUse && records[name]?.specialUse == nil { return false }
        return options.selectSubscribed || records[name] != nil
    }

    /// The entry of a name that matches a pattern, or nil if it is not listed. `childInfo`:
    /// RECURSIVEMATCH is on and a selected descendant is not returned (RFC 5258 §3.5).
    private func entry(for name: String, impliedLevelsListed: Bool, childInfo: Bool) -> Entry? {
        let record = records[name]
        if !isSelected(name) {
            // RECURSIVEMATCH lists a name for the sake of its CHILDINFO (RFC 5258 §3.3 2B);
            // a plain `%` lists levels that exist only as parents (RFC 3501 §6.3.8).
            let impliedLevel = !(options.selectSubscribed || options.selectSpecialUse) && impliedLevelsListed
                && record == nil
            guard childInfo || impliedLevel else { return nil }
        }
        var attributes: [MailboxAttribute] = []
        if record == nil {
            attributes.append(options.selectSubscribed || options.selectSpecialUse ? .nonExistent : .noSelect)
        } else if record?.selectable == false {
            attributes.append(.noSelect)
        }
        if record != nil || !options.selectSubscribed {
            attributes.append(tree.hasChildren(name) ? .hasChildren : .hasNoChildren)
        }
        if options.returnSubscribed && subscribed.contains(name) { attributes.append(.subscribed) }
        if let use = record?.specialUse { attributes.append(.specialUse(use)) }
        return Entry(response: ListResponse(attributes: attributes, delimiter: MailboxNames.delimiter,
                                            name: name, childInfo: childInfo ? ["SUBSCRIBED"] : []),
                     record: record)
    }
}

/// A set of hierarchical names with their implied superiors, for LIST's rules on levels
/// that exist only as parents (RFC 3501 §6.3.8).
struct MailboxTree {
    /// Every name and every superior of a name, in no particular order.
    let names: Set<String>
    private let explicit: Set<String>
    /// The names that have a name below them.
    private let parents: Set<String>

    /// Walks up from each name only until it meets a level already known, so that building
    /// the tree takes time linear in the total length of the names, however deep they nest.
    init(names: [String]) {
        explicit = Set(names)
        var parents = Set<String>()
        for name in explicit {
            var level = name
            while let parent = MailboxNames.parent(of: level), parents.insert(parent).inserted {
                level = parent
            }
        }
        self.parents = parents
        self.names = explicit.union(parents)
    }

    func hasChildren(_ name: String) -> Bool { parents.contains(name) }

    /// Names matching the pattern, sorted. Implied superiors only appear when a trailing `%`
    /// makes them a matching level (they are then not selectable).
    func matching(_ pattern: ListPattern) -> [String] {
        names.filter { name in
            pattern.matches(name) && (explicit.contains(name) || pattern.endsWithPercent)
        }.sorted()
    }
}
