import MailCore
import MailStore

extension MailStoreConformance {
    static let importCases: [ConformanceCase] = [
        ConformanceCase("import: a new mailbox takes the source's UIDVALIDITY, UIDs, flags, keywords and INTERNALDATE") { store in
            let f = Fixture(store)
            let alice = try await f.addUser("alice")
            let target = try await store.imports.beginImport(into: MailboxPath(owner: alice.id, name: "Lists/debian"),
                                                             uidValidity: UIDValidity(1_234_567))
            try expect(target.isFresh, "a new mailbox is fresh")
            try expectEqual(target.mailbox.uidValidity, UIDValidity(1_234_567), "the source's UIDVALIDITY")
            try expectEqual(try await f.names(of: alice), ["INBOX", "Lists", "Lists/debian"], "the superior is created too")
            let date = ZonedDateTime(secondsSince1970: 1_000_000_000, zoneMinutes: 120)
            let messages = [
                ImportedMessage(uid: UID(3), blob: try await f.stage(Fixture.sample(3)),
                                flags: MessageFlags([.seen, .keyword("$Forwarded")]), internalDate: date),
                ImportedMessage(uid: UID(7), blob: try await f.stage(Fixture.sample(7)),
                                flags: MessageFlags([.flagged, .answered, .keyword("custom1")]), internalDate: date),
            ]
            let outcome = try await store.imports.importMessages(messages, into: target.mailbox.id)
            try expectEqual(outcome, ImportOutcome(imported: [UID(3), UID(7)]), "both imported")
            let mailbox = try await f.mailbox("Lists/debian", of: alice)
            try expectEqual(try await f.uids(in: mailbox), [UID(3), UID(7)], "the source's UIDs")
            let record = try await f.message(UID(7), in: mailbox)
            try expect(record.flags.sameFlags(as: messages[1].flags), "flags and keywords: \(record.flags)")
            try expectEqual(record.internalDate, date, "INTERNALDATE with its zone")
            try expectEqual(try await f.contents(of: record.blob), Array(Fixture.sample(7).utf8), "the bytes")
            let snapshot = try await store.messages.open(mailbox.id, claimRecent: false, as: .administrator)
            try expect(snapshot.keywords.contains("custom1") && snapshot.keywords.contains("$Forwarded"),
                       "keywords are known for FLAGS: \(snapshot.keywords)")
            let sortRecords = try await store.sortKeys.sortRecords(in: mailbox.id, uids: [UID(3), UID(7)], as: .administrator)
            try expectEqual(sortRecords.map(\.keys), messages.map { Optional($0.blob.sortKeys) },
                            "SORT and THREAD keys kept as for APPEND")
            try expect(sortRecords.allSatisfy { $0.keys?.isEmpty == false }, "the keys are there")
            try expectEqual(try await store.mailboxes.status(of: mailbox.id, as: .administrator).uidNext, UID(8),
                            "UIDNEXT past the last imported UID")
            try expectEqual(try await store.imports.raiseUIDNext(of: mailbox.id, to: UID(12)), UID(12), "raised")
            try expectEqual(try await store.imports.raiseUIDNext(of: mailbox.id, to: UID(9)), UID(12), "never lowered")
            let appended = try await f.append(Fixture.sample(20), to: mailbox)
            try expectEqual(appended, UID(12), "an APPEND after the import continues at UIDNEXT")
        },

        ConformanceCase("import: a second run skips what is present; expunged and unused UIDs are never reused") { store in
            let f = Fixture(store)
            let alice = try await f.addUser("alice")
            let path = MailboxPath(owner: alice.id, name: "Sent")
            let first = try await store.imports.beginImport(into: path, uidValidity: UIDValidity(99))
            let stage = { (uid: Int) in
                ImportedMessage(uid: UID(UInt32(uid)), blob: try await f.stage(Fixture.sample(uid)),
                                flags: MessageFlags([.seen, .deleted]), internalDate: ZonedDateTime(secondsSince1970: 0))
            }
            _ = try await store.imports.importMessages([try await stage(2), try await stage(4)], into: first.mailbox.id)
            let again = try await store.imports.beginImport(into: path, uidValidity: UIDValidity(99))
            try expect(!again.isFresh, "the second run resumes")
            try expectEqual(again.uidNext, UID(5), "its UIDNEXT")
            try expectEqual(try await store.imports.beginImport(into: path, uidValidity: nil).mailbox.id,
                            first.mailbox.id, "a source without UIDVALIDITY resumes too")
            _ = try await store.messages.expunge(in: first.mailbox.id, uids: [UID(2)], as: .administrator)
            let modSeq = try await f.highestModSeq(first.mailbox)
            let outcome = try await store.imports.importMessages([try await stage(2), try await stage(3), try await stage(4)],
                                                                 into: first.mailbox.id)
            try expectEqual(outcome, ImportOutcome(imported: [], alreadyPresent: [UID(4)], belowUIDNext: [UID(2), UID(3)]),
                            "nothing new")
            try expectEqual(try await f.highestModSeq(first.mailbox), modSeq, "nothing changed")
            try expectEqual(try await f.uids(in: first.mailbox), [UID(4)], "the expunged UID stays gone")
        },

        ConformanceCase("import: only a new, or empty and never used, mailbox takes an import") { store in
            let f = Fixture(store)
            let alice = try await f.addUser("alice")
            let inbox = try await f.mailbox("INBOX", of: alice)
            try await f.append(Fixture.sample(1), to: inbox)
            try await expectFailure("a mailbox holding mail") {
                try await store.imports.beginImport(into: inbox.path, uidValidity: UIDValidity(5))
            }
            do {
                _ = try await store.imports.beginImport(into: inbox.path, uidValidity: nil)
                throw ConformanceFailure(message: "INBOX with mail was taken", location: "Cases+Import")
            } catch let conflict as ImportConflict {
                try expectEqual(conflict, .mailboxInUse("INBOX"), "the conflict")
            }
            let drafts = try await f.create("Drafts", of: alice, specialUse: .drafts)
            let adopted = try await store.imports.beginImport(into: drafts.path, uidValidity: UIDValidity(77))
            try expect(adopted.isFresh, "an empty, never used mailbox is taken over")
            try expectEqual(adopted.mailbox.id, drafts.id, "the same mailbox")
            try expectEqual(adopted.mailbox.uidValidity, UIDValidity(77), "with the source's UIDVALIDITY")
            try expectEqual(adopted.mailbox.specialUse, .drafts, "keeping its special use")
            do {
                _ = try await store.imports.beginImport(into: drafts.path, uidValidity: UIDValidity(78))
                throw ConformanceFailure(message: "another UIDVALIDITY was accepted", location: "Cases+Import")
            } catch let conflict as ImportConflict {
                try expectEqual(conflict, .uidValidityDiffers("Drafts", existing: UIDValidity(77), source: UIDValidity(78)),
                                "the conflict")
            }
            let used = try await f.create("Used", of: alice)
            let uid = try await f.append(Fixture.sample(2), to: used)
            _ = try await f.setFlags(.add, [.deleted], uids: [uid], in: used)
            _ = try await store.messages.expunge(in: used.id, uids: nil, as: .administrator)
            try await expectFailure("an empty mailbox that had mail") {
                try await store.imports.beginImport(into: used.path, uidValidity: nil)
            }
            try await expectFailure("messages into a mailbox no import opened") {
                try await store.imports.importMessages([], into: used.id)
            }
            try await expectFailure("UIDs out of order") {
                let staged = try await f.stage(Fixture.sample(3))
                let date = ZonedDateTime(secondsSince1970: 0)
                return try await store.imports.importMessages(
                    [ImportedMessage(uid: UID(5), blob: staged, flags: MessageFlags(), internalDate: date),
                     ImportedMessage(uid: UID(5), blob: staged, flags: MessageFlags(), internalDate: date)],
                    into: drafts.id)
            }
            try await expectError(.userNotFound(String(alice.id.rawValue + 100)), "an unknown owner") {
                try await store.imports.beginImport(into: MailboxPath(owner: UserID(rawValue: alice.id.rawValue + 100), name: "X"),
                                                    uidValidity: nil)
            }
        },

        ConformanceCase("import: one new MODSEQ per batch, a notification, and a UIDVALIDITY never handed out again") { store in
            let f = Fixture(store)
            let alice = try await f.addUser("alice")
            let path = MailboxPath(owner: alice.id, name: "Archive")
            let source = UIDValidity(UInt32.max - 10)
            let target = try await store.imports.beginImport(into: path, uidValidity: source)
            let before = try await f.highestModSeq(target.mailbox)
            let recorder = NotificationRecorder(store.notifications, watching: [target.mailbox.id])
            defer { recorder.cancel() }
            var batch: [ImportedMessage] = []
            for uid in [1, 2, 5] {
                batch.append(ImportedMessage(uid: UID(UInt32(uid)), blob: try await f.stage(Fixture.sample(uid)),
                                             flags: MessageFlags(), internalDate: ZonedDateTime(secondsSince1970: 86_400)))
            }
            _ = try await store.imports.importMessages(batch, into: target.mailbox.id)
            try expectEqual(recorder.take(), [target.mailbox.id], "posted once")
            let changes = try await store.messages.changes(in: target.mailbox.id, since: before, as: .administrator)
            try expectEqual(changes.changed.map(\.uid), [UID(1), UID(2), UID(5)], "the new messages are changes")
            try expectEqual(Set(changes.changed.map(\.modSeq)).count, 1, "one MODSEQ for the batch")
            try expectEqual(changes.highestModSeq.rawValue, before.rawValue + 1, "HIGHESTMODSEQ moved by one")
            try await store.mailboxes.delete(path, as: .administrator)
            let again = try await f.create("Archive", of: alice)
            try expect(again.uidValidity != source, "a mailbox created later under the name gets a new UIDVALIDITY")
        },
    ]
}
