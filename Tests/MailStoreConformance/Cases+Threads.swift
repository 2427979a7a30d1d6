import MailCore
import MailSort
import MailStore

/// THREADIDs (`ThreadStore`, RFC 8474 §5.2): given once per user and blob, joined through
/// Message-IDs and references, never changed.
extension MailStoreConformance {
    static func threadSample(_ id: String, references: String? = nil, inReplyTo: String? = nil) -> String {
        var text = "From: a@example.org\r\nSubject: s \(id)\r\nMessage-ID: <\(id)>\r\n"
        if let references { text += "References: \(references)\r\n" }
        if let inReplyTo { text += "In-Reply-To: \(inReplyTo)\r\n" }
        return text + "\r\nBody.\r\n"
    }

    static let threadCases: [ConformanceCase] = [
        ConformanceCase("threads: replies join their parent's thread, in any mailbox; others get new ones; stable") { store in
            let f = Fixture(store)
            let alice = try await f.addUser("alice")
            let inbox = try await f.mailbox("INBOX", of: alice)
            let sent = try await f.create("Sent", of: alice)
            let root = try await f.append(threadSample("1@x"), to: inbox)
            let other = try await f.append(threadSample("2@x"), to: inbox)
            let reply = try await f.append(threadSample("3@x", references: "<1@x>"), to: sent)
            let byInReplyTo = try await f.append(threadSample("4@x", inReplyTo: "<3@x>"), to: inbox)
            let orphan = try await f.append(threadSample("5@x", references: "<gone@x> <1@x>"), to: inbox)
            // Threaded in the order they came: the root and the other, the reply, the rest.
            var inInbox = try await store.threadNumbers(in: inbox.id, owner: alice.id, uids: [other, root],
                                                        as: .administrator)
            let inSent = try await store.threadNumbers(in: sent.id, owner: alice.id, uids: [reply], as: .administrator)
            inInbox.merge(try await store.threadNumbers(in: inbox.id, owner: alice.id, uids: [byInReplyTo, orphan],
                                                        as: .administrator)) { $1 }
            let first = inInbox[root]
            try expect(first != nil, "the root has a thread")
            try expect(inInbox[other] != nil && inInbox[other] != first, "an unrelated message has its own thread")
            try expectEqual(inSent[reply], first, "a reply in another mailbox joins the root's thread")
            try expectEqual(inInbox[byInReplyTo], first, "In-Reply-To links too")
            try expectEqual(inInbox[orphan], first, "any known reference links")
            // Asked again, in another order: the same numbers.
            let again = try await store.threadNumbers(in: inbox.id, owner: alice.id,
                                                      uids: [orphan, other, root], as: .administrator)
            try expectEqual(again[root], inInbox[root], "stable")
            try expectEqual(again[other], inInbox[other], "stable")
            // A copy shares its original's thread (one EMAILID, one THREADID).
            let copied = try await store.messages.copy(from: inbox.id, uids: [other], to: sent.id, as: .administrator)
            let copy = try await store.threadNumbers(in: sent.id, owner: alice.id, uids: copied.destinationUIDs,
                                                     as: .administrator)
            try expectEqual(copy[copied.destinationUIDs[0]], inInbox[other], "the copy's thread")
            try expectEqual(try await store.threadNumbers(in: inbox.id, owner: alice.id, uids: [], as: .administrator),
                            [:], "no UIDs, no threads")
        },

        ConformanceCase("threads: APPEND threads the messages it stores, in order") { store in
            let f = Fixture(store)
            let alice = try await f.addUser("alice")
            let inbox = try await f.mailbox("INBOX", of: alice)
            let first = try await f.append(threadSample("a@x"), to: inbox)
            let second = try await f.append(threadSample("b@x"), to: inbox)
            // A later message naming b@x joins the thread b@x got when it was stored.
            let later = try await store.threads.assignThreads([ThreadLinks(blob: BlobID(rawValue: "later"),
                                                                           messageIDs: ["b@x"])], owner: alice.id)
            let stored = try await store.threadNumbers(in: inbox.id, owner: alice.id, uids: [first, second],
                                                       as: .administrator)
            try expect(stored[first] != stored[second], "two unrelated messages, two threads")
            try expectEqual(later[BlobID(rawValue: "later")], stored[second], "b@x was known from its APPEND")
        },

        ConformanceCase("threads: each user has their own; one call sees what its earlier messages recorded") { store in
            let f = Fixture(store)
            let alice = try await f.addUser("alice")
            let bob = try await f.addUser("bob")
            let links = [ThreadLinks(blob: BlobID(rawValue: "b1"), messageIDs: ["p@x"]),
                         ThreadLinks(blob: BlobID(rawValue: "b2"), messageIDs: ["q@x", "p@x"]),
                         ThreadLinks(blob: BlobID(rawValue: "b3"), messageIDs: [])]
            let forAlice = try await store.threads.assignThreads(links, owner: alice.id)
            try expectEqual(forAlice[BlobID(rawValue: "b2")], forAlice[BlobID(rawValue: "b1")], "b2 refers to b1's ID")
            try expect(forAlice[BlobID(rawValue: "b3")] != forAlice[BlobID(rawValue: "b1")], "no IDs: a thread of its own")
            let forBob = try await store.threads.assignThreads([ThreadLinks(blob: BlobID(rawValue: "b4"), messageIDs: ["q@x"])],
                                                               owner: bob.id)
            try expect(forBob[BlobID(rawValue: "b4")] != nil, "bob's message gets a thread")
            let aliceAgain = try await store.threads.assignThreads(
                [ThreadLinks(blob: BlobID(rawValue: "b5"), messageIDs: ["q@x"])], owner: alice.id)
            try expectEqual(aliceAgain[BlobID(rawValue: "b5")], forAlice[BlobID(rawValue: "b1")], "q@x is alice's thread")
        },
    ]
}
