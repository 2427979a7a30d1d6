import MailCore
import MailStore

extension MailStoreConformance {
    static let messageCases: [ConformanceCase] = [
        ConformanceCase("messages(withStructure:): the structure parsed at upload comes back, also for copies") { store in
            let f = Fixture(store)
            let alice = try await f.addUser("alice")
            let inbox = try await f.mailbox("INBOX", of: alice)
            let other = try await f.create("Other", of: alice)
            let uid = try await f.append(Fixture.sample(1), to: inbox)
            let staged = try await f.stage(Fixture.sample(1))
            try expect(!staged.structure.isEmpty, "an upload's structure is parsed when it finishes")
            let records = try await store.messages.records(in: inbox.id, uids: [uid], withStructure: true, as: .administrator)
            try expectEqual(records.first?.structure, staged.structure, "the stored structure is the parsed one")
            try expectEqual(try await store.messages.records(in: inbox.id, uids: [uid], as: .administrator).first?.structure, nil,
                            "no structure unless asked for")
            let copy = try await store.messages.copy(from: inbox.id, uids: [uid], to: other.id, as: .administrator)
            let copied = try await store.messages.records(in: other.id, uids: copy.destinationUIDs, withStructure: true, as: .administrator)
            try expectEqual(copied.first?.structure, staged.structure, "a copy shares the structure")
        },

        ConformanceCase("append: ascending UIDs, APPENDUID data, flags and INTERNALDATE kept") { store in
            let f = Fixture(store)
            let alice = try await f.addUser("alice")
            let inbox = try await f.mailbox("INBOX", of: alice)
            let date = ZonedDateTime(date: CalendarDate(year: 1996, month: 7, day: 17), hour: 2, minute: 44,
                                    second: 25, zoneMinutes: -420)
            let first = try await f.append(Fixture.sample(0), to: inbox,
                                           flags: [.seen, .keyword("$Forwarded")], date: date)
            try expectEqual(first, UID(1), "first UID")
            var batch: [NewMessage] = []
            for index in 1...3 {
                batch.append(NewMessage(blob: try await f.stage(Fixture.sample(index)),
                                        flags: MessageFlags([.draft]), internalDate: date))
            }
            let result = try await store.messages.append(batch, to: inbox.id, as: .administrator)
            try expectEqual(result.uids, [UID(2), UID(3), UID(4)], "MULTIAPPEND UIDs")
            try expectEqual(result.uidValidity, inbox.uidValidity, "APPENDUID UIDVALIDITY")
            let record = try await f.message(first, in: inbox)
            try expect(record.flags.sameFlags(as: MessageFlags([.seen, .keyword("$Forwarded")])),
                       "stored flags: \(record.flags)")
            try expectEqual(record.internalDate, date, "INTERNALDATE with its zone")
            try expectEqual(record.internalDate.secondsSince1970, date.secondsSince1970, "INTERNALDATE instant")
            try expectEqual(record.size, UInt64(Fixture.sample(0).utf8.count), "RFC822.SIZE")
            try expectEqual(Array(try await f.contents(of: record.blob)), Array(Fixture.sample(0).utf8),
                            "stored bytes")
            let records = try await store.messages.records(in: inbox.id, uids: result.uids, as: .administrator)
            try expect(records.allSatisfy { $0.flags.sameFlags(as: MessageFlags([.draft])) }, "batch flags")
            try expectEqual(Set(records.map(\.blob)).count, 3, "different content, different blobs")
            try expectEqual(try await store.mailboxes.status(of: inbox.id, as: .administrator).uidNext, UID(5), "UIDNEXT after appends")
        },

        ConformanceCase("append: without a date INTERNALDATE and SAVEDATE are now") { store in
            let f = Fixture(store)
            let alice = try await f.addUser("alice")
            let inbox = try await f.mailbox("INBOX", of: alice)
            let record = try await f.message(try await f.append(Fixture.sample(1), to: inbox), in: inbox)
            let internalSeconds = record.internalDate.secondsSince1970
            try expect(abs(internalSeconds - record.saveDate) <= 5,
                       "INTERNALDATE \(internalSeconds) near SAVEDATE \(record.saveDate)")
            try expect(record.saveDate > 1_700_000_000, "SAVEDATE is a current time: \(record.saveDate)")
        },

        ConformanceCase("upload: streamed in chunks, sizes and ranges read back") { store in
            let f = Fixture(store)
            let alice = try await f.addUser("alice")
            let inbox = try await f.mailbox("INBOX", of: alice)
            let header = Array(Fixture.sample(5, body: "").utf8)
            var body: [UInt8] = []
            // Larger than what a backend may read whole when opening (SQLite: 256 KiB).
            for line in 0..<7000 { body += Array("Line \(line) of a long body, for ranged reads.\r\n".utf8) }
            let bytes = header + body
            let staged = try await f.stage(bytes, chunk: 997)
            try expectEqual(staged.size, UInt64(bytes.count), "staged size")
            try expectEqual(staged.headerSize, UInt64(header.count), "staged header size")
            let uid = try await store.messages.append([NewMessage(blob: staged, flags: MessageFlags(), internalDate: nil)], to: inbox.id, as: .administrator).uids[0]
            let record = try await f.message(uid, in: inbox)
            try expectEqual(record.size, UInt64(bytes.count), "RFC822.SIZE")
            try expectEqual(record.headerSize, UInt64(header.count), "header size")
            try expectEqual(record.blob, staged.id, "blob of the message")
            let reader = try await store.blobs.openBlob(record.blob)
            defer { reader.close() }
            try expectEqual(reader.size, UInt64(bytes.count), "reader size")
            try expectEqual(try await reader.read(offset: 0, count: 40), Array(bytes[0..<40]), "first bytes")
            try expectEqual(try await reader.read(offset: 70_000, count: 1234), Array(bytes[70_000..<71_234]),
                            "a middle range")
            let tail = UInt64(bytes.count - 10)
            try expectEqual(try await reader.read(offset: tail, count: 100), Array(bytes[(bytes.count - 10)...]),
                            "a read past the end is cut short")
            try expectEqual(try await reader.read(offset: UInt64(bytes.count) + 5, count: 10), [], "a read after the end")
            try expectEqual(try await reader.withContents { Array($0) }, bytes, "the whole message in place")
            try expectEqual(try await f.contents(of: record.blob, piece: 65_536), bytes, "whole message")
            let small = try await f.stage("Subject: short\r\n\r\nBody\r\n")
            _ = try await store.messages.append([NewMessage(blob: small, flags: MessageFlags(), internalDate: nil)],
                                                to: inbox.id, as: .administrator)
            let prefixes = try await store.blobs.readPrefixes([(record.blob, header.count), (BlobID(rawValue: String(repeating: "0", count: 64)), 10),
                                                               (small.id, 1000)])
            try expectEqual(prefixes.count, 3, "one answer per request, in order")
            try expectEqual(prefixes[0], header, "the header of the long message, in one batch")
            try expect(prefixes[1] == nil, "a blob that does not exist is nil")
            try expectEqual(prefixes[2], Array("Subject: short\r\n\r\nBody\r\n".utf8), "a prefix longer than the blob is the blob")
        },

        ConformanceCase("upload: header size without a body, with bare LF, and identical content shares a blob") { store in
            let f = Fixture(store)
            let noBody = try await f.stage("Subject: no body\r\nFrom: a@example.org\r\n")
            try expectEqual(noBody.headerSize, noBody.size, "no empty line: the header is the whole message")
            let bareLF = try await f.stage("Subject: lf\nFrom: a@example.org\n\nBody\n")
            try expectEqual(bareLF.headerSize, UInt64("Subject: lf\nFrom: a@example.org\n\n".utf8.count),
                            "bare LF header size")
            let one = try await f.stage(Fixture.sample(1), chunk: 3)
            let two = try await f.stage(Fixture.sample(1), chunk: 1000)
            try expectEqual(one.id, two.id, "identical bytes, identical blob ID")
            try expectEqual(one.id.rawValue.count, 64, "a blob ID is a SHA-256 in hex")
            let abandoned = try await store.blobs.beginUpload(expectedSize: 10)
            try await abandoned.write(Array("0123456789".utf8))
            abandoned.discard()
            let alice = try await f.addUser("alice")
            let inbox = try await f.mailbox("INBOX", of: alice)
            let result = try await store.messages.append([
                NewMessage(blob: one, flags: MessageFlags(), internalDate: nil),
                NewMessage(blob: two, flags: MessageFlags(), internalDate: nil),
                NewMessage(blob: noBody, flags: MessageFlags(), internalDate: nil),
                NewMessage(blob: bareLF, flags: MessageFlags(), internalDate: nil),
            ], to: inbox.id, as: .administrator)
            let records = try await store.messages.records(in: inbox.id, uids: result.uids, as: .administrator)
            try expectEqual(records.map(\.headerSize), [one.headerSize, two.headerSize, noBody.size, bareLF.headerSize],
                            "header sizes")
            try expectEqual(try await f.contents(of: records[1].blob), Array(Fixture.sample(1).utf8), "shared content")
        },

        ConformanceCase("append: MULTIAPPEND is all or nothing (RFC 3502)") { store in
            let f = Fixture(store)
            let alice = try await f.addUser("alice")
            let inbox = try await f.mailbox("INBOX", of: alice)
            let good = try await f.stage(Fixture.sample(1))
            let bogus = StagedBlob(id: BlobID(rawValue: String(repeating: "ab", count: 32)), size: 10,
                                   headerSize: 10, stagingKey: "/nonexistent/staged-file", structure: [])
            try await expectFailure("append of a batch with a missing upload") {
                try await store.messages.append([NewMessage(blob: good, flags: MessageFlags(), internalDate: nil),
                                        NewMessage(blob: bogus, flags: MessageFlags(), internalDate: nil)], to: inbox.id, as: .administrator)
            }
            let status = try await store.mailboxes.status(of: inbox.id, as: .administrator)
            try expectEqual(status.messages, 0, "no message of the failed batch is stored")
            let uid = try await f.append(Fixture.sample(2), to: inbox)
            try expect(uid >= UID(1), "appending still works")
        },

        ConformanceCase("UIDs are never reused after expunge") { store in
            let f = Fixture(store)
            let alice = try await f.addUser("alice")
            let inbox = try await f.mailbox("INBOX", of: alice)
            let uids = try await f.appendSamples(3, to: inbox, flags: [.deleted])
            try expectEqual(try await store.messages.expunge(in: inbox.id, uids: nil, as: .administrator), uids, "expunged UIDs")
            let next = try await f.append(Fixture.sample(3), to: inbox)
            try expectEqual(next, UID(4), "the UID after an expunge of 1:3")
            try expectEqual(try await store.mailboxes.status(of: inbox.id, as: .administrator).uidNext, UID(5), "UIDNEXT")
        },

        ConformanceCase("messages(in:uids:): UID order, duplicates once, missing UIDs skipped") { store in
            let f = Fixture(store)
            let alice = try await f.addUser("alice")
            let inbox = try await f.mailbox("INBOX", of: alice)
            try await f.appendSamples(5, to: inbox)
            try await f.setFlags(.add, [.deleted], uids: [UID(2), UID(4)], in: inbox)
            _ = try await store.messages.expunge(in: inbox.id, uids: nil, as: .administrator)
            let records = try await store.messages.records(in: inbox.id, uids: [5, 1, 3, 99, 3, 2].map { UID($0) }, as: .administrator)
            try expectEqual(records.map(\.uid), [1, 3, 5].map { UID($0) }, "records")
            try expectEqual(try await store.messages.records(in: inbox.id, uids: [], as: .administrator).count, 0, "no UIDs")
        },

        ConformanceCase("messages(in:uids:): dense and sparse sets over many messages") { store in
            let f = Fixture(store)
            let alice = try await f.addUser("alice")
            let inbox = try await f.mailbox("INBOX", of: alice)
            var batch: [NewMessage] = []
            for index in 0..<300 {
                batch.append(NewMessage(blob: try await f.stage(Fixture.sample(index)), flags: MessageFlags(),
                                        internalDate: nil))
            }
            let uids = try await store.messages.append(batch, to: inbox.id, as: .administrator).uids
            try expectEqual(uids, (1...300).map { UID($0) }, "UIDs of a 300-message MULTIAPPEND")
            let all = try await store.messages.records(in: inbox.id, uids: (1...400).map { UID($0) }, as: .administrator)
            try expectEqual(all.map(\.uid), uids, "1:400")
            let sparse = stride(from: 7, through: 300, by: 29).map { UID($0) }
            try expectEqual(try await store.messages.records(in: inbox.id, uids: sparse, as: .administrator).map(\.uid), sparse, "sparse")
            let runs = (10...20).map { UID($0) } + (200...205).map { UID($0) } + [UID(1000)]
            try expectEqual(try await store.messages.records(in: inbox.id, uids: runs, as: .administrator).map(\.uid), Array(runs.dropLast()),
                            "runs")
        },
    ]
}
