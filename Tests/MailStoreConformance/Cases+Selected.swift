import MailCore
import MailStore

extension MailStoreConformance {
    static let selectedCases: [ConformanceCase] = [
        ConformanceCase("open: only the first read-write open claims \\Recent (RFC 3501 §2.3.2)") { store in
            let f = Fixture(store)
            let alice = try await f.addUser("alice")
            let inbox = try await f.mailbox("INBOX", of: alice)
            let uids = try await f.appendSamples(2, to: inbox)
            let examined = try await store.messages.open(inbox.id, claimRecent: false, as: .administrator)
            try expectEqual(examined.recentUIDs, uids, "EXAMINE shows unclaimed messages as recent")
            let first = try await store.messages.open(inbox.id, claimRecent: true, as: .administrator)
            try expectEqual(first.recentUIDs, uids, "the first SELECT gets the recent messages")
            let second = try await store.messages.open(inbox.id, claimRecent: true, as: .administrator)
            try expectEqual(second.recentUIDs, [], "a second SELECT gets none")
            try expectEqual(try await store.messages.open(inbox.id, claimRecent: false, as: .administrator).recentUIDs, [], "nor does EXAMINE")
            let third = try await f.append(Fixture.sample(3), to: inbox)
            try expectEqual(try await store.mailboxes.status(of: inbox.id, as: .administrator).recent, 1, "RECENT counts the new message")
            try expectEqual(try await store.messages.open(inbox.id, claimRecent: true, as: .administrator).recentUIDs, [third],
                            "the next SELECT gets only the new message")
            try expectEqual(try await store.mailboxes.status(of: inbox.id, as: .administrator).recent, 0, "RECENT after claiming")
        },

        ConformanceCase("claimRecent: only up to the last UID the claimer reports; later ones stay unclaimed") { store in
            let f = Fixture(store)
            let alice = try await f.addUser("alice")
            let inbox = try await f.mailbox("INBOX", of: alice)
            let uids = try await f.appendSamples(3, to: inbox)
            try expectEqual(try await store.messages.claimRecent(in: inbox.id, through: uids[1], as: .administrator),
                            Array(uids[0...1]), "claimed up to the bound")
            try expectEqual(try await store.messages.changes(in: inbox.id, since: ModSeq(0), as: .administrator)
                                .recentUnclaimed, true, "the one above the bound is still unclaimed")
            try expectEqual(try await store.mailboxes.status(of: inbox.id, as: .administrator).recent, 1,
                            "RECENT counts the unclaimed one")
            try expectEqual(try await store.messages.claimRecent(in: inbox.id, through: uids[0], as: .administrator),
                            [], "a bound below the floor claims nothing")
            try expectEqual(try await store.messages.claimRecent(in: inbox.id, through: UID(.max), as: .administrator),
                            [uids[2]], "the rest, by the next claimer")
        },

        ConformanceCase("claimRecent: new messages are recent for exactly one claimer (RFC 3501 §2.3.2)") { store in
            let f = Fixture(store)
            let alice = try await f.addUser("alice")
            let inbox = try await f.mailbox("INBOX", of: alice)
            _ = try await f.appendSamples(2, to: inbox)
            _ = try await store.messages.open(inbox.id, claimRecent: true, as: .administrator)
            try expectEqual(try await store.messages.claimRecent(in: inbox.id, through: UID(.max), as: .administrator), [], "nothing new to claim")
            try expectEqual(try await store.messages.changes(in: inbox.id, since: ModSeq(0), as: .administrator).recentUnclaimed, false,
                            "changes: nothing left to claim")
            let added = try await f.appendSamples(2, to: inbox)
            let expunged = try await f.append(Fixture.sample(7), to: inbox, flags: [.deleted])
            _ = try await store.messages.expunge(in: inbox.id, uids: [expunged], as: .administrator)
            try expectEqual(try await store.messages.changes(in: inbox.id, since: ModSeq(0), as: .administrator).recentUnclaimed, true,
                            "changes: new messages to claim")
            try expectEqual(try await store.messages.claimRecent(in: inbox.id, through: UID(.max), as: .administrator), added, "the first claimer gets the new ones")
            try expectEqual(try await store.messages.changes(in: inbox.id, since: ModSeq(0), as: .administrator).recentUnclaimed, false,
                            "changes: claimed")
            try expectEqual(try await store.messages.claimRecent(in: inbox.id, through: UID(.max), as: .administrator), [], "a second claimer gets none")
            try expectEqual(try await store.mailboxes.status(of: inbox.id, as: .administrator).recent, 0, "RECENT after claiming")
            try expectEqual(try await store.messages.open(inbox.id, claimRecent: true, as: .administrator).recentUIDs, [], "nor does a later SELECT")
        },

        ConformanceCase("open: the snapshot lists every message with flags, MODSEQ and keywords") { store in
            let f = Fixture(store)
            let alice = try await f.addUser("alice")
            let inbox = try await f.mailbox("INBOX", of: alice)
            try await f.append(Fixture.sample(1), to: inbox, flags: [.seen, .keyword("Alpha")])
            try await f.append(Fixture.sample(2), to: inbox, flags: [.keyword("Beta")])
            try await f.append(Fixture.sample(3), to: inbox, flags: [.deleted])
            let snapshot = try await store.messages.open(inbox.id, claimRecent: true, as: .administrator)
            try expectEqual(snapshot.mailbox, inbox, "mailbox record")
            let records = try await store.messages.records(in: inbox.id, uids: snapshot.messages.map(\.uid), as: .administrator)
            try expectEqual(snapshot.messages.map(\.uid), (1...3).map { UID($0) }, "UIDs in order")
            try expectEqual(snapshot.messages, records.map { MessageState(uid: $0.uid, flags: $0.flags, modSeq: $0.modSeq) },
                            "states agree with the records")
            try expectEqual(snapshot.uidNext, UID(4), "UIDNEXT")
            try expectEqual(snapshot.highestModSeq, records.map(\.modSeq).max() ?? ModSeq(0), "HIGHESTMODSEQ")
            try expectEqual(Set(snapshot.keywords), ["Alpha", "Beta"], "keywords for FLAGS")
        },

        ConformanceCase("changes(since:): changed messages, vanished UIDs, HIGHESTMODSEQ (RFC 7162 §3.2.5.2)") { store in
            let f = Fixture(store)
            let alice = try await f.addUser("alice")
            let inbox = try await f.mailbox("INBOX", of: alice)
            let uids = try await f.appendSamples(4, to: inbox)
            let snapshot = try await store.messages.open(inbox.id, claimRecent: true, as: .administrator)
            let quiet = try await store.messages.changes(in: inbox.id, since: snapshot.highestModSeq, as: .administrator)
            try expect(quiet.changed.isEmpty && quiet.vanished.isEmpty, "no changes yet")
            try expectEqual(quiet.highestModSeq, snapshot.highestModSeq, "HIGHESTMODSEQ unchanged")
            try await f.setFlags(.add, [.seen], uids: [uids[0]], in: inbox)
            try await f.setFlags(.add, [.deleted], uids: [uids[1], uids[2]], in: inbox)
            _ = try await store.messages.expunge(in: inbox.id, uids: [uids[2]], as: .administrator)
            let added = try await f.append(Fixture.sample(9), to: inbox)
            let changes = try await store.messages.changes(in: inbox.id, since: snapshot.highestModSeq, as: .administrator)
            try expectEqual(changes.changed.map(\.uid), [uids[0], uids[1], added], "changed, in UID order")
            try expect(changes.changed[0].flags.contains(.seen), "the change is reported")
            try expectEqual(changes.vanished, [uids[2]], "vanished")
            try expectEqual(changes.uidNext, UID(6), "UIDNEXT")
            let status = try await store.mailboxes.status(of: inbox.id, as: .administrator)
            try expectEqual(changes.highestModSeq, status.highestModSeq, "HIGHESTMODSEQ")
            try expect(changes.changed.allSatisfy { $0.modSeq > snapshot.highestModSeq }, "MODSEQs above the base")
            let none = try await store.messages.changes(in: inbox.id, since: changes.highestModSeq, as: .administrator)
            try expect(none.changed.isEmpty && none.vanished.isEmpty, "nothing after the newest MODSEQ")
            let everything = try await store.messages.changes(in: inbox.id, since: ModSeq(0), as: .administrator)
            try expectEqual(everything.changed.map(\.uid), [uids[0], uids[1], uids[3], added], "since 0")
        },

        ConformanceCase("changes(since:): keywords only when the set grew") { store in
            let f = Fixture(store)
            let alice = try await f.addUser("alice")
            let inbox = try await f.mailbox("INBOX", of: alice)
            let uid = try await f.append(Fixture.sample(1), to: inbox, flags: [.keyword("Old")])
            let base = try await f.highestModSeq(inbox)
            try await f.setFlags(.add, [.seen], uids: [uid], in: inbox)
            try expectEqual(try await store.messages.changes(in: inbox.id, since: base, as: .administrator).keywords, [], "no new keyword")
            try await f.setFlags(.add, [.keyword("New")], uids: [uid], in: inbox)
            let grown = try await store.messages.changes(in: inbox.id, since: base, as: .administrator).keywords
            try expectEqual(Set(grown), ["Old", "New"], "all keywords once the set grew")
        },

        ConformanceCase("MODSEQ strictly increases with every change of a mailbox") { store in
            let f = Fixture(store)
            let alice = try await f.addUser("alice")
            let inbox = try await f.mailbox("INBOX", of: alice)
            let other = try await f.create("Other", of: alice)
            var inboxSeq = try await f.highestModSeq(inbox)
            var otherSeq = try await f.highestModSeq(other)
            func grew(_ mailbox: MailboxRecord, _ last: inout ModSeq, _ what: String) async throws {
                let now = try await f.highestModSeq(mailbox)
                try expect(now > last, "HIGHESTMODSEQ of \(mailbox.name) after \(what): \(now), before \(last)")
                last = now
            }
            let uids = try await f.appendSamples(3, to: inbox)
            try await grew(inbox, &inboxSeq, "APPEND")
            try await f.setFlags(.add, [.deleted], uids: [uids[0]], in: inbox)
            try await grew(inbox, &inboxSeq, "STORE")
            _ = try await store.messages.expunge(in: inbox.id, uids: nil, as: .administrator)
            try await grew(inbox, &inboxSeq, "EXPUNGE")
            _ = try await store.messages.copy(from: inbox.id, uids: [uids[1]], to: other.id, as: .administrator)
            try await grew(other, &otherSeq, "COPY")
            _ = try await store.messages.move(from: inbox.id, uids: [uids[2]], to: other.id, as: .administrator)
            try await grew(inbox, &inboxSeq, "MOVE (source)")
            try await grew(other, &otherSeq, "MOVE (destination)")
            let states = try await store.messages.open(other.id, claimRecent: false, as: .administrator).messages
            try expect(states[1].modSeq > states[0].modSeq, "later copies get later MODSEQs")
        },

        ConformanceCase("notifications: posted after each committed change") { store in
            let f = Fixture(store)
            let alice = try await f.addUser("alice")
            let inbox = try await f.mailbox("INBOX", of: alice)
            let other = try await f.create("Other", of: alice)
            let recorder = NotificationRecorder(store.notifications, watching: [inbox.id, other.id])
            defer { recorder.cancel() }
            let uid = try await f.append(Fixture.sample(1), to: inbox)
            try expectEqual(recorder.take(), [inbox.id], "after APPEND")
            try await f.setFlags(.add, [.flagged], uids: [uid], in: inbox)
            try expectEqual(recorder.take(), [inbox.id], "after STORE")
            try await f.setFlags(.add, [.flagged], uids: [uid], in: inbox)
            try expectEqual(recorder.take(), [], "after a STORE that changed nothing")
            _ = try await store.messages.copy(from: inbox.id, uids: [uid], to: other.id, as: .administrator)
            try expect(recorder.take().contains(other.id), "after COPY the destination is announced")
            _ = try await store.messages.move(from: inbox.id, uids: [uid], to: other.id, as: .administrator)
            try expectEqual(Set(recorder.take()), [inbox.id, other.id], "after MOVE")
            try await f.setFlags(.add, [.deleted], uids: [UID(1)], in: other)
            _ = recorder.take()
            _ = try await store.messages.expunge(in: other.id, uids: nil, as: .administrator)
            try expectEqual(recorder.take(), [other.id], "after EXPUNGE")
            try await store.mailboxes.delete(MailboxPath(owner: alice.id, name: "Other"), as: .administrator)
            try expectEqual(recorder.take(), [other.id], "after DELETE")
        },
    ]
}
