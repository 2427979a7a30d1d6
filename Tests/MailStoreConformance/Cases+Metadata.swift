import MailCore
import MailStore

/// METADATA entries (`MetadataStore`, RFC 5464): scopes, depth, limits, and what RENAME,
/// DELETE and deleting a user do to them.
extension MailStoreConformance {
    static let metadataCases: [ConformanceCase] = [
        ConformanceCase("metadata: set, read back, replace and remove; names are case-insensitive (RFC 5464 §3.2)") { store in
            let f = Fixture(store)
            let alice = try await f.addUser("alice")
            let inbox = MetadataTarget.mailbox(MailboxPath(owner: alice.id, name: "INBOX"))
            let me = Principal.user(alice.id)
            try await store.metadata.setMetadata([change("/private/Comment", "mine"), change("/shared/comment", "ours")],
                                                 on: inbox, limits: MetadataLimits(), as: me)
            try expectEqual(try await read(store, inbox, ["/PRIVATE/comment", "/shared/comment"], as: me),
                            ["/private/comment": "mine", "/shared/comment": "ours"], "both entries, lower-case names")
            try await store.metadata.setMetadata([change("/private/comment", "new"), change("/shared/comment", nil)],
                                                 on: inbox, limits: MetadataLimits(), as: me)
            try expectEqual(try await read(store, inbox, ["/private/comment", "/shared/comment"], as: me),
                            ["/private/comment": "new"], "replaced and removed")
            try await store.metadata.setMetadata([change("/shared/absent", nil)], on: inbox, limits: MetadataLimits(), as: me)
        },

        ConformanceCase("metadata: values are binary, empty values are values (RFC 5464 §3.2)") { store in
            let f = Fixture(store)
            let alice = try await f.addUser("alice")
            let target = MetadataTarget.mailbox(MailboxPath(owner: alice.id, name: "INBOX"))
            let binary: [UInt8] = [0, 13, 10, 255, 0, 1]
            let name = MetadataEntryName("/private/vendor/tern/blob")!
            try await store.metadata.setMetadata([MetadataChange(name: name, value: binary),
                                                  change("/private/empty", "")],
                                                 on: target, limits: MetadataLimits(), as: .user(alice.id))
            let entries = try await store.metadata.metadata(on: target, names: [name, MetadataEntryName("/private/empty")!],
                                                            depth: .zero, as: .user(alice.id))
            try expectEqual(entries, [MetadataEntry(name: MetadataEntryName("/private/empty")!, value: []),
                                      MetadataEntry(name: name, value: binary)], "bytes kept as they are, in name order")
        },

        ConformanceCase("metadata: DEPTH 0, 1 and infinity (RFC 5464 §4.2.2)") { store in
            let f = Fixture(store)
            let alice = try await f.addUser("alice")
            let target = MetadataTarget.mailbox(MailboxPath(owner: alice.id, name: "INBOX"))
            let me = Principal.user(alice.id)
            try await store.metadata.setMetadata(
                ["/private/a", "/private/a/b", "/private/a/b/c", "/private/ab", "/private/a/d"].map { change($0, $0) },
                on: target, limits: MetadataLimits(), as: me)
            let a = MetadataEntryName("/private/a")!
            for (depth, expected) in [(MetadataDepth.zero, ["/private/a"]),
                                      (.one, ["/private/a", "/private/a/b", "/private/a/d"]),
                                      (.infinity, ["/private/a", "/private/a/b", "/private/a/b/c", "/private/a/d"])] {
                let names = try await store.metadata.metadata(on: target, names: [a], depth: depth, as: me).map(\.name.name)
                try expectEqual(names, expected, "depth \(depth)")
            }
            let both = try await store.metadata.metadata(on: target, names: [a, MetadataEntryName("/private/a/b")!],
                                                         depth: .infinity, as: me)
            try expectEqual(both.count, 4, "an entry matched twice comes once")
        },

        ConformanceCase("metadata: private entries are per user, shared ones per mailbox; server entries") { store in
            let f = Fixture(store)
            let alice = try await f.addUser("alice")
            let bob = try await f.addUser("bob")
            let limits = MetadataLimits()
            try await store.metadata.setMetadata([change("/private/token", "a")], on: .server, limits: limits,
                                                 as: .user(alice.id))
            try await store.metadata.setMetadata([change("/private/token", "b")], on: .server, limits: limits,
                                                 as: .user(bob.id))
            try await expectError(.permissionDenied, "a user setting a shared server entry") {
                try await store.metadata.setMetadata([change("/shared/comment", "x")], on: .server, limits: limits,
                                                     as: .user(alice.id))
            }
            try await store.metadata.setMetadata([change("/shared/comment", "hello")], on: .server, limits: limits,
                                                 as: .administrator)
            try expectEqual(try await read(store, .server, ["/private/token", "/shared/comment"], as: .user(alice.id)),
                            ["/private/token": "a", "/shared/comment": "hello"], "alice's server entries")
            try expectEqual(try await read(store, .server, ["/private/token", "/shared/comment"], as: .user(bob.id)),
                            ["/private/token": "b", "/shared/comment": "hello"], "bob's server entries")
            try await expectError(.metadataRefused(.noPrivate), "the administrator has no private server entries") {
                try await store.metadata.setMetadata([change("/private/x", "x")], on: .server, limits: limits,
                                                     as: .administrator)
            }
            let alicesInbox = MetadataTarget.mailbox(MailboxPath(owner: alice.id, name: "INBOX"))
            try await expectError(.mailboxNotFound("INBOX"), "bob cannot reach alice's mailbox") {
                try await store.metadata.setMetadata([change("/shared/x", "x")], on: alicesInbox, limits: limits,
                                                     as: .user(bob.id))
            }
            try await expectError(.mailboxNotFound("INBOX"), "nor read it") {
                try await store.metadata.metadata(on: alicesInbox, names: [MetadataEntryName("/shared/x")!],
                                                  depth: .zero, as: .user(bob.id))
            }
            try await expectError(.mailboxNotFound("nope"), "a missing mailbox") {
                try await store.metadata.metadata(on: .mailbox(MailboxPath(owner: alice.id, name: "nope")),
                                                  names: [MetadataEntryName("/shared/x")!], depth: .zero,
                                                  as: .user(alice.id))
            }
            try await store.metadata.setMetadata([change("/private/note", "owner's")], on: alicesInbox, limits: limits,
                                                 as: .administrator)
            try expectEqual(try await read(store, alicesInbox, ["/private/note"], as: .user(alice.id)),
                            ["/private/note": "owner's"], "the administrator reaches the owner's private entries")
        },

        ConformanceCase("metadata: limits refuse the whole change (RFC 5464 §4.3)") { store in
            let f = Fixture(store)
            let alice = try await f.addUser("alice")
            let target = MetadataTarget.mailbox(MailboxPath(owner: alice.id, name: "INBOX"))
            let me = Principal.user(alice.id)
            let limits = MetadataLimits(maxValueSize: 8, maxEntries: 3, maxTotalSize: 60)
            try await expectError(.metadataRefused(.valueTooLarge(max: 8)), "a value over max_size") {
                try await store.metadata.setMetadata([change("/private/a", "1"), change("/private/b", "123456789")],
                                                     on: target, limits: limits, as: me)
            }
            try expectEqual(try await read(store, target, ["/private/a"], as: me), [:], "nothing was set")
            try await store.metadata.setMetadata([change("/private/a", "1"), change("/shared/b", "2"),
                                                  change("/private/c", "3")], on: target, limits: limits, as: me)
            try await expectError(.metadataRefused(.tooMany), "a fourth entry") {
                try await store.metadata.setMetadata([change("/private/a", "changed"), change("/private/d", "4")],
                                                     on: target, limits: limits, as: me)
            }
            try expectEqual(try await read(store, target, ["/private/a"], as: me), ["/private/a": "1"],
                            "the other change of the refused command was not made")
            try await store.metadata.setMetadata([change("/private/c", nil), change("/private/d", "4")],
                                                 on: target, limits: limits, as: me)
            // 32 octets so far; 48 more on another mailbox stay under its max_entries but pass 60 in all.
            _ = try await f.create("other", of: alice)
            let other = MetadataTarget.mailbox(MailboxPath(owner: alice.id, name: "other"))
            try await expectError(.metadataRefused(.totalTooLarge(max: 60)), "over the user's total") {
                try await store.metadata.setMetadata([change("/private/xxxxxxx", "12345678"),
                                                      change("/shared/yyyyyyyy", "12345678")],
                                                     on: other, limits: limits, as: me)
            }
            try await store.metadata.setMetadata([change("/private/x", "12345678")], on: other, limits: limits, as: me)
            let lowered = MetadataLimits(maxValueSize: 8, maxEntries: 1, maxTotalSize: 60)
            try await store.metadata.setMetadata([change("/private/a", "2")], on: target, limits: lowered, as: me)
            try expectEqual(try await read(store, target, ["/private/a"], as: me), ["/private/a": "2"],
                            "replacing a value is allowed over a lowered count")
        },

        ConformanceCase("metadata: follows RENAME, INBOX keeps a copy, DELETE drops (RFC 5464 §4.1)") { store in
            let f = Fixture(store)
            let alice = try await f.addUser("alice")
            let me = Principal.user(alice.id)
            let limits = MetadataLimits()
            func target(_ name: String) -> MetadataTarget { .mailbox(MailboxPath(owner: alice.id, name: name)) }
            _ = try await f.create("a/b", of: alice)
            try await store.metadata.setMetadata([change("/shared/comment", "a")], on: target("a"), limits: limits, as: me)
            try await store.metadata.setMetadata([change("/private/comment", "b")], on: target("a/b"), limits: limits, as: me)
            try await store.mailboxes.rename(MailboxPath(owner: alice.id, name: "a"), to: "x", as: me)
            try expectEqual(try await read(store, target("x"), ["/shared/comment"], as: me), ["/shared/comment": "a"],
                            "the renamed mailbox keeps its entries")
            try expectEqual(try await read(store, target("x/b"), ["/private/comment"], as: me),
                            ["/private/comment": "b"], "and its inferiors theirs")
            try await store.metadata.setMetadata([change("/private/comment", "inbox")], on: target("INBOX"),
                                                 limits: limits, as: me)
            try await store.mailboxes.rename(MailboxPath(owner: alice.id, name: "INBOX"), to: "old", as: me)
            try expectEqual(try await read(store, target("old"), ["/private/comment"], as: me),
                            ["/private/comment": "inbox"], "RENAME INBOX copies the entries")
            try expectEqual(try await read(store, target("INBOX"), ["/private/comment"], as: me),
                            ["/private/comment": "inbox"], "and INBOX keeps them")
            try await store.mailboxes.delete(MailboxPath(owner: alice.id, name: "x"), as: me)
            try expectEqual(try await read(store, target("x"), ["/shared/comment"], as: me), [:],
                            "a mailbox turned placeholder by DELETE has none")
            try await store.mailboxes.delete(MailboxPath(owner: alice.id, name: "x/b"), as: me)
            _ = try await f.create("x/b", of: alice)
            try expectEqual(try await read(store, target("x/b"), ["/private/comment"], as: me), [:],
                            "a mailbox created again under the name starts bare")
        },

        ConformanceCase("metadata: a deleted user's entries are gone, others' stay") { store in
            let f = Fixture(store)
            let alice = try await f.addUser("alice")
            let bob = try await f.addUser("bob")
            try await store.metadata.setMetadata([change("/private/token", "a")], on: .server,
                                                 limits: MetadataLimits(), as: .user(alice.id))
            try await store.metadata.setMetadata([change("/private/token", "b")], on: .server,
                                                 limits: MetadataLimits(), as: .user(bob.id))
            try await store.accounts.deleteUser(name: "alice")
            let again = try await f.addUser("alice")
            try expectEqual(try await read(store, .server, ["/private/token"], as: .user(again.id)), [:],
                            "a new account of the same name starts bare")
            try expectEqual(try await read(store, .server, ["/private/token"], as: .user(bob.id)),
                            ["/private/token": "b"], "bob's entry stays")
        },
    ]

    private static func change(_ name: String, _ value: String?) -> MetadataChange {
        MetadataChange(name: MetadataEntryName(name)!, value: value.map { Array($0.utf8) })
    }

    /// The entries found for `names` at depth 0, as name → UTF-8 text.
    private static func read(_ store: MailStorage, _ target: MetadataTarget, _ names: [String],
                             as principal: Principal) async throws -> [String: String] {
        let entries = try await store.metadata.metadata(on: target, names: names.map { MetadataEntryName($0)! },
                                                        depth: .zero, as: principal)
        return Dictionary(uniqueKeysWithValues: entries.map { ($0.name.name, String(decoding: $0.value, as: UTF8.self)) })
    }
}
