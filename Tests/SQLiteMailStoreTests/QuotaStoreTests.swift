import Foundation
import GRDB
import MailCore
import MailStore
import SQLiteMailStore
import Testing

/// The embedded store's quota bookkeeping (RFC 9208) where the conformance suite cannot reach:
/// the migration of an existing database and the repair of a damaged counter.
@Suite("SQLiteMailStore quota")
struct QuotaStoreTests {
    typealias Helpers = SQLiteMailStoreTests

    /// A database from before quotas (migration v8-quota not applied) gets each user's usage
    /// counted from their messages when opened.
    @Test func migrationCountsTheUsageOfExistingMail() async throws {
        try await withTemporaryDirectory { directory in
            let store = try SQLiteMailStore(directory: directory)
            let user = try await store.addUser(name: "alice", credentials: Helpers.credentials())
            let inbox = try await Helpers.inbox(store, user)
            let sizes = [Helpers.message(1).count, Helpers.message(22).count]
            _ = try await Helpers.append(store, Helpers.message(1), to: inbox.id)
            _ = try await Helpers.append(store, Helpers.message(22), to: inbox.id)
            store.close()
            let database = try DatabaseQueue(path: directory + "/tern.sqlite")
            try await database.write { db in
                for trigger in ["quota_user_added", "quota_mailbox_added", "quota_mailbox_selectable",
                                "quota_mailbox_removed", "quota_message_added", "quota_message_removed",
                                "quota_message_moved"] {
                    try db.execute(sql: "DROP TRIGGER \(trigger)")
                }
                try db.execute(sql: "DROP TABLE quotas")
                try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = 'v8-quota'")
            }
            try database.close()

            let reopened = try SQLiteMailStore(directory: directory)
            defer { reopened.close() }
            let quota = try await reopened.quota(of: user.id)
            #expect(quota.usage == QuotaUsage(storage: UInt64(sizes.reduce(0, +)), messages: 2, mailboxes: 1))
            #expect(quota.limits == .unlimited)
        }
    }

    /// `tern quota recalc`'s store call puts back a counter changed behind the store's back.
    @Test func recalculationRepairsADamagedCounter() async throws {
        try await withTemporaryDirectory { directory in
            let store = try SQLiteMailStore(directory: directory)
            defer { store.close() }
            let user = try await store.addUser(name: "alice", credentials: Helpers.credentials())
            let inbox = try await Helpers.inbox(store, user)
            _ = try await Helpers.append(store, Helpers.message(1), to: inbox.id)
            let database = try DatabaseQueue(path: directory + "/tern.sqlite")
            try await database.write { db in
                try db.execute(sql: "UPDATE quotas SET storage_used = 99999, messages_used = 7, mailboxes_used = 0")
            }
            try database.close()
            let expected = QuotaUsage(storage: UInt64(Helpers.message(1).count), messages: 1, mailboxes: 1)
            let (before, after) = try await store.recalculateQuotaUsage(of: user.id)
            #expect(before == QuotaUsage(storage: 99999, messages: 7, mailboxes: 0))
            #expect(after == expected)
            #expect(try await store.quota(of: user.id).usage == expected)
        }
    }
}
