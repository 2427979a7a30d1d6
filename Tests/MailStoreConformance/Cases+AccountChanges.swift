import MailCore
import MailStore
import Synchronization

/// Account changes announced on the store's `ChangeNotifier` (`ChangeNotifying`): what NOTIFY
/// (RFC 5465 §5.4–5.7) builds on. Every backend posts them after the change, from the caller's
/// task, so that the caller's `ChangeNotifier.origin` comes along.
extension MailStoreConformance {
    static let accountChangeCases: [ConformanceCase] = [
        ConformanceCase("account changes: CREATE, RENAME, SUBSCRIBE, UNSUBSCRIBE and DELETE are announced to the owner's observers") { store in
            let f = Fixture(store)
            let alice = try await f.addUser("alice")
            let bob = try await f.addUser("bob")
            let aliceChanges = AccountChangeRecorder(store.notifications, owner: alice.id)
            let bobChanges = AccountChangeRecorder(store.notifications, owner: bob.id)
            defer { aliceChanges.cancel(); bobChanges.cancel() }
            let me = Principal.user(alice.id)
            _ = try await store.mailboxes.create(MailboxPath(owner: alice.id, name: "Lists/A"), specialUse: nil, as: me)
            try await store.mailboxes.rename(MailboxPath(owner: alice.id, name: "Lists"), to: "Groups", as: me)
            try await store.mailboxes.setSubscribed(true, name: "Groups/A", of: alice.id)
            try await store.mailboxes.setSubscribed(false, name: "Groups/A", of: alice.id)
            try await store.mailboxes.delete(MailboxPath(owner: alice.id, name: "Groups/A"), as: me)
            try await store.mailboxes.rename(MailboxPath(owner: alice.id, name: "INBOX"), to: "Old", as: me)
            try expectEqual(aliceChanges.take().map(\.kind), [
                .mailboxCreated("Lists/A"), .mailboxRenamed(from: "Lists", to: "Groups"),
                .subscriptionChanged("Groups/A", subscribed: true), .subscriptionChanged("Groups/A", subscribed: false),
                .mailboxDeleted("Groups/A"), .mailboxRenamed(from: "INBOX", to: "Old"),
            ], "alice's changes, in order")
            try expect(aliceChanges.take().isEmpty && bobChanges.take().isEmpty, "bob's observers hear nothing of alice's")
            try await expectFailure("CREATE of an existing name") {
                try await store.mailboxes.create(MailboxPath(owner: alice.id, name: "Old"), specialUse: nil, as: me)
            }
            try expect(aliceChanges.take().isEmpty, "a failed CREATE announces nothing")
        },

        ConformanceCase("account changes: SETMETADATA names the entries; private ones name their user; server entries") { store in
            let f = Fixture(store)
            let alice = try await f.addUser("alice")
            let bob = try await f.addUser("bob")
            let aliceChanges = AccountChangeRecorder(store.notifications, owner: alice.id)
            let bobChanges = AccountChangeRecorder(store.notifications, owner: bob.id)
            defer { aliceChanges.cancel(); bobChanges.cancel() }
            let comment = MetadataEntryName("/shared/comment")!
            let mine = MetadataEntryName("/private/mine")!
            try await store.metadata.setMetadata([MetadataChange(name: comment, value: Array("x".utf8)),
                                                  MetadataChange(name: mine, value: nil)],
                                                 on: .mailbox(MailboxPath(owner: alice.id, name: "INBOX")),
                                                 limits: MetadataLimits(), as: .user(alice.id))
            try expectEqual(aliceChanges.take(), [AccountChange(owner: alice.id, .metadataChanged(
                mailbox: "INBOX", entries: [comment, mine], privateTo: alice.id))], "a mailbox's entries")
            try await store.metadata.setMetadata([MetadataChange(name: mine, value: Array("y".utf8))], on: .server,
                                                 limits: MetadataLimits(), as: .user(bob.id))
            try expect(aliceChanges.take().isEmpty, "bob's private server entry is not alice's business")
            try expectEqual(bobChanges.take().map(\.kind), [.metadataChanged(mailbox: nil, entries: [mine], privateTo: bob.id)],
                            "bob's private server entry")
            try await store.metadata.setMetadata([MetadataChange(name: comment, value: Array("z".utf8))], on: .server,
                                                 limits: MetadataLimits(), as: .administrator)
            let expected = [AccountChange.Kind.metadataChanged(mailbox: nil, entries: [comment], privateTo: nil)]
            try expectEqual(aliceChanges.take().map(\.kind), expected, "a shared server entry reaches alice")
            try expectEqual(bobChanges.take().map(\.kind), expected, "and bob")
        },

        ConformanceCase("account changes: the origin of the task that made the change comes along (RFC 5465 §5)") { store in
            let f = Fixture(store)
            let alice = try await f.addUser("alice")
            let changes = AccountChangeRecorder(store.notifications, owner: alice.id)
            defer { changes.cancel() }
            let inbox = try await f.mailbox("INBOX", of: alice)
            let posted = Mutex<[Int?]>([])
            let token = store.notifications.observe(inbox.id) { _ in
                let origin = ChangeNotifier.origin
                posted.withLock { $0.append(origin) }
            }
            defer { store.notifications.cancel(token) }
            try await ChangeNotifier.$origin.withValue(42) {
                _ = try await store.mailboxes.create(MailboxPath(owner: alice.id, name: "Mine"), specialUse: nil,
                                                     as: .user(alice.id))
                _ = try await f.append(Fixture.sample(1), to: inbox)
            }
            _ = try await store.mailboxes.create(MailboxPath(owner: alice.id, name: "Theirs"), specialUse: nil,
                                                 as: .user(alice.id))
            try expectEqual(changes.take().map(\.origin), [42, nil], "account changes carry the origin")
            try expectEqual(posted.withLock { $0 }, [42], "a mailbox observer reads it during the post")
        },
    ]
}

/// Records the account changes a `ChangeNotifier` announces for one owner.
final class AccountChangeRecorder: Sendable {
    private let posted = Mutex<[AccountChange]>([])
    private let token = Mutex<ChangeNotifier.AccountObservationToken?>(nil)
    let notifier: ChangeNotifier

    init(_ notifier: ChangeNotifier, owner: UserID) {
        self.notifier = notifier
        let token = notifier.observeAccount(owner) { change in self.posted.withLock { $0.append(change) } }
        self.token.withLock { $0 = token }
    }

    /// The announcements since the last call.
    func take() -> [AccountChange] {
        posted.withLock { list in
            defer { list = [] }
            return list
        }
    }

    func cancel() {
        if let token = token.withLock({ $0 }) { notifier.cancel(token) }
    }
}
