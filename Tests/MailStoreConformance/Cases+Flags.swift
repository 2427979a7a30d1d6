import MailCore
import MailStore

extension MailStoreConformance {
    static let flagCases: [ConformanceCase] = [
        ConformanceCase("store: replace, add and remove flags (RFC 9051 §6.4.6)") { store in
            let f = Fixture(store)
            let alice = try await f.addUser("alice")
            let inbox = try await f.mailbox("INBOX", of: alice)
            let uid = try await f.append(Fixture.sample(1), to: inbox, flags: [.seen])
            var result = try await f.setFlags(.add, [.flagged, .keyword("$Label1")], uids: [uid], in: inbox)
            try expectEqual(result.changedUIDs, [uid], "changed by +FLAGS")
            try expect(result.messages[0].flags.sameFlags(as: MessageFlags([.seen, .flagged, .keyword("$Label1")])),
                       "after +FLAGS: \(result.messages[0].flags)")
            result = try await f.setFlags(.remove, [.seen, .keyword("$Label1")], uids: [uid], in: inbox)
            try expect(result.messages[0].flags.sameFlags(as: MessageFlags([.flagged])),
                       "after -FLAGS: \(result.messages[0].flags)")
            result = try await f.setFlags(.replace, [.draft, .keyword("Work")], uids: [uid], in: inbox)
            try expect(result.messages[0].flags.sameFlags(as: MessageFlags([.draft, .keyword("Work")])),
                       "after FLAGS: \(result.messages[0].flags)")
            let stored = try await f.message(uid, in: inbox)
            try expect(stored.flags.sameFlags(as: MessageFlags([.draft, .keyword("Work")])), "stored flags")
            try expectEqual(stored.modSeq, result.messages[0].modSeq, "stored MODSEQ is the returned one")
            try expect(!stored.flags.contains(.recent), "\\Recent is never stored")
        },

        ConformanceCase("store: keywords compare case-insensitively") { store in
            let f = Fixture(store)
            let alice = try await f.addUser("alice")
            let inbox = try await f.mailbox("INBOX", of: alice)
            let uid = try await f.append(Fixture.sample(1), to: inbox)
            try await f.setFlags(.add, [.keyword("Work")], uids: [uid], in: inbox)
            let modSeq = try await f.highestModSeq(inbox)
            let same = try await f.setFlags(.add, [.keyword("WORK")], uids: [uid], in: inbox)
            try expectEqual(same.changedUIDs, [], "adding a keyword in another case changes nothing")
            try expectEqual(same.messages[0].flags.keywords, ["Work"], "the first spelling stays")
            try expectEqual(try await f.highestModSeq(inbox), modSeq, "no new MODSEQ for a no-op")
            let removed = try await f.setFlags(.remove, [.keyword("work")], uids: [uid], in: inbox)
            try expectEqual(removed.changedUIDs, [uid], "removing in another case")
            try expectEqual(removed.messages[0].flags.keywords, [], "keywords after removal")
            let snapshot = try await store.messages.open(inbox.id, claimRecent: false, as: .administrator)
            try expectEqual(snapshot.keywords.filter { $0.caseInsensitiveEquals("work") }.count, 1,
                            "FLAGS lists the keyword once: \(snapshot.keywords)")
        },

        ConformanceCase("store: UNCHANGEDSINCE leaves later-modified messages alone (RFC 7162 §3.1.3)") { store in
            let f = Fixture(store)
            let alice = try await f.addUser("alice")
            let inbox = try await f.mailbox("INBOX", of: alice)
            let uids = try await f.appendSamples(2, to: inbox)
            let base = try await f.highestModSeq(inbox)
            try await f.setFlags(.add, [.answered], uids: [uids[1]], in: inbox)
            let result = try await f.setFlags(.add, [.seen], uids: uids, in: inbox, unchangedSince: base)
            try expectEqual(result.modified, [uids[1]], "MODIFIED")
            try expectEqual(result.changedUIDs, [uids[0]], "changed")
            try expectEqual(result.messages.map(\.uid), uids, "every addressed message is returned")
            try expect(!result.messages[1].flags.contains(.seen), "the modified message was not changed")
            try expect(try await f.message(uids[0], in: inbox).flags.contains(.seen), "the other one was")
            let none = try await f.setFlags(.add, [.flagged], uids: uids, in: inbox, unchangedSince: ModSeq(0))
            try expectEqual(none.modified, uids, "UNCHANGEDSINCE 0 modifies nothing")
        },

        ConformanceCase("store: each change takes a new MODSEQ, a no-op takes none, missing UIDs skipped") { store in
            let f = Fixture(store)
            let alice = try await f.addUser("alice")
            let inbox = try await f.mailbox("INBOX", of: alice)
            let uids = try await f.appendSamples(3, to: inbox, flags: [.seen])
            let start = try await f.highestModSeq(inbox)
            let noop = try await f.setFlags(.add, [.seen], uids: uids, in: inbox)
            try expectEqual(noop.changedUIDs, [], "+FLAGS \\Seen on seen messages")
            try expectEqual(try await f.highestModSeq(inbox), start, "HIGHESTMODSEQ after a no-op")
            let result = try await f.setFlags(.add, [.flagged], uids: [uids[0], uids[2], UID(99)], in: inbox)
            try expectEqual(result.messages.map(\.uid), [uids[0], uids[2]], "messages returned")
            try expectEqual(result.changedUIDs, [uids[0], uids[2]], "changed")
            let after = try await f.highestModSeq(inbox)
            try expect(after > start, "HIGHESTMODSEQ grows")
            for state in result.messages {
                try expect(state.modSeq > start && state.modSeq <= after, "MODSEQ \(state.modSeq) of \(state.uid)")
            }
            try expectEqual(try await f.message(uids[1], in: inbox).modSeq <= start, true, "untouched MODSEQ")
        },

        ConformanceCase("expunge: only \\Deleted messages, all of them or those listed (RFC 4315 §2.1)") { store in
            let f = Fixture(store)
            let alice = try await f.addUser("alice")
            let inbox = try await f.mailbox("INBOX", of: alice)
            let uids = try await f.appendSamples(6, to: inbox)
            try await f.setFlags(.add, [.deleted], uids: [uids[0], uids[1], uids[2], uids[4]], in: inbox)
            let listed = try await store.messages.expunge(in: inbox.id, uids: [uids[1], uids[2], uids[3]], as: .administrator)
            try expectEqual(listed, [uids[1], uids[2]], "UID EXPUNGE of 2:4")
            try expectEqual(try await f.uids(in: inbox), [uids[0], uids[3], uids[4], uids[5]], "left after UID EXPUNGE")
            let rest = try await store.messages.expunge(in: inbox.id, uids: nil, as: .administrator)
            try expectEqual(rest, [uids[0], uids[4]], "EXPUNGE")
            try expectEqual(try await f.uids(in: inbox), [uids[3], uids[5]], "left after EXPUNGE")
            try expectEqual(try await store.messages.expunge(in: inbox.id, uids: nil, as: .administrator), [], "nothing left to expunge")
            try expectEqual(try await store.mailboxes.status(of: inbox.id, as: .administrator).messages, 2, "MESSAGES")
        },
    ]
}
