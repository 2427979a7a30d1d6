import MailCore
import Testing

@Suite("SETACL changes and STORE within rights (RFC 4314 §3.1, §4)")
struct AccessRightsChangeTests {
    @Test("mod-rights: replace, + adds, - removes; c and d as their groups; unknown letters refused")
    func modRights() {
        #expect(AccessRightsChange("lr") == AccessRightsChange(mode: .replace, rights: [.lookup, .read]))
        #expect(AccessRightsChange("+c") == AccessRightsChange(mode: .add, rights: [.createMailboxes]))
        #expect(AccessRightsChange("-d") == AccessRightsChange(mode: .remove, rights: .obsoleteDelete))
        #expect(AccessRightsChange("") == AccessRightsChange(mode: .replace, rights: []))
        #expect(AccessRightsChange("lrz") == nil)
        #expect(AccessRightsChange("+1") == nil)
        let current: AccessRights = [.lookup, .read, .write]
        #expect(AccessRightsChange("+s")?.applied(to: current) == [.lookup, .read, .write, .keepSeen])
        #expect(AccessRightsChange("-wl")?.applied(to: current) == [.read])
        #expect(AccessRightsChange("i")?.applied(to: current) == [.insert])
    }

    @Test("standard letters round-trip without the virtual c and d")
    func storedForm() {
        let rights: AccessRights = [.lookup, .createMailboxes, .expunge]
        #expect(rights.standardLetters == "lke")
        #expect(rights.description == "lkecd")
        #expect(AccessRights(letters: rights.standardLetters) == rights)
    }

    @Test("STORE changes only the flags the rights allow; FLAGS keeps the others as they were")
    func storeWithinRights() {
        var flags = MessageFlags([.seen, .keyword("$Work")])
        let onlySeen: AccessRights = [.read, .keepSeen]
        let added = flags.apply(.add, MessageFlags([.flagged, .deleted]), allowedBy: onlySeen)
        #expect(!added)
        let removed = flags.apply(.remove, MessageFlags([.seen]), allowedBy: onlySeen)
        #expect(removed)
        #expect(flags == MessageFlags([.keyword("$Work")]))
        let writeOnly: AccessRights = [.read, .write]
        flags = MessageFlags([.seen, .deleted, .keyword("$Work")])
        let replaced = flags.apply(.replace, MessageFlags([.flagged]), allowedBy: writeOnly)
        #expect(replaced)
        #expect(flags.sameFlags(as: MessageFlags([.flagged, .seen, .deleted])), "\\Seen and \\Deleted stay, $Work goes")
        var all = MessageFlags([.seen])
        let replacedAll = all.apply(.replace, MessageFlags([.draft]), allowedBy: .all)
        #expect(replacedAll)
        #expect(all == MessageFlags([.draft]))
    }
}
