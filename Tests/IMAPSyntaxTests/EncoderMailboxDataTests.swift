import IMAPSyntax
import MailCore
import NIOCore
import Testing

/// Untagged server and mailbox data (RFC 9051 §7.2–§7.4 and the extensions' responses).
@Suite struct EncoderMailboxDataTests {
    @Test func capabilityAndEnabled() {
        #expect(wire(.untagged(.capability(["IMAP4rev1", "IMAP4rev2", "AUTH=PLAIN", "IDLE"])))
                == "* CAPABILITY IMAP4rev1 IMAP4rev2 AUTH=PLAIN IDLE\r\n")
        #expect(wire(.untagged(.enabled(["IMAP4rev2"]))) == "* ENABLED IMAP4rev2\r\n")
        #expect(wire(.untagged(.enabled(["CONDSTORE", "QRESYNC"]))) == "* ENABLED CONDSTORE QRESYNC\r\n")
        #expect(wire(.untagged(.enabled([]))) == "* ENABLED\r\n")
    }

    @Test func flags() {
        #expect(wire(.untagged(.flags([.answered, .flagged, .deleted, .seen, .draft])))
                == "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)\r\n")
        #expect(wire(.untagged(.flags([.seen, .keyword("$Forwarded"), .keyword("Junk")])))
                == "* FLAGS (\\Seen $Forwarded Junk)\r\n")
        #expect(wire(.untagged(.flags([]))) == "* FLAGS ()\r\n")
    }

    @Test func list() {
        let inbox = ListResponse(attributes: [.hasNoChildren], delimiter: "/", name: "INBOX")
        #expect(wire(.untagged(.list(inbox))) == "* LIST (\\HasNoChildren) \"/\" \"INBOX\"\r\n")
        let flat = ListResponse(attributes: [], delimiter: nil, name: "foo")
        #expect(wire(.untagged(.list(flat))) == "* LIST () NIL \"foo\"\r\n")
        let dot = ListResponse(attributes: [.noSelect, .hasChildren], delimiter: ".",
                               name: "~/Mail/foo")
        #expect(wire(.untagged(.lsub(dot))) == "* LSUB (\\Noselect \\HasChildren) \".\" \"~/Mail/foo\"\r\n")
        let backslash = ListResponse(attributes: [.specialUse(.sent)], delimiter: "\\", name: "Sent")
        #expect(wire(.untagged(.list(backslash))) == "* LIST (\\Sent) \"\\\\\" \"Sent\"\r\n")
    }

    @Test func listInternationalNames() {
        let name = ListResponse(attributes: [], delimiter: "/", name: "~peter/mail/台北/日本語")
        #expect(wire(.untagged(.list(name)))
                == "* LIST () \"/\" \"~peter/mail/&U,BTFw-/&ZeVnLIqe-\"\r\n")
        #expect(wire(.untagged(.list(name)), utf8: true)
                == "* LIST () \"/\" \"~peter/mail/台北/日本語\"\r\n")
    }

    @Test func listExtendedItems() {
        let childInfo = ListResponse(attributes: [], delimiter: "/", name: "Foo",
                                     childInfo: ["SUBSCRIBED"])
        #expect(wire(.untagged(.list(childInfo)))
                == "* LIST () \"/\" \"Foo\" (\"CHILDINFO\" (\"SUBSCRIBED\"))\r\n")
        let renamed = ListResponse(attributes: [], delimiter: "/", name: "INBOX", oldName: "inbox")
        #expect(wire(.untagged(.list(renamed)))
                == "* LIST () \"/\" \"INBOX\" (\"OLDNAME\" (\"inbox\"))\r\n")
        let both = ListResponse(attributes: [.subscribed], delimiter: "/", name: "Ärger",
                                childInfo: ["SUBSCRIBED"], oldName: "Old & new")
        #expect(wire(.untagged(.list(both)))
                == "* LIST (\\Subscribed) \"/\" \"&AMQ-rger\" (\"CHILDINFO\" (\"SUBSCRIBED\") "
                   + "\"OLDNAME\" (\"Old &- new\"))\r\n")
    }

    @Test func status() {
        #expect(wire(.untagged(.status("blurdybloop", [.messages(231), .uidNext(UID(44292))])))
                == "* STATUS \"blurdybloop\" (MESSAGES 231 UIDNEXT 44292)\r\n")
        let all: [StatusValue] = [.messages(5), .recent(1), .uidNext(UID(10)),
                                  .uidValidity(UIDValidity(3857529045)), .unseen(2), .deleted(0),
                                  .size(123456), .highestModSeq(ModSeq(7011231777)),
                                  .mailboxID("F2212ea87-6097-4256-9d51-71338625"),
                                  .appendLimit(nil), .appendLimit(1024)]
        #expect(wire(.untagged(.status("台北", all)))
                == "* STATUS \"&U,BTFw-\" (MESSAGES 5 RECENT 1 UIDNEXT 10 UIDVALIDITY 3857529045 "
                   + "UNSEEN 2 DELETED 0 SIZE 123456 HIGHESTMODSEQ 7011231777 "
                   + "MAILBOXID (F2212ea87-6097-4256-9d51-71338625) APPENDLIMIT NIL "
                   + "APPENDLIMIT 1024)\r\n")
        #expect(wire(.untagged(.status("x", []))) == "* STATUS \"x\" ()\r\n")
    }

    @Test func search() {
        #expect(wire(.untagged(.search([2, 3, 6], modSeq: nil))) == "* SEARCH 2 3 6\r\n")
        #expect(wire(.untagged(.search([2, 3], modSeq: ModSeq(917162500))))
                == "* SEARCH 2 3 (MODSEQ 917162500)\r\n")
        #expect(wire(.untagged(.search([], modSeq: nil))) == "* SEARCH\r\n")
        #expect(wire(.untagged(.search([], modSeq: ModSeq(5))))  == "* SEARCH\r\n")
    }

    @Test func esearch() {
        #expect(wire(.untagged(.esearch(tag: "a", uid: true,
                                        [.min(2), .count(3), .all([2...2, 10...11])])))
                == "* ESEARCH (TAG \"a\") UID MIN 2 COUNT 3 ALL 2,10:11\r\n")
        #expect(wire(.untagged(.esearch(tag: "A285", uid: true, [.min(7), .max(3800)])))
                == "* ESEARCH (TAG \"A285\") UID MIN 7 MAX 3800\r\n")
        #expect(wire(.untagged(.esearch(tag: "A284", uid: false, [.count(0), .all([])])))
                == "* ESEARCH (TAG \"A284\") COUNT 0\r\n")
        #expect(wire(.untagged(.esearch(tag: nil, uid: false, []))) == "* ESEARCH\r\n")
        #expect(wire(.untagged(.esearch(tag: "t", uid: false,
                                        [.all([1...3]), .modSeq(ModSeq(917162500))])))
                == "* ESEARCH (TAG \"t\") ALL 1:3 MODSEQ 917162500\r\n")
    }

    @Test func messageCounts() {
        #expect(wire(.untagged(.exists(23))) == "* 23 EXISTS\r\n")
        #expect(wire(.untagged(.exists(0))) == "* 0 EXISTS\r\n")
        #expect(wire(.untagged(.recent(5))) == "* 5 RECENT\r\n")
        #expect(wire(.untagged(.expunge(SequenceNumber(44)))) == "* 44 EXPUNGE\r\n")
    }

    @Test func vanished() {
        let uids = UIDSet(((300...310).map { $0 } + [405]).map { UID($0) })
        #expect(wire(.untagged(.vanished(earlier: true, uids))) == "* VANISHED (EARLIER) 300:310,405\r\n")
        #expect(wire(.untagged(.vanished(earlier: false, UIDSet([UID(7)])))) == "* VANISHED 7\r\n")
        #expect(wire(.untagged(.vanished(earlier: false, UIDSet()))) == "")
    }

    @Test func namespace() {
        let personal = [NamespaceDescription(prefix: "", delimiter: "/")]
        #expect(wire(.untagged(.namespace(personal: personal, otherUsers: [], shared: [])))
                == "* NAMESPACE ((\"\" \"/\")) NIL NIL\r\n")
        let other = [NamespaceDescription(prefix: "~", delimiter: "/")]
        let shared = [NamespaceDescription(prefix: "#shared/", delimiter: "/"),
                      NamespaceDescription(prefix: "#public/", delimiter: "/")]
        #expect(wire(.untagged(.namespace(personal: personal, otherUsers: other, shared: shared)))
                == "* NAMESPACE ((\"\" \"/\")) ((\"~\" \"/\")) ((\"#shared/\" \"/\")(\"#public/\" \"/\"))\r\n")
        #expect(wire(.untagged(.namespace(personal: [], otherUsers: [],
                                          shared: [NamespaceDescription(prefix: "", delimiter: ".")])))
                == "* NAMESPACE NIL NIL ((\"\" \".\"))\r\n")
    }

    @Test func id() {
        let fields = [IDField(name: "name", value: "Tern"), IDField(name: "version", value: "1.0"),
                      IDField(name: "support-url", value: nil)]
        #expect(wire(.untagged(.id(fields))) == "* ID (\"name\" \"Tern\" \"version\" \"1.0\" \"support-url\" NIL)\r\n")
        #expect(wire(.untagged(.id(nil))) == "* ID NIL\r\n")
        #expect(wire(.untagged(.id([]))) == "* ID NIL\r\n")
    }
}

@Suite("Encoder: QUOTA responses (RFC 9208 §4.2)")
struct EncoderQuotaTests {
    @Test func quota() {
        #expect(wire(.untagged(.quota(root: "User quota", [
            QuotaResourceStatus(resource: "STORAGE", usage: 10, limit: 512),
            QuotaResourceStatus(resource: "MESSAGE", usage: 42, limit: 1000)])))
                == "* QUOTA \"User quota\" (STORAGE 10 512 MESSAGE 42 1000)\r\n")
        #expect(wire(.untagged(.quota(root: "", []))) == "* QUOTA \"\" ()\r\n")
    }

    @Test func quotaRoot() {
        #expect(wire(.untagged(.quotaRoot("INBOX", roots: ["User quota"]))) == "* QUOTAROOT \"INBOX\" \"User quota\"\r\n")
        #expect(wire(.untagged(.quotaRoot("Entwürfe", roots: []))) == "* QUOTAROOT \"Entw&APw-rfe\"\r\n")
        #expect(wire(.untagged(.quotaRoot("a", roots: ["x", "y"]))) == "* QUOTAROOT \"a\" \"x\" \"y\"\r\n")
    }

    @Test func deletedStorage() {
        #expect(wire(.untagged(.status("INBOX", [.messages(12), .deleted(4), .deletedStorage(8)])))
                == "* STATUS \"INBOX\" (MESSAGES 12 DELETED 4 DELETED-STORAGE 8)\r\n")
    }
}
