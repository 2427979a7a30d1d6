public import MailCore

/// A committed change to a user's mailbox tree, subscriptions or METADATA, as a store announces
/// it on its `ChangeNotifier` (the events of RFC 5465 §5.4–5.7, which RFC 5423 §4.3 calls
/// MailboxCreate, MailboxDelete, MailboxRename, MailboxSubscribe, MailboxUnSubscribe).
public struct AccountChange: Hashable, Sendable {
    public enum Kind: Hashable, Sendable {
        /// A mailbox was created (or a `\Noselect` placeholder became selectable).
        case mailboxCreated(String)
        /// A mailbox was deleted (it may remain as a `\Noselect` placeholder).
        case mailboxDeleted(String)
        /// A mailbox and its inferiors were renamed (for INBOX: its messages moved to `to`).
        case mailboxRenamed(from: String, to: String)
        /// A name was subscribed or unsubscribed.
        case subscriptionChanged(String, subscribed: Bool)
        /// METADATA entries of a mailbox (nil: of the server) were set or removed. Private
        /// entries among them are those of `privateTo` only.
        case metadataChanged(mailbox: String?, entries: [MetadataEntryName], privateTo: UserID?)
    }

    /// Whose mailboxes, subscriptions or METADATA changed; nil for the server's METADATA.
    public var owner: UserID?
    public var kind: Kind
    /// The connection that made the change, if one did (`ChangeNotifier.origin`).
    public var origin: Int?

    public init(owner: UserID?, _ kind: Kind, origin: Int? = nil) {
        self.owner = owner
        self.kind = kind
        self.origin = origin
    }
}

extension AccountChange {
    /// The change a committed SETMETADATA makes (RFC 5464 §4.3, announced for RFC 5465 §5.6–5.7):
    /// a mailbox's entries concern its owner's observers; the server's shared entries concern
    /// everyone, its private ones only the user who set them.
    public static func metadata(_ changes: [MetadataChange], on target: MetadataTarget,
                                as principal: Principal) -> AccountChange {
        let actingUser: UserID? = if case .user(let user) = principal { user } else { nil }
        let entries = changes.map(\.name)
        switch target {
        case .mailbox(let path):
            return AccountChange(owner: path.owner, .metadataChanged(mailbox: path.name, entries: entries,
                                                                      privateTo: actingUser ?? path.owner))
        case .server:
            let onlyPrivate = entries.allSatisfy { $0.scope == .private }
            return AccountChange(owner: onlyPrivate ? actingUser : nil,
                                 .metadataChanged(mailbox: nil, entries: entries, privateTo: actingUser))
        }
    }
}
