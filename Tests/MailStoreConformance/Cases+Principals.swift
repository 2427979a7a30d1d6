import MailCore
import MailStore

extension MailStoreConformance {
    static let principalCases: [ConformanceCase] = [
        ConformanceCase("principal: a user reaches only their own mailboxes; the administrator every one") { store in
            let f = Fixture(store)
            let alice = try await f.addUser("alice")
            let bob = try await f.addUser("bob")
            let inbox = try await f.mailbox("INBOX", of: alice)
            let uid = try await f.append(Fixture.sample(1), to: inbox)
            let asBob = Principal.user(bob.id)
            let asAlice = Principal.user(alice.id)
            let alicesInbox = MailboxPath(owner: alice.id, name: "INBOX")

            try expectEqual(try await store.mailboxes.list(of: alice.id, as: asBob), [], "LIST of another's mailboxes")
            try expectEqual(try await store.mailboxes.mailbox(at: alicesInbox, as: asBob), nil,
                            "another's mailbox looks missing")
            try expectEqual(try await store.mailboxes.mailbox(at: alicesInbox, as: asAlice)?.id, inbox.id,
                            "the owner finds it")
            try expectEqual(try await store.mailboxes.mailbox(at: alicesInbox, as: .administrator)?.owner, alice.id,
                            "the administrator finds it, with its owner")
            try await expectError(.permissionDenied, "CREATE among another's mailboxes") {
                try await store.mailboxes.create(MailboxPath(owner: alice.id, name: "Intruder"), specialUse: nil, as: asBob)
            }
            try await expectError(.mailboxNotFound("INBOX"), "DELETE of another's mailbox") {
                try await store.mailboxes.delete(MailboxPath(owner: alice.id, name: "INBOX"), as: asBob)
            }
            try await expectError(.mailboxNotFound("INBOX"), "RENAME of another's mailbox") {
                try await store.mailboxes.rename(alicesInbox, to: "Stolen", as: asBob)
            }
            try await expectError(.mailboxDeleted, "STATUS of another's mailbox") {
                try await store.mailboxes.status(of: inbox.id, as: asBob)
            }
            try await expectError(.mailboxDeleted, "SELECT of another's mailbox") {
                try await store.messages.open(inbox.id, claimRecent: true, as: asBob)
            }
            try await expectError(.mailboxDeleted, "FETCH from another's mailbox") {
                try await store.messages.records(in: inbox.id, uids: [uid], as: asBob)
            }
            try await expectError(.mailboxDeleted, "ghosts of another's mailbox") {
                try await store.messages.ghosts(in: inbox.id, uids: [uid], withStructure: true, as: asBob)
            }
            try await expectError(.mailboxDeleted, "STORE in another's mailbox") {
                try await store.messages.storeFlags(in: inbox.id, uids: [uid], operation: .add,
                                                    flags: MessageFlags([.deleted]), unchangedSince: nil, as: asBob)
            }
            try await expectError(.mailboxDeleted, "EXPUNGE in another's mailbox") {
                try await store.messages.expunge(in: inbox.id, uids: nil, as: asBob)
            }
            let bobsInbox = try await f.mailbox("INBOX", of: bob)
            try await expectError(.mailboxDeleted, "COPY out of another's mailbox") {
                try await store.messages.copy(from: inbox.id, uids: [uid], to: bobsInbox.id, as: asBob)
            }
            try await expectError(.mailboxDeleted, "APPEND to another's mailbox") {
                let staged = try await f.stage(Fixture.sample(2))
                return try await store.messages.append([NewMessage(blob: staged, flags: MessageFlags(), internalDate: nil)],
                                                       to: inbox.id, as: asBob)
            }
            try expectEqual(try await f.uids(in: inbox), [uid], "nothing changed in alice's INBOX")
            try expectEqual(try await store.mailboxes.list(of: alice.id, as: asAlice).map(\.name), ["INBOX"],
                            "nothing was created among alice's mailboxes")
        },

        ConformanceCase("append: one upload delivered to many mailboxes shares one blob, until each is expunged and purged") { store in
            let f = Fixture(store)
            let alice = try await f.addUser("alice")
            let bob = try await f.addUser("bob")
            let aliceInbox = try await f.mailbox("INBOX", of: alice)
            let bobInbox = try await f.mailbox("INBOX", of: bob)
            let lists = try await f.create("Lists", of: bob)
            let bytes = Array(Fixture.sample(42).utf8)
            let upload = try await f.upload(bytes, chunk: 10)
            let staged = try await upload.finish()
            var uids: [(MailboxRecord, UID)] = []
            for mailbox in [aliceInbox, bobInbox, lists] {
                let result = try await store.messages.append(
                    [NewMessage(blob: staged, flags: MessageFlags(), internalDate: nil)], to: mailbox.id,
                    as: .administrator)
                uids.append((mailbox, result.uids[0]))
            }
            upload.discard()
            var blobs = Set<BlobID>()
            for (mailbox, uid) in uids {
                let record = try await f.message(uid, in: mailbox)
                blobs.insert(record.blob)
                try expectEqual(try await f.contents(of: record.blob), bytes, "the delivered bytes in \(mailbox.name)")
                let structure = try await store.messages.records(in: mailbox.id, uids: [uid], withStructure: true,
                                                                 as: .administrator).first?.structure
                try expectEqual(structure, staged.structure, "the structure parsed once, for every copy")
            }
            try expectEqual(blobs, [staged.id], "every delivery references the one blob")
            for (index, (mailbox, uid)) in uids.enumerated() {
                try await f.setFlags(.add, [.deleted], uids: [uid], in: mailbox)
                _ = try await store.messages.expunge(in: mailbox.id, uids: [uid], as: .administrator)
                for (other, otherUID) in uids[(index + 1)...] {
                    let record = try await f.message(otherUID, in: other)
                    try expectEqual(try await f.contents(of: record.blob), bytes,
                                    "still readable in \(other.name) after the expunge in \(mailbox.name)")
                }
            }
            try expectEqual(try await f.contents(of: staged.id), bytes, "the ghosts keep the blob (RFC 2180 §4.1.1)")
            try await store.housekeeping.purgeGhosts(expungedBefore: Fixture.now() + 1)
            try await expectError(.blobMissing(staged.id), "the blob is gone with its last message and ghost") {
                try await store.blobs.openBlob(staged.id)
            }
        },

        ConformanceCase("move: within one mailbox the messages get new UIDs (RFC 6851 §3)") { store in
            let f = Fixture(store)
            let alice = try await f.addUser("alice")
            let inbox = try await f.mailbox("INBOX", of: alice)
            let uids = try await f.appendSamples(2, to: inbox, flags: [.flagged])
            let result = try await store.messages.move(from: inbox.id, uids: uids, to: inbox.id, as: .administrator)
            try expectEqual(result.sourceUIDs, uids, "COPYUID source UIDs")
            try expectEqual(result.destinationUIDs, [UID(3), UID(4)], "new UIDs")
            try expectEqual(try await f.uids(in: inbox), [UID(3), UID(4)], "only the moved messages remain")
            let records = try await store.messages.records(in: inbox.id, uids: result.destinationUIDs, as: .administrator)
            try expect(records.allSatisfy { $0.flags.sameFlags(as: MessageFlags([.flagged])) }, "flags kept")
            let changes = try await store.messages.changes(in: inbox.id, since: ModSeq(0), as: .administrator)
            try expectEqual(changes.vanished, uids, "the old UIDs are tombstones")
        },
    ]
}
