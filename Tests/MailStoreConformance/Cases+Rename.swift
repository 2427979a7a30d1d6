import MailCore
import MailStore

extension MailStoreConformance {
    static let renameCases: [ConformanceCase] = [
        ConformanceCase("rename: the subtree moves, keeping IDs and UIDVALIDITY (RFC 3501 §6.3.5)") { store in
            let f = Fixture(store)
            let alice = try await f.addUser("alice")
            let a = try await f.create("a", of: alice)
            let ab = try await f.create("a/b", of: alice)
            let abc = try await f.create("a/b/c", of: alice)
            let sibling = try await f.create("ab", of: alice)
            let uid = try await f.append(Fixture.sample(1), to: ab)
            try await store.mailboxes.rename(MailboxPath(owner: alice.id, name: "a"), to: "x/y", as: .administrator)
            try expectEqual(try await f.names(of: alice), ["INBOX", "ab", "x", "x/y", "x/y/b", "x/y/b/c"],
                            "mailboxes after RENAME a x/y")
            for (old, name) in [(a, "x/y"), (ab, "x/y/b"), (abc, "x/y/b/c")] {
                let renamed = try await f.mailbox(name, of: alice)
                try expectEqual(renamed.id, old.id, "ID of \(name)")
                try expectEqual(renamed.uidValidity, old.uidValidity, "UIDVALIDITY of \(name)")
            }
            try expect(try await f.mailbox("x", of: alice).selectable, "the created superior is selectable")
            try expectEqual(try await f.mailbox("ab", of: alice), sibling, "a sibling sharing the prefix stays")
            let moved = try await f.mailbox("x/y/b", of: alice)
            try expectEqual(try await f.uids(in: moved), [uid], "messages follow the mailbox")
        },

        ConformanceCase("rename: a placeholder moves with its inferiors") { store in
            let f = Fixture(store)
            let alice = try await f.addUser("alice")
            _ = try await f.create("foo/bar", of: alice)
            try await store.mailboxes.delete(MailboxPath(owner: alice.id, name: "foo"), as: .administrator)
            try await store.mailboxes.rename(MailboxPath(owner: alice.id, name: "foo"), to: "zowie", as: .administrator)
            try expectEqual(try await f.names(of: alice), ["INBOX", "zowie", "zowie/bar"], "mailboxes")
            try expect(!(try await f.mailbox("zowie", of: alice).selectable), "zowie is still \\Noselect")
        },

        ConformanceCase("rename: onto an existing name, from a missing one, into itself, onto INBOX") { store in
            let f = Fixture(store)
            let alice = try await f.addUser("alice")
            _ = try await f.create("a/b", of: alice)
            _ = try await f.create("c", of: alice)
            try await expectError(.mailboxExists("c"), "RENAME a c") {
                try await store.mailboxes.rename(MailboxPath(owner: alice.id, name: "a"), to: "c", as: .administrator)
            }
            try await expectError(.mailboxExists("a/b"), "RENAME c a/b") {
                try await store.mailboxes.rename(MailboxPath(owner: alice.id, name: "c"), to: "a/b", as: .administrator)
            }
            try await expectError(.mailboxNotFound("nothing"), "RENAME of a missing name") {
                try await store.mailboxes.rename(MailboxPath(owner: alice.id, name: "nothing"), to: "other", as: .administrator)
            }
            try await expectError(.renameIntoItself, "RENAME a a/b/z") {
                try await store.mailboxes.rename(MailboxPath(owner: alice.id, name: "a"), to: "a/b/z", as: .administrator)
            }
            try await expectError(oneOf: [.renameIntoItself, .mailboxExists("a")], "RENAME a a") {
                try await store.mailboxes.rename(MailboxPath(owner: alice.id, name: "a"), to: "a", as: .administrator)
            }
            try await expectError(.inboxOperationNotAllowed, "RENAME c INBOX") {
                try await store.mailboxes.rename(MailboxPath(owner: alice.id, name: "c"), to: "INBOX", as: .administrator)
            }
            try expectEqual(try await f.names(of: alice), ["INBOX", "a", "a/b", "c"], "nothing changed")
        },

        ConformanceCase("rename: INBOX moves its messages and stays, empty, with its inferiors (RFC 9051 §6.3.6)") { store in
            let f = Fixture(store)
            let alice = try await f.addUser("alice")
            let inbox = try await f.mailbox("INBOX", of: alice)
            let child = try await f.create("INBOX/Receipts", of: alice)
            let uids = try await f.appendSamples(2, to: inbox, flags: [.flagged])
            let before = try await store.mailboxes.status(of: inbox.id, as: .administrator)
            let session = try await store.messages.open(inbox.id, claimRecent: false, as: .administrator)
            try await store.mailboxes.rename(MailboxPath(owner: alice.id, name: "INBOX"), to: "Old/Mail", as: .administrator)
            try expectEqual(try await f.names(of: alice), ["INBOX", "INBOX/Receipts", "Old", "Old/Mail"],
                            "mailboxes after RENAME INBOX")
            try expectEqual(try await f.mailbox("INBOX/Receipts", of: alice), child, "INBOX's inferior stays")
            let after = try await store.mailboxes.status(of: inbox.id, as: .administrator)
            try expectEqual(after.messages, 0, "INBOX is empty")
            try expectEqual(after.uidNext, before.uidNext, "INBOX keeps UIDNEXT")
            try expectEqual(after.uidValidity, before.uidValidity, "INBOX keeps UIDVALIDITY")
            let changes = try await store.messages.changes(in: inbox.id, since: session.highestModSeq, as: .administrator)
            try expectEqual(changes.vanished, uids, "the moved messages are gone from INBOX's view")
            let old = try await f.mailbox("Old/Mail", of: alice)
            try expect(old.id != inbox.id, "the messages moved to a new mailbox")
            let moved = try await store.messages.open(old.id, claimRecent: false, as: .administrator)
            try expectEqual(moved.messages.count, 2, "messages in Old/Mail")
            for message in moved.messages {
                try expect(message.flags.contains(.flagged), "flags move with the messages")
                let record = try await f.message(message.uid, in: old)
                try expect(!(try await f.contents(of: record.blob)).isEmpty, "moved content is readable")
            }
            let next = try await f.append(Fixture.sample(7), to: inbox)
            try expect(next >= before.uidNext, "INBOX does not reuse UIDs after RENAME")
        },
    ]
}
