import MailCore
import MailImport
import Testing

@Suite("Dovecot Maildir files")
struct MaildirTests {
    @Test("dovecot-uidlist version 3: header fields, entries with S/W fields, gaps kept")
    func uidlistVersion3() {
        let text = """
            3 V1796546220 N9 G41c9b315aa1e156ba75a000083ecc375
            1 :1796546218.M365835P23207.vm,S=18,W=21
            4 W1234 S1200 :1796546218.M366343P23207.vm
            7 G0123 :name with: colon

            """
        let list = DovecotUIDList.parse(Array(text.utf8))
        #expect(list.version == 3)
        #expect(list.uidValidity == 1_796_546_220)
        #expect(list.nextUID == 9)
        #expect(list.entries == [
            .init(uid: 1, fileName: "1796546218.M365835P23207.vm,S=18,W=21"),
            .init(uid: 4, fileName: "1796546218.M366343P23207.vm", size: 1200, virtualSize: 1234),
            .init(uid: 7, fileName: "name with: colon"),
        ])
        #expect(list.problems.isEmpty)
        #expect(list.effectiveNextUID == 9)
    }

    @Test("dovecot-uidlist version 1, a header next UID below the last UID, broken lines reported")
    func uidlistVersion1AndProblems() {
        let text = "1 12345 2\n1 a.file\n5 b.file\nx c.file\n3 d.file\n6 a.file:2,S\n8\n"
        let list = DovecotUIDList.parse(Array(text.utf8))
        #expect(list.version == 1)
        #expect(list.uidValidity == 12345)
        #expect(list.entries.map(\.uid) == [1, 5])
        #expect(list.effectiveNextUID == 6)
        #expect(list.problems.map(\.line) == [4, 5, 6, 7])
        #expect(list.problems[1].reason.contains("out of order"))
        #expect(list.problems[2].reason.contains("twice"))
    }

    @Test("dovecot-uidlist without a usable header: no UIDVALIDITY, entries still read")
    func uidlistBadHeader() {
        let list = DovecotUIDList.parse(Array("garbage\n1 :a\n".utf8))
        #expect(list.uidValidity == nil)
        #expect(list.problems.first?.line == 1)
        #expect(DovecotUIDList.parse([]).entries.isEmpty)
    }

    @Test("dovecot-keywords: index to name; letters a–z")
    func keywords() {
        let keywords = DovecotKeywords.parse(Array("0 $Forwarded\n1 custom1\n30 toolarge\n2 has space\n".utf8))
        #expect(keywords.names == [0: "$Forwarded", 1: "custom1"])
        #expect(keywords.problems.map(\.line) == [3, 4])
        #expect(keywords.keyword(forLetter: "b") == "custom1")
        #expect(keywords.keyword(forLetter: "z") == nil)
        #expect(keywords.keyword(forLetter: "S") == nil)
    }

    @Test("Maildir file names: base, sizes, flags, keyword letters, delivery order")
    func fileNames() {
        let name = MaildirFileName("1796546218.M372403P23207.vm,S=18,W=21:2,DFPRSTab")
        #expect(name.base == "1796546218.M372403P23207.vm,S=18,W=21")
        #expect(name.size == 18 && name.virtualSize == 21)
        #expect(name.deliverySeconds == 1_796_546_218 && name.deliveryMicroseconds == 372_403)
        let keywords = DovecotKeywords(names: [0: "$Label1"])
        let flags = name.flags(keywords: keywords)
        #expect(flags.sameFlags(as: MessageFlags([.draft, .flagged, .answered, .seen, .deleted,
                                                  .keyword("$Forwarded"), .keyword("$Label1")])))
        #expect(MaildirFileName("123.abc.host").flagLetters.isEmpty)
        let ordered = ["200.M5P1.h", "100.M9P1.h", "100.M10P1.h", "junk"].map(MaildirFileName.init)
            .sorted(by: MaildirFileName.deliveryOrder).map(\.base)
        #expect(ordered == ["100.M9P1.h", "100.M10P1.h", "200.M5P1.h", "junk"])
    }

    @Test("Maildir++ and LAYOUT=fs folder names, modified UTF-7 decoded")
    func folderNames() {
        #expect(MaildirFolderName.maildirPlusPlus(".Sent") == "Sent")
        #expect(MaildirFolderName.maildirPlusPlus(".Lists.debian") == "Lists/debian")
        #expect(MaildirFolderName.maildirPlusPlus(".&AMk-t&AOk-") == "Été")
        #expect(MaildirFolderName.maildirPlusPlus(".inbox") == "INBOX")
        #expect(MaildirFolderName.maildirPlusPlus("cur") == nil)
        #expect(MaildirFolderName.maildirPlusPlus("..") == nil)
        #expect(MaildirFolderName.maildirPlusPlus(".a..b") == nil)
        #expect(MaildirFolderName.fs("Lists/debian") == "Lists/debian")
        #expect(MaildirFolderName.fs("Lists/../x") == nil)
        #expect(MaildirFolderName.fs("&-bad&") == "&-bad&")
    }

    @Test("subscriptions: version 2 with tab levels, and the older one-name-per-line form")
    func subscriptions() {
        let v2 = "V\t2\n\nSent\nLists\tdebian\n&AMk-t&AOk-\nSent\n"
        #expect(DovecotSubscriptions.parse(Array(v2.utf8)) == ["Sent", "Lists/debian", "Été"])
        #expect(DovecotSubscriptions.parse(Array("INBOX\nLists.debian\n\n".utf8)) == ["INBOX", "Lists/debian"])
        #expect(DovecotSubscriptions.parse(Array("a/b\n".utf8), separator: "/") == ["a/b"])
    }
}
