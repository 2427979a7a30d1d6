import MailCore
import MailStore

extension MailStoreConformance {
    static let accessControlCases: [ConformanceCase] = [
        ConformanceCase("acl: entries round-trip; SETACL needs `a`; an owner keeps `l` and `a` (RFC 4314 §2, §3)") { store in
            let f = Fixture(store)
            let alice = try await f.addUser("alice")
            let bob = try await f.addUser("bob")
            _ = try await f.create("Team", of: alice)
            let team = MailboxPath(owner: alice.id, name: "Team")
            let acl = store.accessControl
            try expectEqual(try await acl.accessControlList(of: team, as: .user(alice.id)), AccessControlList(),
                            "a new mailbox has an empty list")
            try expectEqual(try await acl.rights(on: team, as: .user(alice.id)), .all, "the owner holds every right")
            try await acl.setAccess(AccessEntry(identifier: .user("bob"), rights: [.lookup, .read]), on: team,
                                    as: .user(alice.id))
            try await acl.setAccess(AccessEntry(identifier: .anyone, negative: true, rights: [.read]), on: team,
                                    as: .administrator)
            let list = try await acl.accessControlList(of: team, as: .user(alice.id))
            try expectEqual(Set(list.entries), [AccessEntry(identifier: .user("bob"), rights: [.lookup, .read]),
                                                AccessEntry(identifier: .anyone, negative: true, rights: [.read])],
                            "both entries stored with their sign")
            try expectEqual(try await acl.rights(on: team, as: .user(bob.id)), [.lookup],
                            "a negative entry takes its rights away")
            try await expectError(.permissionDenied, "SETACL by a user without `a` who sees the mailbox") {
                try await acl.setAccess(AccessEntry(identifier: .user("bob"), rights: .all), on: team, as: .user(bob.id))
            }
            try await expectError(.permissionDenied, "GETACL without `a`") {
                try await acl.accessControlList(of: team, as: .user(bob.id))
            }
            try await acl.setAccess(AccessEntry(identifier: .user("alice"), rights: [.read]), on: team, as: .user(alice.id))
            try expectEqual(try await acl.rights(on: team, as: .user(alice.id)), [.lookup, .administer],
                            "an entry naming the owner limits them (and `-anyone r` applies to them too), down to the floor")
            try await acl.removeAccess(.user("alice"), negative: false, on: team, as: .user(alice.id))
            try await acl.removeAccess(.anyone, negative: true, on: team, as: .user(alice.id))
            try expectEqual(try await acl.rights(on: team, as: .user(bob.id)), [.lookup, .read], "DELETEACL removes")
            try await acl.setAccess(AccessEntry(identifier: .user("bob"), rights: []), on: team, as: .user(alice.id))
            try expectEqual(try await acl.accessControlList(of: team, as: .user(alice.id)).entries, [],
                            "SETACL with no rights removes the entry")
        },

        ConformanceCase("acl: without a revealing right a mailbox looks missing; with one, NOPERM (RFC 4314 §6)") { store in
            let f = Fixture(store)
            let alice = try await f.addUser("alice")
            let bob = try await f.addUser("bob")
            let carol = try await f.addUser("carol")
            let team = try await f.create("Team", of: alice)
            let uid = try await f.append(Fixture.sample(1), to: team)
            let path = team.path
            try await store.accessControl.setAccess(AccessEntry(identifier: .user("bob"), rights: [.lookup]), on: path,
                                                    as: .administrator)
            try expectEqual(try await store.mailboxes.mailbox(at: path, as: .user(carol.id)), nil, "carol: missing")
            try expectEqual(try await store.mailboxes.mailbox(at: path, as: .user(bob.id))?.id, team.id, "bob sees it")
            try expectEqual(try await store.mailboxes.list(of: alice.id, as: .user(bob.id)).map(\.name), ["Team"],
                            "LIST of alice's mailboxes shows bob what `l` lets him see")
            try await expectError(.mailboxDeleted, "carol: SELECT as if missing") {
                try await store.messages.open(team.id, claimRecent: false, as: .user(carol.id))
            }
            try await expectError(.permissionDenied, "bob: SELECT without `r`") {
                try await store.messages.open(team.id, claimRecent: false, as: .user(bob.id))
            }
            try await expectError(.mailboxNotFound("Team"), "carol: MYRIGHTS as if missing") {
                try await store.accessControl.rights(on: path, as: .user(carol.id))
            }
            try await expectError(.mailboxNotFound("Team"), "carol: DELETE as if missing") {
                try await store.mailboxes.delete(path, as: .user(carol.id))
            }
            try await expectError(.permissionDenied, "bob: DELETE without `x`") {
                try await store.mailboxes.delete(path, as: .user(bob.id))
            }
            try await expectError(.permissionDenied, "bob: FETCH without `r`") {
                try await store.messages.records(in: team.id, uids: [uid], as: .user(bob.id))
            }
        },

        ConformanceCase("acl: each right of RFC 4314 §4 allows its operation, and its absence refuses it") { store in
            let f = Fixture(store)
            let alice = try await f.addUser("alice")
            let bob = try await f.addUser("bob")
            let asBob = Principal.user(bob.id)
            let acl = store.accessControl
            func grant(_ rights: AccessRights, _ name: String) async throws {
                try await acl.setAccess(AccessEntry(identifier: .user("bob"), rights: rights),
                                        on: MailboxPath(owner: alice.id, name: name), as: .administrator)
            }
            let team = try await f.create("Team", of: alice)
            let uid = try await f.append(Fixture.sample(1), to: team)
            // r: SELECT, STATUS, FETCH
            try await grant([.lookup], "Team")
            try await expectError(.permissionDenied, "STATUS without `r`") { try await store.mailboxes.status(of: team.id, as: asBob) }
            try await grant([.lookup, .read], "Team")
            _ = try await store.messages.open(team.id, claimRecent: false, as: asBob)
            _ = try await store.mailboxes.status(of: team.id, as: asBob)
            try expectEqual(try await store.messages.records(in: team.id, uids: [uid], as: asBob).count, 1, "FETCH with `r`")
            // s, w, t: STORE per flag
            try await expectError(.permissionDenied, "STORE \\Seen without `s`") {
                try await store.messages.storeFlags(in: team.id, uids: [uid], operation: .add, flags: MessageFlags([.seen]),
                                                    unchangedSince: nil, as: asBob)
            }
            try await grant([.lookup, .read, .keepSeen], "Team")
            let stored = try await store.messages.storeFlags(in: team.id, uids: [uid], operation: .add,
                                                             flags: MessageFlags([.seen, .flagged, .deleted]),
                                                             unchangedSince: nil, as: asBob)
            try expectEqual(stored.messages.first?.flags, MessageFlags([.seen]),
                            "with `s` only, \\Seen is stored and the others left out")
            try await grant([.lookup, .read, .write, .deleteMessages], "Team")
            let replaced = try await store.messages.storeFlags(in: team.id, uids: [uid], operation: .replace,
                                                               flags: MessageFlags([.flagged, .deleted]),
                                                               unchangedSince: nil, as: asBob)
            try expectEqual(replaced.messages.first?.flags, MessageFlags([.flagged, .deleted, .seen]),
                            "FLAGS without `s` keeps \\Seen as it was")
            // e: EXPUNGE
            try await expectError(.permissionDenied, "EXPUNGE without `e`") {
                try await store.messages.expunge(in: team.id, uids: nil, as: asBob)
            }
            try await grant([.lookup, .read, .expunge], "Team")
            try expectEqual(try await store.messages.expunge(in: team.id, uids: nil, as: asBob), [uid], "EXPUNGE with `e`")
            // i: APPEND, COPY into; flags of the copy filtered by the destination's rights
            let bobsInbox = try await f.mailbox("INBOX", of: bob)
            let own = try await f.append(Fixture.sample(2), to: bobsInbox, flags: [.seen, .flagged])
            try await expectError(.permissionDenied, "COPY without `i`") {
                try await store.messages.copy(from: bobsInbox.id, uids: [own], to: team.id, as: asBob)
            }
            try await grant([.lookup, .read, .insert, .keepSeen], "Team")
            let before = (alice: try await store.quotas.quota(of: alice.id).usage, bob: try await store.quotas.quota(of: bob.id).usage)
            let copied = try await store.messages.copy(from: bobsInbox.id, uids: [own], to: team.id, as: asBob)
            try expectEqual(try await store.quotas.quota(of: alice.id).usage.messages, before.alice.messages + 1,
                            "a copy into alice's mailbox counts against alice's quota root")
            try expectEqual(try await store.quotas.quota(of: bob.id).usage, before.bob, "not against bob's")
            try expectEqual(try await f.message(copied.destinationUIDs[0], in: team).flags, MessageFlags([.seen]),
                            "COPY keeps only the flags the destination's rights allow")
            let staged = try await f.stage(Fixture.sample(3))
            let appended = try await store.messages.append(
                [NewMessage(blob: staged, flags: MessageFlags([.deleted, .seen]), internalDate: nil)], to: team.id, as: asBob)
            try expectEqual(try await f.message(appended.uids[0], in: team).flags, MessageFlags([.seen]),
                            "APPEND without `t` drops \\Deleted")
            // t e: MOVE out
            try await expectError(.permissionDenied, "MOVE out without `e`") {
                try await store.messages.move(from: team.id, uids: appended.uids, to: bobsInbox.id, as: asBob)
            }
            try await grant([.lookup, .read, .insert, .deleteMessages, .expunge], "Team")
            _ = try await store.messages.move(from: team.id, uids: appended.uids, to: bobsInbox.id, as: asBob)
            // k: CREATE below, RENAME to below; x: DELETE, RENAME from
            try await expectError(.permissionDenied, "CREATE below without `k`") {
                try await store.mailboxes.create(MailboxPath(owner: alice.id, name: "Team/Sub"), specialUse: nil, as: asBob)
            }
            try await grant([.lookup, .read, .createMailboxes], "Team")
            _ = try await store.mailboxes.create(MailboxPath(owner: alice.id, name: "Team/Sub"), specialUse: nil, as: asBob)
            try expectEqual(try await acl.rights(on: MailboxPath(owner: alice.id, name: "Team/Sub"), as: asBob),
                            [.lookup, .read, .createMailboxes], "a new mailbox inherits its parent's list")
            try await expectError(.permissionDenied, "DELETE without `x`") {
                try await store.mailboxes.delete(MailboxPath(owner: alice.id, name: "Team/Sub"), as: asBob)
            }
            try await grant([.lookup, .deleteMailbox], "Team/Sub")
            try await store.mailboxes.delete(MailboxPath(owner: alice.id, name: "Team/Sub"), as: asBob)
            try expectEqual(try await f.names(of: alice).contains("Team/Sub"), false, "DELETE with `x`")
            // a: GETACL / SETACL
            try await grant([.lookup, .administer], "Team")
            _ = try await acl.accessControlList(of: team.path, as: asBob)
        },

        ConformanceCase("acl: shared mailboxes are found by who may see them; a user's deletion removes their entries") { store in
            let f = Fixture(store)
            let alice = try await f.addUser("alice")
            let bob = try await f.addUser("bob")
            let carol = try await f.addUser("carol")
            _ = try await f.create("Team", of: alice)
            _ = try await f.create("Private", of: alice)
            let acl = store.accessControl
            try await acl.setAccess(AccessEntry(identifier: .user("bob"), rights: [.lookup, .read]),
                                    on: MailboxPath(owner: alice.id, name: "Team"), as: .administrator)
            try await acl.setAccess(AccessEntry(identifier: .authenticated, rights: [.lookup]),
                                    on: MailboxPath(owner: alice.id, name: "Private"), as: .administrator)
            try await acl.setAccess(AccessEntry(identifier: .user("bob"), negative: true, rights: [.lookup]),
                                    on: MailboxPath(owner: alice.id, name: "Private"), as: .administrator)
            let forBob = try await acl.sharedMailboxes(visibleTo: bob.id)
            try expectEqual(forBob.map(\.record.name), ["Team"], "bob sees Team, not Private (negative entry)")
            try expectEqual(forBob.first?.ownerName, "alice", "with its owner's name")
            try expectEqual(forBob.first?.rights, [.lookup, .read], "and his rights")
            try expectEqual(try await acl.sharedMailboxes(visibleTo: carol.id).map(\.record.name), ["Private"],
                            "carol sees what `authenticated` shows")
            try expectEqual(try await acl.sharedMailboxes(visibleTo: alice.id), [], "the owner's own are not shared with her")
            try await store.mailboxes.rename(MailboxPath(owner: alice.id, name: "Team"), to: "Crew", as: .administrator)
            try expectEqual(try await acl.sharedMailboxes(visibleTo: bob.id).map(\.record.name), ["Crew"],
                            "RENAME keeps the list")
            try await store.accounts.deleteUser(name: "bob")
            let left = try await acl.accessControlList(of: MailboxPath(owner: alice.id, name: "Crew"), as: .administrator)
            try expectEqual(left.entries, [], "a deleted user's entries are gone")
            try await store.mailboxes.delete(MailboxPath(owner: alice.id, name: "Private"), as: .administrator)
            _ = try await f.create("Private", of: alice)
            try expectEqual(try await acl.sharedMailboxes(visibleTo: carol.id), [],
                            "DELETE drops the list: a new mailbox of the name starts empty")
        },

        ConformanceCase("acl: public folders belong to a reserved owner that is no account") { store in
            let f = Fixture(store)
            let bob = try await f.addUser("bob")
            let acl = store.accessControl
            try expectEqual(try await acl.publicOwner(creating: false), nil, "no public owner before the first")
            guard let owner = try await acl.publicOwner(creating: true) else {
                throw ConformanceFailure(message: "no public owner made", location: "acl")
            }
            try expectEqual(try await acl.publicOwner(creating: true), owner, "one public owner")
            try expectEqual(try await store.accounts.users().map(\.name), ["bob"], "the public owner is not listed")
            let support = try await store.mailboxes.create(MailboxPath(owner: owner, name: "support"), specialUse: nil,
                                                           as: .administrator)
            try expectEqual(try await store.mailboxes.mailbox(at: support.path, as: .user(bob.id)), nil,
                            "a public folder is invisible until rights are granted")
            try await expectError(.permissionDenied, "users cannot create public folders at the top") {
                try await store.mailboxes.create(MailboxPath(owner: owner, name: "mine"), specialUse: nil, as: .user(bob.id))
            }
            try await acl.setAccess(AccessEntry(identifier: .anyone, rights: [.lookup, .read, .insert]), on: support.path,
                                    as: .administrator)
            let shared = try await acl.sharedMailboxes(visibleTo: bob.id)
            try expectEqual(shared.map(\.record.name), ["support"], "bob finds it")
            try expectEqual(shared.first?.ownerName, nil, "owned by no user")
            _ = try await f.append(Fixture.sample(1), to: support)
            try expectEqual(try await store.quotas.quota(of: owner).usage.messages, 1,
                            "its messages count against the public owner's quota root")
        },
    ]
}
