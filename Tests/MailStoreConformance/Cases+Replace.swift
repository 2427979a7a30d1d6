import MailCore
import MailStore

/// REPLACE's append-and-expunge in one step (`MessageReplacing`, RFC 8508 §3.4).
extension MailStoreConformance {
    static func replacement(_ store: MailStorage, _ f: Fixture, _ text: String) async throws -> NewMessage {
        NewMessage(blob: try await f.stage(text), flags: MessageFlags([.seen, .draft]), internalDate: nil)
    }

    static let replaceCases: [ConformanceCase] = [
        ConformanceCase("replace: the new message appended, the old one expunged with a tombstone, in one change") { store in
            let f = Fixture(store)
            let alice = try await f.addUser("alice")
            let drafts = try await f.create("Drafts", of: alice)
            let old = try await f.appendSamples(2, to: drafts)
            let before = try await f.highestModSeq(drafts)
            let result = try await store.replacing.replace(old[0], in: drafts.id,
                                                           with: try await replacement(store, f, sized(9, 500)),
                                                           to: drafts.id, as: .administrator)
            try expectEqual(result.uids.count, 1, "one new UID (APPENDUID)")
            try expectEqual(try await f.uids(in: drafts), [old[1], result.uids[0]], "old message gone, new one last")
            let new = try await f.message(result.uids[0], in: drafts)
            try expect(new.flags.system.contains(.draft) && new.flags.system.contains(.seen), "the flags given")
            let changes = try await store.messages.changes(in: drafts.id, since: before, as: .administrator)
            try expectEqual(changes.vanished, [old[0]], "the expunge leaves a tombstone (RFC 8508 §4.5)")
            try expectEqual(changes.changed.map(\.uid), [result.uids[0]], "the new message is a change")
            try expectEqual(try await store.messages.ghosts(in: drafts.id, uids: [old[0]], withStructure: false,
                                                           as: .administrator).map(\.uid), [old[0]],
                            "and a ghost for sessions not yet told (RFC 2180 §4.1.1)")
        },

        ConformanceCase("replace: into another mailbox; a message no longer there changes nothing") { store in
            let f = Fixture(store)
            let alice = try await f.addUser("alice")
            let drafts = try await f.create("Drafts", of: alice)
            let sent = try await f.create("Sent", of: alice)
            let old = try await f.appendSamples(1, to: drafts)
            let result = try await store.replacing.replace(old[0], in: drafts.id,
                                                           with: try await replacement(store, f, sized(8, 300)),
                                                           to: sent.id, as: .administrator)
            try expectEqual(try await f.uids(in: drafts), [], "the draft is gone")
            try expectEqual(try await f.uids(in: sent), result.uids, "the message is in Sent")
            do {
                _ = try await store.replacing.replace(old[0], in: drafts.id,
                                                      with: try await replacement(store, f, sized(7, 300)),
                                                      to: sent.id, as: .administrator)
                throw ConformanceFailure(message: "replacing an expunged message succeeded", location: "replace")
            } catch MailStoreError.messagesExpunged {
            }
            try expectEqual(try await f.uids(in: sent), result.uids, "nothing appended by the refused replace")
        },

        ConformanceCase("replace: quota counts the net change (RFC 8508 §3.4); a refused replace keeps the old message") { store in
            let f = Fixture(store)
            let alice = try await f.addUser("alice")
            let inbox = try await f.mailbox("INBOX", of: alice)
            let old = try await f.append(sized(1, 1000), to: inbox)
            try await f.append(sized(2, 1000), to: inbox)
            try await store.quotas.setQuotaLimits(QuotaLimits(storage: 2200, messages: 2), of: alice.id)
            let result = try await store.replacing.replace(old, in: inbox.id, with: try await replacement(store, f, sized(3, 1200)),
                                                           to: inbox.id, as: .administrator)
            try await expectUsage(store, alice, storage: 2200, messages: 2, mailboxes: 1, "net: exactly at the limit")
            try await expectOverQuota(.storage, "one octet past STORAGE, net") {
                try await store.replacing.replace(result.uids[0], in: inbox.id,
                                                  with: try await replacement(store, f, sized(4, 1201)),
                                                  to: inbox.id, as: .administrator)
            }
            try await expectUsage(store, alice, storage: 2200, messages: 2, mailboxes: 1, "unchanged after the refusal")
            try expect(try await f.uids(in: inbox).contains(result.uids[0]), "the message to replace is still there")
        },
    ]
}
