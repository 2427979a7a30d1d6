import MailCore
import MailSort
import MailStore

/// The SORT and THREAD keys kept per blob (`SortKeyStore`, RFC 5256).
extension MailStoreConformance {
    static func sortSample(_ subject: String, date: String, from: String) -> String {
        "From: \(from)\r\nTo: list@example.org\r\nSubject: \(subject)\r\nDate: \(date)\r\n"
            + "Message-ID: <\(subject.utf8.count)-\(from)>\r\n\r\nBody.\r\n"
    }

    static func expectedKeys(_ text: String) -> MessageSortKeys {
        Array(text.utf8).withUnsafeBytes { MessageSortKeys(message: $0) }
    }

    static let sortKeyCases: [ConformanceCase] = [
        ConformanceCase("sort keys: made at upload, kept with the blob, read for a mailbox in UID order") { store in
            let f = Fixture(store)
            let alice = try await f.addUser("alice")
            let inbox = try await f.mailbox("INBOX", of: alice)
            let texts = [
                sortSample("Re: beta", date: "Tue, 2 Jan 2001 10:00:00 +0100", from: "Zed <z@example.org>"),
                sortSample("alpha", date: "Mon, 1 Jan 2001 10:00:00 -0500", from: "amy@example.org"),
                sortSample("=?utf-8?q?=C3=A9t=C3=A9?=", date: "garbage", from: "Bob <b@example.org>"),
            ]
            var uids: [UID] = []
            for text in texts { uids.append(try await f.append(text, to: inbox)) }
            let records = try await store.sortKeys.sortRecords(in: inbox.id, uids: [UID(999)] + uids.reversed(),
                                                               as: .administrator)
            try expectEqual(records.map(\.uid), uids, "live UIDs asked for, ascending; unknown ones skipped")
            for (record, text) in zip(records, texts) {
                let message = try await f.message(record.uid, in: inbox)
                try expectEqual(record.size, message.size, "size")
                try expectEqual(record.internalDate, message.internalDate.secondsSince1970, "INTERNALDATE")
                try expectEqual(record.blob, message.blob, "blob")
                try expectEqual(record.keys.flatMap { MessageSortKeys(decoding: $0) }, expectedKeys(text),
                                "the keys made at upload")
            }
            try expectEqual(try await store.sortKeys.sortRecords(in: inbox.id, uids: [], as: .administrator), [],
                            "no UIDs, no records")
        },

        ConformanceCase("sort keys: COPY shares them; an expunged message's ghost keeps them (RFC 2180 §4.1.1)") { store in
            let f = Fixture(store)
            let alice = try await f.addUser("alice")
            let inbox = try await f.mailbox("INBOX", of: alice)
            let archive = try await f.create("Archive", of: alice)
            let text = sortSample("gamma", date: "Wed, 3 Jan 2001 00:00:00 +0000", from: "c@example.org")
            let uid = try await f.append(text, to: inbox)
            let copied = try await store.messages.copy(from: inbox.id, uids: [uid], to: archive.id, as: .administrator)
            let copy = try await store.sortKeys.sortRecords(in: archive.id, uids: copied.destinationUIDs,
                                                            as: .administrator)
            try expectEqual(copy.first?.keys.flatMap { MessageSortKeys(decoding: $0) }, expectedKeys(text), "copy's keys")
            try await f.setFlags(.add, [.deleted], uids: [uid], in: inbox)
            _ = try await store.messages.expunge(in: inbox.id, uids: nil, as: .administrator)
            let ghost = try await store.sortKeys.sortRecords(in: inbox.id, uids: [uid], as: .administrator)
            try expectEqual(ghost.map(\.uid), [uid], "the ghost is read")
            try expectEqual(ghost.first?.keys.flatMap { MessageSortKeys(decoding: $0) }, expectedKeys(text), "ghost's keys")
        },

        ConformanceCase("sort keys: a message stored without keys, or with keys of an older format, gets them made once and saved") { store in
            let f = Fixture(store)
            let alice = try await f.addUser("alice")
            let inbox = try await f.mailbox("INBOX", of: alice)
            let texts = [
                sortSample("old one", date: "Thu, 4 Jan 2001 00:00:00 +0000", from: "d@example.org"),
                sortSample("old two", date: "Fri, 5 Jan 2001 00:00:00 +0000", from: "e@example.org"),
            ]
            var blobs: [StagedBlob] = []
            for text in texts { blobs.append(try await f.stage(text)) }
            blobs[0].sortKeys = []  // as a version that kept no keys stored it
            blobs[1].sortKeys = [MessageSortKeys.format &+ 1, 0]  // a format no longer read
            let appended = try await store.messages.append(blobs.map { NewMessage(blob: $0, flags: MessageFlags([]), internalDate: nil) }, to: inbox.id,
                                                           as: .administrator)
            let before = try await store.sortKeys.sortRecords(in: inbox.id, uids: appended.uids, as: .administrator)
            try expect(before[0].keys == nil, "no keys stored")
            let inputs = try await store.sortInputs(in: inbox.id, uids: appended.uids, sequences: [1, 2],
                                                    as: .administrator)
            try expectEqual(inputs.map(\.uid), appended.uids, "in the order asked for")
            try expectEqual(inputs.map(\.message.keys), texts.map(expectedKeys), "keys made from the header")
            try expectEqual(inputs.map(\.message.sequence), [1, 2], "sequence numbers")
            let after = try await store.sortKeys.sortRecords(in: inbox.id, uids: appended.uids, as: .administrator)
            try expectEqual(after.map { $0.keys.flatMap { MessageSortKeys(decoding: $0) } }, texts.map(expectedKeys),
                            "the keys made were saved")
        },
    ]
}
