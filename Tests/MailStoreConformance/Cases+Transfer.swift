import MailCore
import MailStore

extension MailStoreConformance {
    static let transferCases: [ConformanceCase] = [
        ConformanceCase("copy: shared content, flags and INTERNALDATE kept, COPYUID pairs (RFC 4315 §3)") { store in
            let f = Fixture(store)
            let alice = try await f.addUser("alice")
            let inbox = try await f.mailbox("INBOX", of: alice)
            let archive = try await f.create("Archive", of: alice)
            try await f.append(Fixture.sample(100), to: archive)
            let date = ZonedDateTime(date: CalendarDate(year: 2001, month: 2, day: 3), hour: 4, minute: 5,
                                    second: 6, zoneMinutes: 330)
            let uids = [
                try await f.append(Fixture.sample(1), to: inbox, flags: [.seen, .keyword("Blue")], date: date),
                try await f.append(Fixture.sample(2), to: inbox, flags: [.flagged], date: date),
                try await f.append(Fixture.sample(3), to: inbox, flags: [.answered], date: date),
            ]
            let result = try await store.messages.copy(from: inbox.id, uids: [uids[2], UID(99), uids[0]], to: archive.id, as: .administrator)
            try expectEqual(result.uidValidity, archive.uidValidity, "COPYUID UIDVALIDITY")
            try expectEqual(result.sourceUIDs, [uids[0], uids[2]], "COPYUID source UIDs, in UID order")
            try expectEqual(result.destinationUIDs, [UID(2), UID(3)], "COPYUID destination UIDs")
            for (source, destination) in zip(result.sourceUIDs, result.destinationUIDs) {
                let original = try await f.message(source, in: inbox)
                let copy = try await f.message(destination, in: archive)
                try expect(copy.flags.sameFlags(as: original.flags), "flags of the copy of \(source)")
                try expectEqual(copy.internalDate, original.internalDate, "INTERNALDATE of the copy")
                try expectEqual(copy.size, original.size, "size of the copy")
                try expectEqual(copy.headerSize, original.headerSize, "header size of the copy")
                try expectEqual(copy.blob, original.blob, "the copy shares the blob")
                try expectEqual(try await f.contents(of: copy.blob), try await f.contents(of: original.blob),
                                "content of the copy")
            }
            try expectEqual(try await f.uids(in: inbox), uids, "the source is untouched")
            let keywords = try await store.messages.open(archive.id, claimRecent: false, as: .administrator).keywords
            try expect(keywords.contains("Blue"), "copied keywords are known in the destination: \(keywords)")
            let empty = try await store.messages.copy(from: inbox.id, uids: [UID(50)], to: archive.id, as: .administrator)
            try expectEqual(empty.sourceUIDs, [], "COPY of missing UIDs copies nothing")
        },

        ConformanceCase("copy with requireAll: a missing UID copies nothing (RFC 2180 §4.4.1)") { store in
            let f = Fixture(store)
            let alice = try await f.addUser("alice")
            let inbox = try await f.mailbox("INBOX", of: alice)
            let archive = try await f.create("Archive", of: alice)
            let uids = try await f.appendSamples(2, to: inbox)
            try await expectError(.messagesExpunged, "COPY naming an expunged message") {
                try await store.messages.copy(from: inbox.id, uids: [uids[0], UID(99), uids[1]], to: archive.id, requireAll: true, as: .administrator)
            }
            try expectEqual(try await f.uids(in: archive), [], "the destination is unchanged")
            let result = try await store.messages.copy(from: inbox.id, uids: uids, to: archive.id, requireAll: true, as: .administrator)
            try expectEqual(result.sourceUIDs, uids, "every message exists: all are copied")
        },

        ConformanceCase("copy: into the same mailbox gives new UIDs") { store in
            let f = Fixture(store)
            let alice = try await f.addUser("alice")
            let inbox = try await f.mailbox("INBOX", of: alice)
            let uids = try await f.appendSamples(2, to: inbox)
            let result = try await store.messages.copy(from: inbox.id, uids: uids, to: inbox.id, as: .administrator)
            try expectEqual(result.destinationUIDs, [UID(3), UID(4)], "new UIDs")
            try expectEqual(try await f.uids(in: inbox), (1...4).map { UID($0) }, "messages")
        },

        ConformanceCase("move: copy and expunge at once, the content stays readable (RFC 6851 §3)") { store in
            let f = Fixture(store)
            let alice = try await f.addUser("alice")
            let inbox = try await f.mailbox("INBOX", of: alice)
            let trash = try await f.create("Trash", of: alice, specialUse: .trash)
            let uids = try await f.appendSamples(3, to: inbox, flags: [.seen])
            let before = try await store.messages.open(inbox.id, claimRecent: false, as: .administrator)
            let blob = try await f.message(uids[1], in: inbox).blob
            let result = try await store.messages.move(from: inbox.id, uids: [uids[1]], to: trash.id, as: .administrator)
            try expectEqual(result.sourceUIDs, [uids[1]], "COPYUID source")
            try expectEqual(result.destinationUIDs, [UID(1)], "COPYUID destination")
            try expectEqual(result.uidValidity, trash.uidValidity, "COPYUID UIDVALIDITY")
            try expectEqual(try await f.uids(in: inbox), [uids[0], uids[2]], "the source lost the message")
            let changes = try await store.messages.changes(in: inbox.id, since: before.highestModSeq, as: .administrator)
            try expectEqual(changes.vanished, [uids[1]], "VANISHED in the source")
            let moved = try await f.message(UID(1), in: trash)
            try expect(moved.flags.contains(.seen), "flags move along")
            try expectEqual(moved.blob, blob, "the moved message keeps its blob")
            try expectEqual(try await f.contents(of: moved.blob), Array(Fixture.sample(1).utf8), "content")
            let missing = try await store.messages.move(from: inbox.id, uids: [UID(77)], to: trash.id, as: .administrator)
            try expectEqual(missing.sourceUIDs, [], "MOVE of missing UIDs moves nothing")
        },

        ConformanceCase("blobs: content shared by copies survives expunging one of them") { store in
            let f = Fixture(store)
            let alice = try await f.addUser("alice")
            let inbox = try await f.mailbox("INBOX", of: alice)
            let other = try await f.create("Other", of: alice)
            let uid = try await f.append(Fixture.sample(1), to: inbox)
            _ = try await store.messages.copy(from: inbox.id, uids: [uid], to: other.id, as: .administrator)
            try await f.setFlags(.add, [.deleted], uids: [uid], in: inbox)
            _ = try await store.messages.expunge(in: inbox.id, uids: nil, as: .administrator)
            let copy = try await f.message(UID(1), in: other)
            try expectEqual(try await f.contents(of: copy.blob), Array(Fixture.sample(1).utf8), "copy content")
            try await store.mailboxes.delete(MailboxPath(owner: alice.id, name: "Other"), as: .administrator)
            let again = try await f.append(Fixture.sample(1), to: inbox)
            let record = try await f.message(again, in: inbox)
            try expectEqual(try await f.contents(of: record.blob), Array(Fixture.sample(1).utf8),
                            "the same content appended after all copies were removed")
        },

        ConformanceCase("mailboxDeleted: every call on a deleted mailbox's ID") { store in
            let f = Fixture(store)
            let alice = try await f.addUser("alice")
            let inbox = try await f.mailbox("INBOX", of: alice)
            let gone = try await f.create("Gone", of: alice)
            let uid = try await f.append(Fixture.sample(1), to: inbox)
            try await store.mailboxes.delete(MailboxPath(owner: alice.id, name: "Gone"), as: .administrator)
            let staged = try await f.stage(Fixture.sample(2))
            let calls: [(String, () async throws -> Void)] = [
                ("open", { _ = try await store.messages.open(gone.id, claimRecent: true, as: .administrator) }),
                ("status", { _ = try await store.mailboxes.status(of: gone.id, as: .administrator) }),
                ("changes", { _ = try await store.messages.changes(in: gone.id, since: ModSeq(0), as: .administrator) }),
                ("messages", { _ = try await store.messages.records(in: gone.id, uids: [UID(1)], as: .administrator) }),
                ("ghosts", {
                    _ = try await store.messages.ghosts(in: gone.id, uids: [UID(1)], withStructure: false, as: .administrator)
                }),
                ("storeFlags", { _ = try await f.setFlags(.add, [.seen], uids: [UID(1)], in: gone) }),
                ("expunge", { _ = try await store.messages.expunge(in: gone.id, uids: nil, as: .administrator) }),
                ("copy to", { _ = try await store.messages.copy(from: inbox.id, uids: [uid], to: gone.id, as: .administrator) }),
                ("copy from", { _ = try await store.messages.copy(from: gone.id, uids: [uid], to: inbox.id, as: .administrator) }),
                ("move to", { _ = try await store.messages.move(from: inbox.id, uids: [uid], to: gone.id, as: .administrator) }),
                ("append", {
                    _ = try await store.messages.append([NewMessage(blob: staged, flags: MessageFlags(), internalDate: nil)], to: gone.id, as: .administrator)
                }),
            ]
            for (name, call) in calls {
                try await expectError(.mailboxDeleted, name) { try await call() }
            }
            try expectEqual(try await f.uids(in: inbox), [uid], "the failed MOVE left the source alone")
        },
    ]
}
