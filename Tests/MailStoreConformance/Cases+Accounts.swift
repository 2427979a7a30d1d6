import MailCore
import MailStore

extension MailStoreConformance {
    static let accountCases: [ConformanceCase] = [
        ConformanceCase("accounts: a new user has one selectable INBOX") { store in
            let f = Fixture(store)
            let alice = try await f.addUser("alice")
            try expectEqual(alice.name, "alice", "user name")
            let mailboxes = try await store.mailboxes.list(of: alice.id, as: .administrator)
            try expectEqual(mailboxes.map(\.name), ["INBOX"], "mailboxes of a new user")
            try expect(mailboxes[0].selectable, "INBOX is selectable")
            let inbox = try await f.mailbox("INBOX", of: alice)
            try expectEqual(inbox, mailboxes[0], "INBOX by name")
            let status = try await store.mailboxes.status(of: inbox.id, as: .administrator)
            try expectEqual(status.messages, 0, "messages in a new INBOX")
            try expectEqual(status.uidNext, UID(1), "UIDNEXT of a new INBOX")
            try expectEqual(status.uidValidity, inbox.uidValidity, "UIDVALIDITY in STATUS")
        },

        ConformanceCase("credentials: replaced only while still the ones expected (a re-key never undoes a change)") { store in
            let f = Fixture(store)
            _ = try await f.addUser("alice", password: "old")
            guard let (_, stored) = try await store.credentials.credentials(forUser: "alice") else {
                throw ConformanceFailure(message: "alice has no credentials", location: "accounts")
            }
            let rekeyed = try Fixture.credentials("old")
            try expect(try await store.credentials.replaceCredentials(stored, with: rekeyed, forUser: "alice"),
                       "replaced while unchanged")
            try expectEqual(try await store.credentials.credentials(forUser: "alice")?.1, rekeyed, "the new keys")
            let changed = try Fixture.credentials("new")
            try await store.credentials.setCredentials(changed, forUser: "alice")
            try expect(!(try await store.credentials.replaceCredentials(rekeyed, with: stored, forUser: "alice")),
                       "not replaced once changed meanwhile")
            try expectEqual(try await store.credentials.credentials(forUser: "alice")?.1, changed, "the change stays")
            try expect(!(try await store.credentials.replaceCredentials(changed, with: stored, forUser: "nobody")),
                       "no such user: nothing replaced")
        },

        ConformanceCase("secrets: 32 random bytes per name, made once and kept") { store in
            let first = try await store.secrets.secret(named: "emailid")
            try expectEqual(first.count, 32, "secret length")
            try expectEqual(try await store.secrets.secret(named: "emailid"), first, "the same secret again")
            let other = try await store.secrets.secret(named: "other")
            try expect(other != first, "another name, another secret")
        },

        ConformanceCase("accounts: a user is found by name until deleted") { store in
            let f = Fixture(store)
            let alice = try await f.addUser("alice")
            try expectEqual(try await store.accounts.user(named: "alice"), alice, "found by name")
            try expectEqual(try await store.accounts.user(named: "bob"), nil, "no such user")
            try await store.accounts.deleteUser(name: "alice")
            try expectEqual(try await store.accounts.user(named: "alice"), nil, "gone once deleted")
        },

        ConformanceCase("accounts: a duplicate user name is rejected") { store in
            let f = Fixture(store)
            _ = try await f.addUser("alice")
            try await expectError(.userExists("alice"), "second addUser") { try await f.addUser("alice") }
            try expectEqual(try await store.accounts.users().map(\.name), ["alice"], "users after the duplicate")
        },

        ConformanceCase("accounts: users are listed in name order") { store in
            let f = Fixture(store)
            let carol = try await f.addUser("carol")
            let alice = try await f.addUser("alice")
            let bob = try await f.addUser("bob")
            try expectEqual(try await store.accounts.users(), [alice, bob, carol], "users()")
            try expectEqual(Set([alice.id, bob.id, carol.id]).count, 3, "distinct user IDs")
        },

        ConformanceCase("accounts: credentials verify, and setCredentials replaces them") { store in
            let f = Fixture(store)
            let alice = try await f.addUser("alice", password: "first")
            guard let (user, stored) = try await store.credentials.credentials(forUser: "alice") else {
                throw ConformanceFailure(message: "no credentials for alice", location: "accounts")
            }
            try expectEqual(user, alice, "user returned with the credentials")
            try expect(stored.verify(password: "first"), "the password verifies")
            try expect(!stored.verify(password: "second"), "another password does not verify")
            try await store.credentials.setCredentials(Fixture.credentials("second"), forUser: "alice")
            let replaced = try await store.credentials.credentials(forUser: "alice")?.1
            try expect(replaced?.verify(password: "second") == true, "the new password verifies")
            try expect(replaced?.verify(password: "first") == false, "the old password no longer does")
            try expect(try await store.credentials.credentials(forUser: "nobody") == nil, "credentials of a missing user")
            try await expectError(.userNotFound("nobody"), "setCredentials of a missing user") {
                try await store.credentials.setCredentials(Fixture.credentials("x"), forUser: "nobody")
            }
        },

        ConformanceCase("accounts: deleteUser removes the account with its mailboxes") { store in
            let f = Fixture(store)
            let alice = try await f.addUser("alice")
            let bob = try await f.addUser("bob")
            let inbox = try await f.mailbox("INBOX", of: alice)
            let work = try await f.create("Work", of: alice)
            try await f.append(Fixture.sample(1), to: work)
            try await store.mailboxes.setSubscribed(true, name: "Work", of: alice.id)
            try await store.accounts.deleteUser(name: "alice")
            try expectEqual(try await store.accounts.users(), [bob], "users after deleteUser")
            try expect(try await store.credentials.credentials(forUser: "alice") == nil, "credentials after deleteUser")
            try await expectError(.mailboxDeleted, "open a mailbox of a deleted user") {
                try await store.messages.open(work.id, claimRecent: false, as: .administrator)
            }
            try await expectError(.userNotFound("alice"), "deleteUser twice") {
                try await store.accounts.deleteUser(name: "alice")
            }
            let again = try await f.addUser("alice")
            try expectEqual(try await f.names(of: again), ["INBOX"], "mailboxes of the re-created user")
            try expectEqual(try await store.mailboxes.subscriptions(of: again.id), [], "subscriptions of the re-created user")
            let newInbox = try await f.mailbox("INBOX", of: again)
            try expect(newInbox.id != inbox.id, "the re-created INBOX is a new mailbox")
            try expect(newInbox.uidValidity != inbox.uidValidity, "the re-created INBOX has a new UIDVALIDITY")
            try expectEqual(try await f.names(of: bob), ["INBOX"], "bob is untouched")
        },

        ConformanceCase("isolation: one user cannot reach another's mailboxes by name") { store in
            let f = Fixture(store)
            let alice = try await f.addUser("alice")
            let bob = try await f.addUser("bob")
            let secret = try await f.create("Secret", of: alice)
            try await f.append(Fixture.sample(1), to: secret)
            try expect(try await store.mailboxes.mailbox(at: MailboxPath(owner: bob.id, name: "Secret"), as: .administrator) == nil, "bob looks up Secret")
            try expectEqual(try await f.names(of: bob), ["INBOX"], "bob's mailboxes")
            let aliceInbox = try await f.mailbox("INBOX", of: alice)
            let bobInbox = try await f.mailbox("INBOX", of: bob)
            try expect(aliceInbox.id != bobInbox.id, "each user has an INBOX of their own")
            let bobSecret = try await f.create("Secret", of: bob)
            try expect(bobSecret.id != secret.id, "the same name of two users names two mailboxes")
            try expectEqual(try await store.mailboxes.status(of: bobSecret.id, as: .administrator).messages, 0, "bob's Secret is empty")
            try await store.mailboxes.delete(MailboxPath(owner: bob.id, name: "Secret"), as: .administrator)
            try expectEqual(try await store.mailboxes.status(of: secret.id, as: .administrator).messages, 1, "alice's Secret survives")
            try await store.mailboxes.setSubscribed(true, name: "Secret", of: alice.id)
            try expectEqual(try await store.mailboxes.subscriptions(of: bob.id), [], "bob's subscriptions")
        },
    ]
}
