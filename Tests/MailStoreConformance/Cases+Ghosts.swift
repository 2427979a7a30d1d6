import Foundation
import MailCore
import MailStore

/// Ghosts: what an expunge leaves for the sessions not yet told of it (RFC 2180 §4.1.1), and
/// how they go (`Housekeeping.purgeGhosts`).
extension MailStoreConformance {
    static let ghostCases: [ConformanceCase] = [
        ConformanceCase("ghosts: an expunged message stays readable as it was, bytes and structure (RFC 2180 §4.1.1)") { store in
            let f = Fixture(store)
            let alice = try await f.addUser("alice")
            let inbox = try await f.mailbox("INBOX", of: alice)
            let date = ZonedDateTime(date: CalendarDate(year: 2003, month: 4, day: 5), hour: 6, minute: 7,
                                    second: 8, zoneMinutes: -300)
            let uids = [
                try await f.append(Fixture.sample(1), to: inbox),
                try await f.append(Fixture.sample(2), to: inbox, flags: [.seen, .keyword("Blue")], date: date),
                try await f.append(Fixture.sample(3), to: inbox),
            ]
            try await f.setFlags(.add, [.deleted], uids: [uids[1]], in: inbox)
            let before = try await store.messages.records(in: inbox.id, uids: [uids[1]], withStructure: true,
                                                          as: .administrator)
            try expectEqual(try await store.messages.ghosts(in: inbox.id, uids: uids, withStructure: true,
                                                            as: .administrator), [], "no ghosts of live messages")
            let highest = try await f.highestModSeq(inbox)
            try expectEqual(try await store.messages.expunge(in: inbox.id, uids: nil, as: .administrator), [uids[1]],
                            "expunged")
            try expectEqual(try await f.uids(in: inbox), [uids[0], uids[2]], "the message left the mailbox")
            try expectEqual(try await store.messages.records(in: inbox.id, uids: uids, as: .administrator).map(\.uid),
                            [uids[0], uids[2]], "records of live messages only")
            try expectEqual(try await store.messages.states(in: inbox.id, uids: uids, as: .administrator).map(\.uid),
                            [uids[0], uids[2]], "states of live messages only")
            let changes = try await store.messages.changes(in: inbox.id, since: highest, as: .administrator)
            try expectEqual(changes.vanished, [uids[1]], "the tombstone is there too")
            try expectEqual(try await store.mailboxes.status(of: inbox.id, as: .administrator).messages, 2,
                            "a ghost is not counted")

            let ghosts = try await store.messages.ghosts(in: inbox.id, uids: [UID(99)] + uids, withStructure: true,
                                                         as: .administrator)
            try expectEqual(ghosts, before, "the ghost is the record as it was, structure included")
            try expect(ghosts.first?.structure != nil, "the structure is kept with the ghost")
            try expect(ghosts.first?.flags.contains(.deleted) == true, "flags as they were at the expunge")
            let plain = try await store.messages.ghosts(in: inbox.id, uids: [uids[1]], withStructure: false,
                                                        as: .administrator)
            try expectEqual(plain.first?.structure, nil, "no structure unless asked")
            guard let ghost = ghosts.first else { return }
            try expectEqual(try await f.contents(of: ghost.blob), Array(Fixture.sample(2).utf8), "the ghost's bytes")
        },

        ConformanceCase("ghosts: purged once expunged before the cutoff; then the blob goes with them") { store in
            let f = Fixture(store)
            let alice = try await f.addUser("alice")
            let inbox = try await f.mailbox("INBOX", of: alice)
            let uid = try await f.append(Fixture.sample(1), to: inbox, flags: [.deleted])
            let blob = try await f.message(uid, in: inbox).blob
            let highest = try await f.highestModSeq(inbox)
            let start = Fixture.now()
            _ = try await store.messages.expunge(in: inbox.id, uids: nil, as: .administrator)
            try expectEqual(try await store.housekeeping.purgeGhosts(expungedBefore: start), 0,
                            "a ghost expunged after the cutoff stays")
            try expectEqual(try await store.messages.ghosts(in: inbox.id, uids: [uid], withStructure: false,
                                                            as: .administrator).map(\.uid), [uid], "still there")
            try expectEqual(try await f.contents(of: blob), Array(Fixture.sample(1).utf8), "still readable")
            try expectEqual(try await store.housekeeping.purgeGhosts(expungedBefore: Fixture.now() + 1), 1,
                            "purged once expunged before the cutoff")
            try expectEqual(try await store.messages.ghosts(in: inbox.id, uids: [uid], withStructure: true,
                                                            as: .administrator), [], "the ghost is gone")
            try await expectError(.blobMissing(blob), "the blob went with its last reference") {
                try await store.blobs.openBlob(blob)
            }
            let changes = try await store.messages.changes(in: inbox.id, since: highest, as: .administrator)
            try expectEqual(changes.vanished, [uid], "the tombstone outlives the ghost (RFC 7162 §3.2.5.2)")
            try expectEqual(try await store.housekeeping.purgeGhosts(expungedBefore: Fixture.now() + 1), 0,
                            "a second purge finds nothing")
        },

        ConformanceCase("ghosts: a blob a ghost holds serves a re-append of the same content, and outlives the ghost") { store in
            let f = Fixture(store)
            let alice = try await f.addUser("alice")
            let inbox = try await f.mailbox("INBOX", of: alice)
            let first = try await f.append(Fixture.sample(1), to: inbox, flags: [.deleted])
            _ = try await store.messages.expunge(in: inbox.id, uids: nil, as: .administrator)
            let again = try await f.append(Fixture.sample(1), to: inbox)
            let record = try await f.message(again, in: inbox)
            let ghost = try await store.messages.ghosts(in: inbox.id, uids: [first], withStructure: false,
                                                        as: .administrator)
            try expectEqual(ghost.map(\.blob), [record.blob], "the new message and the ghost share the blob")
            try await store.housekeeping.purgeGhosts(expungedBefore: Fixture.now() + 1)
            try expectEqual(try await f.contents(of: record.blob), Array(Fixture.sample(1).utf8),
                            "the live message keeps the blob after the purge")
            try await f.setFlags(.add, [.deleted], uids: [again], in: inbox)
            _ = try await store.messages.expunge(in: inbox.id, uids: nil, as: .administrator)
            try await store.housekeeping.purgeGhosts(expungedBefore: Fixture.now() + 1)
            let third = try await f.append(Fixture.sample(1), to: inbox)
            try expectEqual(try await f.contents(of: try await f.message(third, in: inbox).blob),
                            Array(Fixture.sample(1).utf8), "appended again after everything was purged")
        },

        ConformanceCase("ghosts: MOVE leaves one in the source; the moved message keeps the blob after the purge") { store in
            let f = Fixture(store)
            let alice = try await f.addUser("alice")
            let inbox = try await f.mailbox("INBOX", of: alice)
            let archive = try await f.create("Archive", of: alice)
            let uids = try await f.appendSamples(2, to: inbox, flags: [.flagged])
            let original = try await f.message(uids[1], in: inbox)
            let result = try await store.messages.move(from: inbox.id, uids: [uids[1]], to: archive.id, as: .administrator)
            let ghosts = try await store.messages.ghosts(in: inbox.id, uids: uids, withStructure: false,
                                                         as: .administrator)
            try expectEqual(ghosts, [original], "the source keeps a ghost of the moved message")
            try expectEqual(try await store.messages.ghosts(in: archive.id, uids: result.destinationUIDs,
                                                            withStructure: false, as: .administrator), [],
                            "no ghost in the destination")
            try await store.housekeeping.purgeGhosts(expungedBefore: Fixture.now() + 1)
            let moved = try await f.message(result.destinationUIDs[0], in: archive)
            try expectEqual(try await f.contents(of: moved.blob), Array(Fixture.sample(1).utf8),
                            "the moved message is readable after the ghost's purge")
        },

        ConformanceCase("ghosts: RENAME INBOX leaves them in INBOX for the messages that moved") { store in
            let f = Fixture(store)
            let alice = try await f.addUser("alice")
            let inbox = try await f.mailbox("INBOX", of: alice)
            let uids = try await f.appendSamples(2, to: inbox)
            let records = try await store.messages.records(in: inbox.id, uids: uids, as: .administrator)
            try await store.mailboxes.rename(MailboxPath(owner: alice.id, name: "INBOX"), to: "Old", as: .administrator)
            try expectEqual(try await store.messages.ghosts(in: inbox.id, uids: uids, withStructure: false,
                                                            as: .administrator), records, "INBOX's ghosts")
            let old = try await f.mailbox("Old", of: alice)
            try expectEqual(try await f.uids(in: old), uids, "the messages moved")
            try expectEqual(try await store.messages.ghosts(in: old.id, uids: uids, withStructure: false,
                                                            as: .administrator), [], "no ghosts in the new mailbox")
        },

        ConformanceCase("ghosts: STORE leaves them alone; COPY does not copy them") { store in
            let f = Fixture(store)
            let alice = try await f.addUser("alice")
            let inbox = try await f.mailbox("INBOX", of: alice)
            let archive = try await f.create("Archive", of: alice)
            let uids = try await f.appendSamples(2, to: inbox)
            try await f.setFlags(.add, [.deleted], uids: [uids[0]], in: inbox)
            _ = try await store.messages.expunge(in: inbox.id, uids: nil, as: .administrator)
            let ghost = try await store.messages.ghosts(in: inbox.id, uids: [uids[0]], withStructure: false,
                                                        as: .administrator)
            let highest = try await f.highestModSeq(inbox)
            let result = try await f.setFlags(.add, [.seen], uids: [uids[0]], in: inbox)
            try expectEqual(result.messages, [], "a ghost is not stored to")
            try expectEqual(result.changedUIDs, [], "nor reported as changed")
            try expectEqual(try await f.highestModSeq(inbox), highest, "no new MODSEQ")
            try expectEqual(try await store.messages.ghosts(in: inbox.id, uids: [uids[0]], withStructure: false,
                                                            as: .administrator), ghost, "the ghost is as it was")
            try await expectError(.messagesExpunged, "COPY by number naming a ghost (RFC 2180 §4.4.1)") {
                try await store.messages.copy(from: inbox.id, uids: uids, to: archive.id, requireAll: true,
                                              as: .administrator)
            }
            let copied = try await store.messages.copy(from: inbox.id, uids: uids, to: archive.id, as: .administrator)
            try expectEqual(copied.sourceUIDs, [uids[1]], "UID COPY skips the ghost")
        },

        ConformanceCase("ghosts: deleting their mailbox, or their owner, removes them and their blobs") { store in
            let f = Fixture(store)
            let alice = try await f.addUser("alice")
            let bob = try await f.addUser("bob")
            let other = try await f.create("Other", of: alice)
            let uid = try await f.append(Fixture.sample(1), to: other, flags: [.deleted])
            let blob = try await f.message(uid, in: other).blob
            _ = try await store.messages.expunge(in: other.id, uids: nil, as: .administrator)
            try await store.mailboxes.delete(MailboxPath(owner: alice.id, name: "Other"), as: .administrator)
            try await expectError(.blobMissing(blob), "the blob went with the mailbox's ghost") {
                try await store.blobs.openBlob(blob)
            }

            let bobsInbox = try await f.mailbox("INBOX", of: bob)
            let bobs = try await f.append(Fixture.sample(2), to: bobsInbox, flags: [.deleted])
            let bobsBlob = try await f.message(bobs, in: bobsInbox).blob
            _ = try await store.messages.expunge(in: bobsInbox.id, uids: nil, as: .administrator)
            let alicesInbox = try await f.mailbox("INBOX", of: alice)
            let shared = try await f.append(Fixture.sample(3), to: alicesInbox)
            let sharedBlob = try await f.message(shared, in: alicesInbox).blob
            _ = try await store.messages.copy(from: alicesInbox.id, uids: [shared], to: bobsInbox.id, as: .administrator)
            try await f.setFlags(.add, [.deleted], uids: [UID(2)], in: bobsInbox)
            _ = try await store.messages.expunge(in: bobsInbox.id, uids: nil, as: .administrator)
            try await store.accounts.deleteUser(name: "bob")
            try await expectError(.blobMissing(bobsBlob), "the blob went with its owner's ghost") {
                try await store.blobs.openBlob(bobsBlob)
            }
            try expectEqual(try await f.contents(of: sharedBlob), Array(Fixture.sample(3).utf8),
                            "a blob another account's message references stays")
            try expectEqual(try await store.housekeeping.purgeGhosts(expungedBefore: Fixture.now() + 1), 0,
                            "nothing left to purge")
        },
    ]
}

extension Fixture {
    /// Seconds since 1970, now: the clock ghosts are dated by.
    static func now() -> Int64 { Int64(Date().timeIntervalSince1970.rounded(.down)) }
}
