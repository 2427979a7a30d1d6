import MailCore
import Testing

@Suite("Access rights (RFC 4314)")
struct AccessRightsTests {
    @Test("Letters parse and print in the order of §2.1, with the virtual c and d added (§2.1.1)")
    func letters() throws {
        let rights = try #require(AccessRights(letters: "rlws"))
        #expect(rights.members == [.lookup, .read, .keepSeen, .write])
        #expect(rights.description == "lrsw")
        #expect(AccessRights.all.description == "lrswipkxteacd")
        #expect(AccessRights(letters: "")?.isEmpty == true)
    }

    /// §2.1.1: "d" stands for every member of "delete" and "c" for "create"; a member in a
    /// set brings its virtual right back in responses.
    @Test("Obsolete c and d expand to their members and come back in responses")
    func obsoleteRights() throws {
        #expect(AccessRights(letters: "d") == AccessRights([.deleteMailbox, .deleteMessages, .expunge]))
        #expect(AccessRights(letters: "c") == AccessRights([.createMailboxes]))
        #expect(try #require(AccessRights(letters: "lrswida")).description == "lrswixtead")
        #expect(try #require(AccessRights(letters: "lrswikda")).description == "lrswikxteacd")
        #expect(try #require(AccessRights(letters: "t")).description == "td")
    }

    @Test("Unknown letters, upper case and digits are refused", arguments: ["L", "lrz", "0", "lr s"])
    func refused(letters: String) {
        #expect(AccessRights(letters: letters) == nil)
    }

    @Test("Union of positive entries less negative ones (§2)")
    func negativeRights() throws {
        var acl = AccessControlList()
        acl.set(AccessEntry(identifier: .anyone, rights: try #require(AccessRights(letters: "lr"))))
        acl.set(AccessEntry(identifier: .user("fred"), rights: try #require(AccessRights(letters: "lrswi"))))
        acl.set(AccessEntry(identifier: .user("fred"), negative: true, rights: try #require(AccessRights(letters: "w"))))
        #expect(acl.rights(of: "fred", owner: "alice").description == "lrsi")
        #expect(acl.rights(of: "bob", owner: "alice").description == "lr")
        #expect(acl.rights(of: nil, owner: "alice").description == "lr")
        // DELETEACL of "fred" leaves "-fred" in force (§2).
        let removed = acl.remove(.user("fred"), negative: false)
        #expect(removed)
        #expect(acl.rights(of: "fred", owner: "alice").description == "lr")
        let removedAgain = acl.remove(.user("fred"), negative: false)
        #expect(!removedAgain)
    }

    @Test("authenticated applies to logged-in users only")
    func authenticated() {
        let acl = AccessControlList(entries: [AccessEntry(identifier: .authenticated, rights: [.lookup, .read])])
        #expect(acl.rights(of: "bob", owner: nil) == [.lookup, .read])
        #expect(acl.rights(of: nil, owner: nil).isEmpty)
    }

    @Test("The owner holds every right until named, and always keeps l and a")
    func owner() {
        var acl = AccessControlList()
        #expect(acl.rights(of: "alice", owner: "alice") == .all)
        acl.set(AccessEntry(identifier: .user("alice"), rights: [.read]))
        #expect(acl.rights(of: "alice", owner: "alice") == [.lookup, .read, .administer])
        acl.set(AccessEntry(identifier: .user("alice"), negative: true, rights: .all))
        #expect(acl.rights(of: "alice", owner: "alice") == AccessControlList.ownerFloor)
        // A shared mailbox has no owner: nobody gets rights by default.
        #expect(AccessControlList().rights(of: "alice", owner: nil).isEmpty)
    }

    @Test("Setting an empty set removes the entry; setting again replaces it")
    func replace() {
        var acl = AccessControlList()
        acl.set(AccessEntry(identifier: .user("bob"), rights: [.lookup]))
        acl.set(AccessEntry(identifier: .user("bob"), rights: [.read]))
        #expect(acl.entries == [AccessEntry(identifier: .user("bob"), rights: [.read])])
        acl.set(AccessEntry(identifier: .user("bob"), rights: []))
        #expect(acl.entries.isEmpty)
    }

    @Test("LISTRIGHTS: the owner's fixed rights, then each right alone (§3.7)")
    func grantable() {
        let owner = AccessControlList.grantable(to: .user("alice"), owner: "alice")
        #expect(owner.always == [.lookup, .administer])
        #expect(owner.optional.count == AccessRight.allCases.count - 2)
        let other = AccessControlList.grantable(to: .anyone, owner: "alice")
        #expect(other.always.isEmpty)
        #expect(other.optional.count == AccessRight.allCases.count)
    }

    /// The table of RFC 4314 §4.
    @Test("Operations need the rights of §4")
    func operations() {
        #expect(MailboxOperation.lookUp.isAllowed(by: [.lookup]))
        #expect(!MailboxOperation.read.isAllowed(by: [.lookup]))
        #expect(MailboxOperation.insert.isAllowed(by: [.insert]))
        #expect(MailboxOperation.createChild.isAllowed(by: [.createMailboxes]))
        #expect(MailboxOperation.delete.isAllowed(by: [.deleteMailbox]))
        #expect(MailboxOperation.expunge.isAllowed(by: [.expunge]))
        #expect(!MailboxOperation.administer.isAllowed(by: AccessRights.all.subtracting([.administer])))
        #expect(MailboxOperation.readOwnRights.isAllowed(by: [.insert]))
        #expect(!MailboxOperation.readOwnRights.isAllowed(by: [.keepSeen, .write, .post, .deleteMessages, .expunge]))
        for operation in MailboxOperation.allCases {
            #expect(operation.isAllowed(by: .all))
            #expect(!operation.isAllowed(by: []))
        }
    }

    /// §4 "Copying or appending messages": only the flags the user may set are stored.
    @Test("Flags are kept only where the rights allow them")
    func permittedFlags() {
        let flags = MessageFlags(system: [.seen, .deleted, .flagged], keywords: ["$Label1"])
        #expect(AccessRights([.keepSeen]).permitted(flags) == MessageFlags(system: [.seen]))
        #expect(AccessRights([.deleteMessages]).permitted(flags) == MessageFlags(system: [.deleted]))
        #expect(AccessRights([.write]).permitted(flags) == MessageFlags(system: [.flagged], keywords: ["$Label1"]))
        #expect(AccessRights.all.permitted(flags) == flags)
    }
}
