import MailCore
import Testing

@Suite("MessageFlags")
struct MessageFlagsTests {
    @Test func wireFlagsDropRecentAndExtensions() {
        let flags = MessageFlags([.seen, .recent, .extension("\\Custom"), .keyword("$Junk"), .deleted])
        #expect(flags.system == [.seen, .deleted])
        #expect(flags.keywords == ["$Junk"])
        #expect(!flags.contains(.recent))
    }

    @Test func flagsListSystemFlagsFirstInCanonicalOrder() {
        let flags = MessageFlags([.keyword("Work"), .draft, .answered, .seen, .flagged, .deleted])
        #expect(flags.flags == [.answered, .flagged, .deleted, .seen, .draft, .keyword("Work")])
    }

    @Test func replaceSetsExactlyTheGivenFlags() {
        var flags = MessageFlags([.seen, .keyword("Old")])
        let changed1 = flags.apply(.replace, MessageFlags([.flagged, .keyword("New")]))
        #expect(changed1)
        #expect(flags.system == [.flagged])
        #expect(flags.keywords == ["New"])
        let changed2 = flags.apply(.replace, MessageFlags([.keyword("NEW"), .flagged]))
        #expect(!changed2)
    }

    @Test func addUnionsAndReportsChange() {
        var flags = MessageFlags([.seen])
        let changed3 = flags.apply(.add, MessageFlags([.flagged, .keyword("A")]))
        #expect(changed3)
        #expect(flags.system == [.seen, .flagged])
        #expect(flags.keywords == ["A"])
        let changed4 = flags.apply(.add, MessageFlags([.seen, .keyword("a")]))
        #expect(!changed4)
        #expect(flags.keywords == ["A"])
    }

    @Test func removeSubtractsAndReportsChange() {
        var flags = MessageFlags([.seen, .deleted, .keyword("Keep"), .keyword("Drop")])
        let changed5 = flags.apply(.remove, MessageFlags([.deleted, .keyword("DROP")]))
        #expect(changed5)
        #expect(flags.system == [.seen])
        #expect(flags.keywords == ["Keep"])
        let changed6 = flags.apply(.remove, MessageFlags([.answered, .keyword("absent")]))
        #expect(!changed6)
    }

    @Test func keywordsCompareCaseInsensitivelyAndKeepTheFirstSpelling() {
        var flags = MessageFlags()
        flags.insert(.keyword("$Forwarded"))
        flags.insert(.keyword("$FORWARDED"))
        #expect(flags.keywords == ["$Forwarded"])
        #expect(flags.contains(.keyword("$forwarded")))
        flags.remove(.keyword("$fOrWaRdEd"))
        #expect(flags.keywords.isEmpty)
    }

    @Test func keywordsInOneAddAreDeduplicated() {
        var flags = MessageFlags()
        flags.apply(.add, MessageFlags(system: [], keywords: ["Tag", "TAG", "tag"]))
        #expect(flags.keywords == ["Tag"])
    }

    @Test func sameFlagsIgnoresKeywordOrderAndCase() {
        let one = MessageFlags(system: [.seen], keywords: ["A", "b"])
        #expect(one.sameFlags(as: MessageFlags(system: [.seen], keywords: ["B", "a"])))
        #expect(!one.sameFlags(as: MessageFlags(system: [.seen], keywords: ["A"])))
        #expect(!one.sameFlags(as: MessageFlags(system: [], keywords: ["A", "b"])))
    }

    @Test(arguments: [("Work", "work", true), ("$MDNSent", "$mdnsent", true), ("a[", "A{", false),
                      ("é", "É", false), ("abc", "abcd", false), ("@", "`", false)])
    func caseInsensitiveEqualsIsASCIIOnly(_ a: String, _ b: String, _ equal: Bool) {
        #expect(a.caseInsensitiveEquals(b) == equal)
        #expect(b.caseInsensitiveEquals(a) == equal)
    }
}
