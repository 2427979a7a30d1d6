import IMAPSyntax
import MailCore
import MailStore

/// The prefixes of the other users' and the shared namespaces (RFC 2342 §4): a user's own
/// mailboxes have none; `Other Users/alice/Projects` is alice's `Projects`, `Shared/support`
/// the public folder `support` (owned by no user, `AccessGate.publicOwnerName`).
public struct NamespacePrefixes: Hashable, Sendable {
    /// The level above each other user's mailboxes, without the delimiter.
    public var otherUsers = "Other Users"
    /// The level above the public folders, without the delimiter.
    public var shared = "Shared"

    public init(otherUsers: String = "Other Users", shared: String = "Shared") {
        self.otherUsers = otherUsers
        self.shared = shared
    }
}

/// A mailbox name as the client wrote it, resolved to the store's (owner, name).
struct ResolvedMailbox: Sendable {
    var path: MailboxPath
    /// The owner's user name; nil for a public folder.
    var ownerName: String?
}

extension Session {
    /// The store path a client's (decoded) mailbox name denotes in the three namespaces of
    /// RFC 2342. A name in another namespace whose owner does not exist is reported as a
    /// missing mailbox, with the same words, so that accounts cannot be probed (RFC 4314 §6).
    func resolveMailbox(_ name: String) async throws -> ResolvedMailbox {
        guard let user = state.user else { throw CommandError.bad("Log in first") }
        let prefixes = configuration.namespaces
        let delimiter = String(MailboxNames.delimiter)
        if let rest = name.dropPrefix(prefixes.otherUsers + delimiter) {
            let parts = rest.split(separator: MailboxNames.delimiter, maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, let ownerName = User.canonicalName(String(parts[0])),
                  let owner = try await store.accounts.user(named: ownerName), ownerName != AccessGate.publicOwnerName
            else { throw Self.missingMailbox }
            return ResolvedMailbox(path: MailboxPath(owner: owner.id, name: MailboxNames.canonicalInbox(String(parts[1]))),
                                   ownerName: owner.name)
        }
        if let rest = name.dropPrefix(prefixes.shared + delimiter) {
            guard let owner = try await store.accessControl.publicOwner(creating: false) else { throw Self.missingMailbox }
            return ResolvedMailbox(path: MailboxPath(owner: owner, name: rest), ownerName: nil)
        }
        return ResolvedMailbox(path: MailboxPath(owner: user.id, name: name), ownerName: user.name)
    }

    /// The name a client sees for a mailbox of `ownerName` (nil: a public folder).
    func clientName(of name: String, ownerName: String?) -> String {
        let delimiter = String(MailboxNames.delimiter)
        guard let ownerName else { return configuration.namespaces.shared + delimiter + name }
        if ownerName == state.user?.name { return name }
        return configuration.namespaces.otherUsers + delimiter + ownerName + delimiter + name
    }

    /// What a client is told of a mailbox it cannot see or that does not exist: the same.
    static let missingMailbox = CommandError.no("Mailbox does not exist", code: .nonExistent)

    /// NAMESPACE (RFC 2342 §5): the personal namespace without a prefix, the other users'
    /// and the shared one with theirs.
    func namespace() -> CommandOutcome {
        let delimiter = MailboxNames.delimiter
        let prefixes = configuration.namespaces
        send(.namespace(personal: [NamespaceDescription(prefix: "", delimiter: delimiter)],
                        otherUsers: [NamespaceDescription(prefix: prefixes.otherUsers + String(delimiter),
                                                          delimiter: delimiter)],
                        shared: [NamespaceDescription(prefix: prefixes.shared + String(delimiter),
                                                      delimiter: delimiter)]))
        return .ok("NAMESPACE completed")
    }
}

extension String {
    /// The rest after `prefix`, or nil if the string does not start with it.
    fileprivate func dropPrefix(_ prefix: String) -> String? {
        hasPrefix(prefix) ? String(dropFirst(prefix.count)) : nil
    }
}
