import MailCore
import MailStore

extension MailStoreConformance {
    static let mailboxCases: [ConformanceCase] = [
        ConformanceCase("create: missing superiors are created as selectable mailboxes (RFC 3501 §6.3.3)") { store in
            let f = Fixture(store)
            let alice = try await f.addUser("alice")
            let leaf = try await f.create("a/b/c", of: alice)
            try expectEqual(leaf.name, "a/b/c", "created name")
            try expect(leaf.selectable, "the new mailbox is selectable")
            let all = try await store.mailboxes.list(of: alice.id, as: .administrator)
            try expectEqual(all.map(\.name), ["INBOX", "a", "a/b", "a/b/c"], "mailboxes in name order")
            try expect(all.allSatisfy(\.selectable), "superiors are selectable")
            try expectEqual(Set(all.map(\.id)).count, 4, "distinct mailbox IDs")
            let sent = try await f.create("Sent", of: alice, specialUse: .sent)
            try expectEqual(sent.specialUse, .sent, "special use of a created mailbox")
            try expectEqual(try await f.mailbox("Sent", of: alice).specialUse, .sent, "special use looked up")
            try expectEqual(try await f.mailbox("a", of: alice).specialUse, nil, "no special use")
        },

        ConformanceCase("create: an existing name, INBOX included, is rejected") { store in
            let f = Fixture(store)
            let alice = try await f.addUser("alice")
            _ = try await f.create("Work", of: alice)
            try await expectError(.mailboxExists("Work"), "create Work twice") { try await f.create("Work", of: alice) }
            try await expectError(.mailboxExists("INBOX"), "create INBOX") { try await f.create("INBOX", of: alice) }
            _ = try await f.create("Work/Old", of: alice)
            try expectEqual(try await f.names(of: alice), ["INBOX", "Work", "Work/Old"], "mailboxes")
            try expect(try await store.mailboxes.mailbox(at: MailboxPath(owner: alice.id, name: "work"), as: .administrator) == nil, "names are case-sensitive")
        },

        ConformanceCase("delete: a mailbox with inferiors becomes a \\Noselect placeholder (RFC 3501 §6.3.4)") { store in
            let f = Fixture(store)
            let alice = try await f.addUser("alice")
            let parent = try await f.create("foo", of: alice)
            let child = try await f.create("foo/bar", of: alice)
            try await f.append(Fixture.sample(1), to: parent)
            try await store.mailboxes.delete(MailboxPath(owner: alice.id, name: "foo"), as: .administrator)
            let placeholder = try await f.mailbox("foo", of: alice)
            try expect(!placeholder.selectable, "foo is \\Noselect")
            try expectEqual(try await f.names(of: alice), ["INBOX", "foo", "foo/bar"], "mailboxes after DELETE foo")
            try expectEqual(try await f.mailbox("foo/bar", of: alice), child, "the inferior is untouched")
            try await expectError(.mailboxDeleted, "open the deleted mailbox by its old ID") {
                try await store.messages.open(parent.id, claimRecent: true, as: .administrator)
            }
            try await expectError(.mailboxNotSelectable("foo"), "STATUS of the placeholder") {
                try await store.mailboxes.status(of: placeholder.id, as: .administrator)
            }
            try await expectError(.mailboxNotSelectable("foo"), "open the placeholder") {
                try await store.messages.open(placeholder.id, claimRecent: false, as: .administrator)
            }
            let staged = try await f.stage(Fixture.sample(2))
            try await expectError(.mailboxNotSelectable("foo"), "APPEND to the placeholder") {
                try await store.messages.append([NewMessage(blob: staged, flags: MessageFlags(), internalDate: nil)], to: placeholder.id, as: .administrator)
            }
        },

        ConformanceCase("delete: a placeholder with inferiors is refused, without them it goes") { store in
            let f = Fixture(store)
            let alice = try await f.addUser("alice")
            _ = try await f.create("foo/bar", of: alice)
            try await store.mailboxes.delete(MailboxPath(owner: alice.id, name: "foo"), as: .administrator)
            try await expectError(.mailboxHasChildren("foo"), "DELETE of a placeholder with inferiors") {
                try await store.mailboxes.delete(MailboxPath(owner: alice.id, name: "foo"), as: .administrator)
            }
            try await store.mailboxes.delete(MailboxPath(owner: alice.id, name: "foo/bar"), as: .administrator)
            try await store.mailboxes.delete(MailboxPath(owner: alice.id, name: "foo"), as: .administrator)
            try expectEqual(try await f.names(of: alice), ["INBOX"], "mailboxes after deleting both")
        },

        ConformanceCase("delete: INBOX and missing names are refused") { store in
            let f = Fixture(store)
            let alice = try await f.addUser("alice")
            try await expectError(.inboxOperationNotAllowed, "DELETE INBOX") {
                try await store.mailboxes.delete(MailboxPath(owner: alice.id, name: "INBOX"), as: .administrator)
            }
            try await expectError(.mailboxNotFound("nothing"), "DELETE of a missing name") {
                try await store.mailboxes.delete(MailboxPath(owner: alice.id, name: "nothing"), as: .administrator)
            }
            let bob = try await f.addUser("bob")
            _ = try await f.create("Mine", of: bob)
            try await expectError(.mailboxNotFound("Mine"), "DELETE of another user's mailbox") {
                try await store.mailboxes.delete(MailboxPath(owner: alice.id, name: "Mine"), as: .administrator)
            }
        },

        ConformanceCase("delete: a re-created name gets a new UIDVALIDITY and no old messages") { store in
            let f = Fixture(store)
            let alice = try await f.addUser("alice")
            let first = try await f.create("Drafts", of: alice)
            try await f.appendSamples(3, to: first)
            try await store.mailboxes.delete(MailboxPath(owner: alice.id, name: "Drafts"), as: .administrator)
            try expect(try await store.mailboxes.mailbox(at: MailboxPath(owner: alice.id, name: "Drafts"), as: .administrator) == nil, "Drafts is gone")
            let second = try await f.create("Drafts", of: alice)
            try expect(second.uidValidity != first.uidValidity, "new UIDVALIDITY after delete and create")
            try expect(second.id != first.id, "new mailbox ID after delete and create")
            try expectEqual(try await store.mailboxes.status(of: second.id, as: .administrator).messages, 0, "messages of the new Drafts")
            try await expectError(.mailboxDeleted, "append to the deleted mailbox's ID") {
                try await f.append(Fixture.sample(9), to: first)
            }
        },

        ConformanceCase("create: a \\Noselect placeholder becomes selectable with a new UIDVALIDITY") { store in
            let f = Fixture(store)
            let alice = try await f.addUser("alice")
            let original = try await f.create("foo", of: alice)
            _ = try await f.create("foo/bar", of: alice)
            try await store.mailboxes.delete(MailboxPath(owner: alice.id, name: "foo"), as: .administrator)
            let revived = try await f.create("foo", of: alice, specialUse: .archive)
            try expect(revived.selectable, "foo is selectable again")
            try expect(revived.uidValidity != original.uidValidity, "foo has a new UIDVALIDITY")
            try expectEqual(revived.specialUse, .archive, "special use of the revived mailbox")
            try expectEqual(try await store.mailboxes.status(of: revived.id, as: .administrator).messages, 0, "no messages")
            try await expectError(.mailboxExists("foo"), "create foo once more") { try await f.create("foo", of: alice) }
        },

        ConformanceCase("subscriptions: any name, in name order, kept when the mailbox goes") { store in
            let f = Fixture(store)
            let alice = try await f.addUser("alice")
            _ = try await f.create("Lists", of: alice)
            for name in ["Lists", "Archive/2020", "does/not/exist", "Lists"] {
                try await store.mailboxes.setSubscribed(true, name: name, of: alice.id)
            }
            try expectEqual(try await store.mailboxes.subscriptions(of: alice.id),
                            ["Archive/2020", "Lists", "does/not/exist"], "subscriptions")
            try await store.mailboxes.setSubscribed(false, name: "does/not/exist", of: alice.id)
            try await store.mailboxes.setSubscribed(false, name: "never/subscribed", of: alice.id)
            try await store.mailboxes.delete(MailboxPath(owner: alice.id, name: "Lists"), as: .administrator)
            try expectEqual(try await store.mailboxes.subscriptions(of: alice.id), ["Archive/2020", "Lists"],
                            "subscriptions after UNSUBSCRIBE and DELETE (RFC 9051 §6.3.7)")
        },

        ConformanceCase("status: counts messages, recent, unseen, deleted, size and UIDNEXT") { store in
            let f = Fixture(store)
            let alice = try await f.addUser("alice")
            let inbox = try await f.mailbox("INBOX", of: alice)
            let texts = [Fixture.sample(1), Fixture.sample(2, body: "A longer body.\r\n"), Fixture.sample(3)]
            try await f.append(texts[0], to: inbox)
            try await f.append(texts[1], to: inbox, flags: [.seen])
            try await f.append(texts[2], to: inbox, flags: [.seen, .deleted])
            let status = try await store.mailboxes.status(of: inbox.id, as: .administrator)
            try expectEqual(status.messages, 3, "MESSAGES")
            try expectEqual(status.recent, 3, "RECENT before any SELECT")
            try expectEqual(status.unseen, 1, "UNSEEN")
            try expectEqual(status.deleted, 1, "DELETED")
            try expectEqual(status.size, UInt64(texts.map(\.utf8.count).reduce(0, +)), "SIZE")
            try expectEqual(status.uidNext, UID(4), "UIDNEXT")
            try expectEqual(status.uidValidity, inbox.uidValidity, "UIDVALIDITY")
            let snapshot = try await store.messages.open(inbox.id, claimRecent: true, as: .administrator)
            try expectEqual(status.highestModSeq, snapshot.highestModSeq, "HIGHESTMODSEQ")
            try expectEqual(try await store.mailboxes.status(of: inbox.id, as: .administrator).recent, 0, "RECENT after SELECT")
        },
    ]
}
