import MailCore
import MailStore

extension MailStoreConformance {
    static let quotaCases: [ConformanceCase] = [
        ConformanceCase("quota: a new user has no limits, counts INBOX; limits round-trip (RFC 9208 §5)") { store in
            let f = Fixture(store)
            let alice = try await f.addUser("alice")
            let quota = try await store.quotas.quota(of: alice.id)
            try expectEqual(quota.limits, .unlimited, "a new user's limits")
            try expectEqual(quota.usage, QuotaUsage(storage: 0, messages: 0, mailboxes: 1), "a new user's usage")
            let limits = QuotaLimits(storage: 5000, messages: 7, mailboxes: 3)
            try await store.quotas.setQuotaLimits(limits, of: alice.id)
            try expectEqual(try await store.quotas.quota(of: alice.id).limits, limits, "limits as set")
            try await store.quotas.setQuotaLimits(QuotaLimits(messages: 0), of: alice.id)
            try expectEqual(try await store.quotas.quota(of: alice.id).limits, QuotaLimits(messages: 0),
                            "limits replaced whole; 0 is a limit, not unlimited")
            let nobody = UserID(rawValue: 9999)
            try await expectError(.userNotFound("9999"), "quota of a missing user") {
                try await store.quotas.quota(of: nobody)
            }
            try await expectError(.userNotFound("9999"), "limits of a missing user") {
                try await store.quotas.setQuotaLimits(.unlimited, of: nobody)
            }
        },

        ConformanceCase("quota: usage stays exact through append, copy, move, expunge, rename, delete") { store in
            let f = Fixture(store)
            let alice = try await f.addUser("alice")
            let bob = try await f.addUser("bob")
            let inbox = try await f.mailbox("INBOX", of: alice)
            let work = try await f.create("Work/Projects", of: alice)  // and its superior
            try await expectUsage(store, alice, storage: 0, messages: 0, mailboxes: 3, "after CREATE with a superior")
            let uids = [try await f.append(sized(1, 1000), to: inbox), try await f.append(sized(2, 1500), to: inbox),
                        try await f.append(sized(3, 700), to: inbox)]
            try await expectUsage(store, alice, storage: 3200, messages: 3, mailboxes: 3, "after three appends")
            _ = try await store.messages.copy(from: inbox.id, uids: [uids[0], uids[1]], to: work.id, as: .administrator)
            try await expectUsage(store, alice, storage: 5700, messages: 5, mailboxes: 3, "after COPY")
            _ = try await store.messages.move(from: inbox.id, uids: [uids[2]], to: work.id, as: .administrator)
            try await expectUsage(store, alice, storage: 5700, messages: 5, mailboxes: 3, "MOVE within one owner")
            let bobInbox = try await f.mailbox("INBOX", of: bob)
            _ = try await store.messages.move(from: inbox.id, uids: [uids[1]], to: bobInbox.id, as: .administrator)
            try await expectUsage(store, alice, storage: 4200, messages: 4, mailboxes: 3, "MOVE to another owner: source")
            try await expectUsage(store, bob, storage: 1500, messages: 1, mailboxes: 1, "MOVE to another owner: destination")
            try await f.setFlags(.add, [.deleted], uids: [uids[0]], in: inbox)
            _ = try await store.messages.expunge(in: inbox.id, uids: nil, as: .administrator)
            try await expectUsage(store, alice, storage: 3200, messages: 3, mailboxes: 3, "after EXPUNGE")
            try await store.mailboxes.rename(MailboxPath(owner: alice.id, name: "INBOX"), to: "Old/Inbox",
                                             as: .administrator)
            try await expectUsage(store, alice, storage: 3200, messages: 3, mailboxes: 5, "RENAME INBOX (new mailbox, superior)")
            try await store.mailboxes.delete(MailboxPath(owner: alice.id, name: "Work"), as: .administrator)
            try await expectUsage(store, alice, storage: 3200, messages: 3, mailboxes: 4,
                                  "DELETE of a mailbox with children: a placeholder")
            try await store.mailboxes.delete(MailboxPath(owner: alice.id, name: "Work/Projects"), as: .administrator)
            try await expectUsage(store, alice, storage: 0, messages: 0, mailboxes: 3, "DELETE with messages")
            _ = try await f.create("Work", of: alice)
            try await expectUsage(store, alice, storage: 0, messages: 0, mailboxes: 4, "a placeholder made selectable")
            try await store.accounts.deleteUser(name: "alice")
            try await expectUsage(store, bob, storage: 1500, messages: 1, mailboxes: 1, "another user's deletion")
        },

        ConformanceCase("quota: APPEND refused past STORAGE and MESSAGE, at the exact edge; MULTIAPPEND all or nothing") { store in
            let f = Fixture(store)
            let alice = try await f.addUser("alice")
            let inbox = try await f.mailbox("INBOX", of: alice)
            try await store.quotas.setQuotaLimits(QuotaLimits(storage: 3000, messages: 4), of: alice.id)
            try await f.append(sized(1, 1000), to: inbox)
            try await f.append(sized(2, 1900), to: inbox)
            try await expectOverQuota(.storage, "one octet past STORAGE") { try await f.append(sized(3, 101), to: inbox) }
            try await f.append(sized(4, 100), to: inbox)  // exactly at the limit
            try await expectUsage(store, alice, storage: 3000, messages: 3, mailboxes: 1, "exactly at the limit")
            try await store.quotas.setQuotaLimits(QuotaLimits(storage: 10_000, messages: 4), of: alice.id)
            let batch = [try await f.stage(sized(5, 100)), try await f.stage(sized(6, 100))]
            try await expectOverQuota(.message, "a MULTIAPPEND one message past MESSAGE") {
                try await store.messages.append(batch.map { NewMessage(blob: $0, flags: MessageFlags([]), internalDate: nil) },
                                                to: inbox.id, as: .administrator)
            }
            try await expectUsage(store, alice, storage: 3000, messages: 3, mailboxes: 1, "nothing of the refused batch")
            try expectEqual(try await f.uids(in: inbox).count, 3, "no message of the refused batch is stored")
            try await f.append(sized(7, 100), to: inbox)
            try await expectOverQuota(.message, "past MESSAGE") { try await f.append(sized(8, 100), to: inbox) }
        },

        ConformanceCase("quota: COPY and MOVE to another owner refused past a limit; MOVE within one owner never") { store in
            let f = Fixture(store)
            let alice = try await f.addUser("alice")
            let bob = try await f.addUser("bob")
            let inbox = try await f.mailbox("INBOX", of: alice)
            let archive = try await f.create("Archive", of: alice)
            let uids = [try await f.append(sized(1, 1000), to: inbox), try await f.append(sized(2, 1000), to: inbox)]
            try await store.quotas.setQuotaLimits(QuotaLimits(storage: 3000), of: alice.id)
            try await expectOverQuota(.storage, "COPY past STORAGE") {
                try await store.messages.copy(from: inbox.id, uids: uids, to: archive.id, as: .administrator)
            }
            try expectEqual(try await f.uids(in: archive), [], "nothing copied")
            let copied = try await store.messages.copy(from: inbox.id, uids: [uids[0]], to: archive.id, as: .administrator)
            try expectEqual(copied.sourceUIDs, [uids[0]], "a COPY up to the exact limit")
            try await store.quotas.setQuotaLimits(QuotaLimits(storage: 1000), of: alice.id)  // now over it
            let moved = try await store.messages.move(from: archive.id, uids: copied.destinationUIDs, to: inbox.id,
                                                      as: .administrator)
            try expectEqual(moved.sourceUIDs.count, 1, "a MOVE within one owner while over the limit")
            try await store.quotas.setQuotaLimits(QuotaLimits(storage: 500), of: bob.id)
            let bobInbox = try await f.mailbox("INBOX", of: bob)
            try await expectOverQuota(.storage, "MOVE to another owner past their STORAGE") {
                try await store.messages.move(from: inbox.id, uids: [uids[1]], to: bobInbox.id, as: .administrator)
            }
            try expect(try await f.uids(in: inbox).contains(uids[1]), "the refused MOVE left the message in place")
            try await expectUsage(store, alice, storage: 3000, messages: 3, mailboxes: 2, "after the refusals")
            try await expectUsage(store, bob, storage: 0, messages: 0, mailboxes: 1, "after the refusals")
            try await f.setFlags(.add, [.deleted], uids: [uids[1]], in: inbox)
            try expectEqual(try await store.messages.expunge(in: inbox.id, uids: nil, as: .administrator), [uids[1]],
                            "EXPUNGE while over the limit")
        },

        ConformanceCase("quota: CREATE refused past MAILBOX, superiors counted; a placeholder revived counts") { store in
            let f = Fixture(store)
            let alice = try await f.addUser("alice")
            try await store.quotas.setQuotaLimits(QuotaLimits(mailboxes: 3), of: alice.id)
            _ = try await f.create("A", of: alice)
            try await expectOverQuota(.mailbox, "CREATE with a missing superior past MAILBOX") {
                try await f.create("B/C", of: alice)
            }
            try expectEqual(try await f.names(of: alice), ["A", "INBOX"], "neither B nor B/C was created")
            _ = try await f.create("A/B", of: alice)
            try await expectOverQuota(.mailbox, "CREATE past MAILBOX") { try await f.create("D", of: alice) }
            try await store.mailboxes.delete(MailboxPath(owner: alice.id, name: "A"), as: .administrator)
            try await expectUsage(store, alice, storage: 0, messages: 0, mailboxes: 2, "A became a placeholder")
            _ = try await f.create("A", of: alice)
            try await expectOverQuota(.mailbox, "reviving past MAILBOX") { try await f.create("E", of: alice) }
            try await expectUsage(store, alice, storage: 0, messages: 0, mailboxes: 3, "after the refusals")
        },

        ConformanceCase("quota: an import (an administrator's action) is counted, not refused") { store in
            let f = Fixture(store)
            let alice = try await f.addUser("alice")
            try await store.quotas.setQuotaLimits(QuotaLimits(storage: 1000, mailboxes: 1), of: alice.id)
            let target = try await store.imports.beginImport(into: MailboxPath(owner: alice.id, name: "Old/Mail"),
                                                             uidValidity: UIDValidity(77))
            let date = ZonedDateTime(secondsSince1970: 1_000_000_000)
            let messages = [ImportedMessage(uid: UID(3), blob: try await f.stage(sized(1, 800)), flags: MessageFlags([]), internalDate: date),
                            ImportedMessage(uid: UID(9), blob: try await f.stage(sized(2, 900)), flags: MessageFlags([]), internalDate: date)]
            _ = try await store.imports.importMessages(messages, into: target.mailbox.id)
            try await expectUsage(store, alice, storage: 1700, messages: 2, mailboxes: 3, "after an import")
            try await store.mailboxes.delete(MailboxPath(owner: alice.id, name: "Old"), as: .administrator)
            try await store.mailboxes.delete(MailboxPath(owner: alice.id, name: "Old/Mail"), as: .administrator)
            try await store.mailboxes.delete(MailboxPath(owner: alice.id, name: "Old"), as: .administrator)
            let placeholder = try await store.imports.beginImport(into: MailboxPath(owner: alice.id, name: "Old"), uidValidity: nil)
            try expect(placeholder.isFresh, "a fresh import target")
            try await expectUsage(store, alice, storage: 0, messages: 0, mailboxes: 2, "after deleting and importing again")
        },

        ConformanceCase("quota: concurrent APPENDs never exceed the limit together") { store in
            let f = Fixture(store)
            let alice = try await f.addUser("alice")
            let inbox = try await f.mailbox("INBOX", of: alice)
            try await store.quotas.setQuotaLimits(QuotaLimits(storage: 4 * 1000 + 999), of: alice.id)
            var staged: [StagedBlob] = []
            for index in 0..<12 { staged.append(try await f.stage(sized(index, 1000))) }
            let stored = try await withThrowingTaskGroup(of: Bool.self) { group in
                for blob in staged {
                    group.addTask {
                        do {
                            _ = try await store.messages.append([NewMessage(blob: blob, flags: MessageFlags([]), internalDate: nil)],
                                                                to: inbox.id, as: .administrator)
                            return true
                        } catch MailStoreError.overQuota {
                            return false
                        }
                    }
                }
                var count = 0
                for try await ok in group where ok { count += 1 }
                return count
            }
            try expectEqual(stored, 4, "appends that fit")
            try await expectUsage(store, alice, storage: 4000, messages: 4, mailboxes: 1, "after the race")
        },
    ]

    /// A message of exactly `size` octets (at least 70), different for each index.
    static func sized(_ index: Int, _ size: Int) -> String {
        let head = "Subject: Sized \(index)\r\nMessage-ID: <sized-\(index)@example.org>\r\n\r\n"
        return head + String(repeating: "x", count: max(0, size - head.utf8.count))
    }
}

/// Checks a user's usage, and that recomputing it from the messages finds the same.
func expectUsage(_ store: MailStorage, _ user: User, storage: UInt64, messages: UInt64, mailboxes: UInt64,
                 _ what: String, file: StaticString = #fileID, line: UInt = #line) async throws {
    let expected = QuotaUsage(storage: storage, messages: messages, mailboxes: mailboxes)
    try expectEqual(try await store.quotas.quota(of: user.id).usage, expected, "usage \(what)", file: file, line: line)
    let (before, after) = try await store.quotas.recalculateQuotaUsage(of: user.id)
    try expectEqual(before, after, "kept usage equals recomputed usage \(what)", file: file, line: line)
}

/// Checks that `body` throws `overQuota` for `resource`.
func expectOverQuota<T>(_ resource: QuotaResource, _ what: String, file: StaticString = #fileID, line: UInt = #line,
                        _ body: () async throws -> T) async throws {
    do {
        _ = try await body()
    } catch MailStoreError.overQuota(let exceeded) {
        try expectEqual(exceeded.resource, resource, "resource refused: \(what)", file: file, line: line)
        return
    } catch {
        throw ConformanceFailure(message: "\(what): expected overQuota, got \(error)", location: "\(file):\(line)")
    }
    throw ConformanceFailure(message: "\(what): expected overQuota, but it succeeded", location: "\(file):\(line)")
}
