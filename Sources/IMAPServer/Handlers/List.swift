import IMAPSyntax
import MailStore

extension Session {
    /// LIST (RFC 3501 §6.3.8): names matching the pattern with `\Noselect`,
    /// `\HasChildren`/`\HasNoChildren` (RFC 3348); `LIST "" ""` asks for the delimiter.
    func list(_ command: ListCommand) async throws -> CommandOutcome {
        guard let user = state.user else { return .bad("Log in first") }
        guard !command.isExtended else { return .bad("LIST-EXTENDED syntax is not supported") }
        let reference = try decodeListText(command.reference.bytes)
        let patterns = try command.patterns.map { try decodeListText($0.bytes) }
        if patterns == [""] {
            // RFC 3501 §6.3.8: the delimiter and the root of the reference.
            let root = reference.split(separator: MailboxNames.delimiter, maxSplits: 1).first.map(String.init) ?? ""
            let rootName = reference.first == MailboxNames.delimiter ? String(MailboxNames.delimiter) : root
            send(.list(ListResponse(attributes: [.noSelect], delimiter: MailboxNames.delimiter, name: rootName)))
            return .ok("LIST completed")
        }
        let mailboxes = try await store.mailboxes(of: user.id)
        let tree = MailboxTree(names: mailboxes.map(\.name))
        let selectable = Dictionary(mailboxes.map { ($0.name, $0.selectable) }, uniquingKeysWith: { a, _ in a })
        for pattern in patterns.map({ ListPattern(reference: reference, pattern: $0) }) {
            for name in tree.matching(pattern) {
                var attributes: [MailboxAttribute] = []
                if selectable[name] != true { attributes.append(.noSelect) }
                attributes.append(tree.hasChildren(name) ? .hasChildren : .hasNoChildren)
                send(.list(ListResponse(attributes: attributes, delimiter: MailboxNames.delimiter, name: name)))
            }
        }
        return .ok("LIST completed")
    }

    /// LSUB (RFC 3501 §6.3.9): subscribed names matching the pattern; with a trailing `%`, an
    /// unsubscribed superior of a subscribed name is listed as `\Noselect`.
    func lsub(reference wireReference: MailboxName, pattern wirePattern: MailboxPattern) async throws -> CommandOutcome {
        guard let user = state.user else { return .bad("Log in first") }
        let pattern = ListPattern(reference: try decodeListText(wireReference.bytes),
                                  pattern: try decodeListText(wirePattern.bytes))
        let subscribed = try await store.subscriptions(of: user.id)
        let subscribedSet = Set(subscribed)
        let tree = MailboxTree(names: subscribed)
        for name in tree.matching(pattern) {
            let attributes: [MailboxAttribute] = subscribedSet.contains(name) ? [] : [.noSelect]
            send(.lsub(ListResponse(attributes: attributes, delimiter: MailboxNames.delimiter, name: name)))
        }
        return .ok("LSUB completed")
    }

    /// A reference or pattern from the wire: modified UTF-7 like mailbox names, but may be
    /// empty and hold wildcards.
    private func decodeListText(_ bytes: [UInt8]) throws(CommandError) -> String {
        if output.encoder.utf8Enabled {
            guard let text = String(validating: bytes, as: UTF8.self) else { throw .bad("Pattern is not valid UTF-8") }
            return text
        }
        do {
            return try ModifiedUTF7.decode(bytes)
        } catch {
            throw .bad("Pattern is not valid modified UTF-7")
        }
    }
}

/// A set of hierarchical names with their implied superiors, for LIST's rules on levels
/// that exist only as parents (RFC 3501 §6.3.8).
struct MailboxTree {
    /// Every name and every superior of a name, sorted.
    let all: [String]
    private let explicit: Set<String>
    private let parents: Set<String>

    init(names: [String]) {
        explicit = Set(names)
        var parents = Set<String>()
        for name in names { parents.formUnion(MailboxNames.superiors(of: name)) }
        self.parents = parents
        all = explicit.union(parents).sorted()
    }

    func hasChildren(_ name: String) -> Bool { parents.contains(name) }

    /// Names matching the pattern. Implied superiors only appear when a trailing `%` makes
    /// them a matching level (they are then not selectable).
    func matching(_ pattern: ListPattern) -> [String] {
        all.filter { name in
            pattern.matches(name) && (explicit.contains(name) || pattern.endsWithPercent)
        }
    }
}
