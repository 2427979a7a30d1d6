@testable import IMAPServer
import MailCore
import MailStore
import Testing

/// NOTIFY (RFC 5465) in sessions over the in-memory store: events pushed between commands,
/// during IDLE and at the end of commands, from other sessions and deliveries.
@Suite("Session: NOTIFY")
struct SessionNotifyTests {
    @Test("advertised; SET STATUS answers STATUS for each watched mailbox but the selected one (RFC 5465 §3.1)")
    func setStatus() async throws {
        try await SessionHarness.with { harness async throws in
            let client = try harness.connect()
            #expect(try await client.send("a LOGIN alice secret\r\n").contains(" NOTIFY"))
            try await client.send("b CREATE Lists/A\r\nc CREATE Other\r\nd SELECT INBOX\r\n")
            try await harness.deliver(SessionHarness.message(1), to: "alice", mailbox: "Lists/A")
            let answer = try await client.send("e NOTIFY SET STATUS (selected (MessageNew MessageExpunge)) (subtree Lists (MessageNew MessageExpunge))\r\n")
            #expect(answer.contains("* STATUS \"Lists\" (MESSAGES 0 UIDNEXT 1 UIDVALIDITY "))
            #expect(answer.contains("* STATUS \"Lists/A\" (MESSAGES 1 UIDNEXT 2 UIDVALIDITY "))
            #expect(!answer.contains("\"Other\"") && !answer.contains("STATUS \"INBOX\""), "\(answer)")
            #expect(answer.hasSuffix("e OK NOTIFY completed\r\n"))
            #expect(try await client.send("f NOTIFY SET (personal (MessageNew MessageExpunge))\r\n") == "f OK NOTIFY completed\r\n",
                    "without STATUS, no STATUS")
        }
    }

    @Test("a delivery to another mailbox is pushed at once as STATUS, between commands and in IDLE (RFC 5465 §5.2, §4)")
    func statusPushed() async throws {
        try await SessionHarness.with { harness async throws in
            let client = try harness.connect()
            try await client.logInAndSelect("alice")
            try await client.send("b CREATE Lists\r\n")
            #expect(try await client.send("c NOTIFY SET (personal (MessageNew MessageExpunge FlagChange))\r\n") == "c OK NOTIFY completed\r\n")
            try await harness.deliver(SessionHarness.message(1), to: "alice", mailbox: "Lists")
            let pushed = try await client.handleSignals()
            #expect(pushed.hasPrefix("* STATUS \"Lists\" (MESSAGES 1 UIDNEXT 2 UIDVALIDITY "), "\(pushed)")
            #expect(pushed.contains(" UNSEEN 1)"))
            #expect(try await client.handleSignals() == "", "nothing twice")
            #expect(try await client.send("d IDLE\r\n") == "+ idling\r\n")
            try await harness.deliver(SessionHarness.message(2), to: "alice", mailbox: "Lists")
            #expect(try await client.handleSignals().hasPrefix("* STATUS \"Lists\" (MESSAGES 2 UIDNEXT 3 "))
            #expect(try await client.send("DONE\r\n") == "d OK IDLE terminated\r\n")
            try await client.send("e STATUS INBOX (HIGHESTMODSEQ)\r\n")  // a CONDSTORE enabling command
            try await harness.deliver(SessionHarness.message(3), to: "alice", mailbox: "Lists")
            #expect(try await client.handleSignals().contains(" HIGHESTMODSEQ "), "CONDSTORE adds HIGHESTMODSEQ (§5.2)")
            try await client.send("f NOTIFY NONE\r\n")
            try await harness.deliver(SessionHarness.message(4), to: "alice", mailbox: "Lists")
            #expect(try await client.handleSignals() == "", "NOTIFY NONE: nothing")
        }
    }

    @Test("SELECTED: EXISTS and the FETCH asked for go out between commands (RFC 5465 §5.2, §6.1.1)")
    func selectedMessageNew() async throws {
        try await SessionHarness.with { harness async throws in
            let client = try harness.connect()
            try await client.logInAndSelect("alice")
            #expect(try await client.send("b NOTIFY SET (selected (MessageNew (UID BODY.PEEK[HEADER.FIELDS (Subject)]) MessageExpunge FlagChange))\r\n")
                    == "b OK NOTIFY completed\r\n")
            let uid = try await harness.deliver(SessionHarness.message(7), to: "alice")
            let pushed = try await client.handleSignals()
            #expect(pushed.hasPrefix("* 1 EXISTS\r\n"), "\(pushed)")
            #expect(pushed.contains("* 1 FETCH (UID \(uid.rawValue) BODY[HEADER.FIELDS (Subject)] {22}\r\nSubject: message 7\r\n\r\n)"), "\(pushed)")
            let other = try harness.connect()
            try await other.logInAndSelect("alice")
            try await other.send("x STORE 1 +FLAGS (\\Flagged)\r\n")
            #expect(try await client.handleSignals().contains("* 1 FETCH (FLAGS (\\Flagged"), "FlagChange")
            try await other.send("y STORE 1 +FLAGS (\\Deleted)\r\nz EXPUNGE\r\n")
            #expect(try await client.handleSignals().contains("* 1 EXPUNGE\r\n"), "SELECTED: expunges at once")
        }
    }

    @Test("SELECTED-DELAYED keeps expunges for a command that allows them (RFC 5465 §6.1.2)")
    func selectedDelayed() async throws {
        try await SessionHarness.with { harness async throws in
            try await harness.deliver(SessionHarness.message(1), to: "alice")
            let client = try harness.connect()
            try await client.logInAndSelect("alice")
            try await client.send("b NOTIFY SET (selected-delayed (MessageNew MessageExpunge))\r\n")
            let other = try harness.connect()
            try await other.logInAndSelect("alice")
            try await other.send("y STORE 1 +FLAGS (\\Deleted)\r\nz EXPUNGE\r\n")
            #expect(!(try await client.handleSignals()).contains("EXPUNGE"), "not between commands")
            #expect(!(try await client.send("c FETCH 1 (UID)\r\n")).contains("EXPUNGE"), "not during FETCH")
            #expect(try await client.send("d NOOP\r\n") == "* 1 EXPUNGE\r\nd OK NOOP completed\r\n")
        }
    }

    @Test("MailboxName: LIST for created, renamed (OLDNAME) and deleted mailboxes, not for the client's own (RFC 5465 §5.4)")
    func mailboxName() async throws {
        try await SessionHarness.with { harness async throws in
            let client = try harness.connect()
            try await client.send("a LOGIN alice secret\r\n")
            try await client.send("b NOTIFY SET (personal (MailboxName SubscriptionChange))\r\n")
            #expect(try await client.send("c CREATE Mine\r\n").hasPrefix("c OK"))
            #expect(try await client.handleSignals() == "", "§5: not the client's own change")
            let other = try harness.connect()
            try await other.send("a LOGIN alice secret\r\n")
            try await other.send("b CREATE Work/Reports\r\n")
            #expect(try await client.handleSignals()
                    == "* LIST (\\HasNoChildren) \"/\" \"Work/Reports\"\r\n* LIST (\\HasChildren) \"/\" \"Work\"\r\n")
            try await other.send("c RENAME Work Job\r\n")
            #expect(try await client.handleSignals() == "* LIST (\\HasChildren) \"/\" \"Job\" (\"OLDNAME\" (\"Work\"))\r\n")
            try await other.send("d DELETE Job/Reports\r\n")
            #expect(try await client.handleSignals()
                    == "* LIST (\\NonExistent) \"/\" \"Job/Reports\"\r\n* LIST (\\HasNoChildren) \"/\" \"Job\"\r\n")
            try await other.send("e SUBSCRIBE Job\r\n")
            #expect(try await client.handleSignals() == "* LIST (\\HasNoChildren \\Subscribed) \"/\" \"Job\"\r\n")
            try await other.send("f UNSUBSCRIBE Job\r\n")
            #expect(try await client.handleSignals() == "* LIST (\\HasNoChildren) \"/\" \"Job\"\r\n")
        }
    }

    @Test("MailboxMetadataChange and ServerMetadataChange: the names of changed entries (RFC 5465 §5.6, §5.7)")
    func metadata() async throws {
        try await SessionHarness.with(users: ["alice", "bob"]) { harness async throws in
            let client = try harness.connect()
            try await client.send("a LOGIN alice secret\r\n")
            try await client.send("b NOTIFY SET (personal (MailboxMetadataChange ServerMetadataChange))\r\n")
            let other = try harness.connect()
            try await other.send("a LOGIN alice secret\r\n")
            try await other.send("b SETMETADATA INBOX (/shared/comment \"x\" /private/mine NIL)\r\n")
            #expect(try await client.handleSignals() == "* METADATA \"INBOX\" /shared/comment /private/mine\r\n")
            let bob = try harness.connect()
            try await bob.send("a LOGIN bob secret\r\n")
            try await bob.send("b SETMETADATA INBOX (/shared/comment \"bob's\")\r\nc SETMETADATA \"\" (/private/x \"y\")\r\n")
            #expect(try await client.handleSignals() == "", "bob's mailboxes and private entries are not alice's")
            try await harness.storage.metadata.setMetadata([MetadataChange(name: MetadataEntryName("/shared/admin")!, value: Array("a".utf8))],
                                                           on: .server, limits: MetadataLimits(), as: .administrator)
            #expect(try await client.handleSignals() == "* METADATA \"\" /shared/admin\r\n")
        }
    }

    @Test("bad requests: BADEVENT lists the supported events; BAD for broken event sets (RFC 5465 §3.1, §5, §6.1)")
    func refusals() async throws {
        try await SessionHarness.with { harness async throws in
            let client = try harness.connect()
            #expect(try await client.send("a NOTIFY NONE\r\n").hasPrefix("a BAD"), "needs login")
            try await client.send("a LOGIN alice secret\r\n")
            #expect(try await client.send("b NOTIFY SET (personal (MessageNew MessageExpunge CalendarChange))\r\n")
                    == "b NO [BADEVENT (MessageNew MessageExpunge FlagChange AnnotationChange MailboxName SubscriptionChange MailboxMetadataChange ServerMetadataChange)] Unsupported event CalendarChange\r\n")
            #expect(try await client.send("c NOTIFY SET (personal (MessageNew))\r\n").hasPrefix("c BAD"))
            #expect(try await client.send("d NOTIFY SET (personal (FlagChange))\r\n").hasPrefix("d BAD"))
            #expect(try await client.send("e NOTIFY SET (selected (MailboxName))\r\n").hasPrefix("e BAD"))
            #expect(try await client.send("f NOTIFY SET (selected (MessageNew MessageExpunge)) (selected-delayed NONE)\r\n").hasPrefix("f BAD"))
            #expect(try await client.send("g NOTIFY SET (personal (MessageNew (UID) MessageExpunge))\r\n").hasPrefix("g BAD"))
            #expect(try await client.send("h NOTIFY SET (selected (MessageNew (BODY[]) MessageExpunge))\r\n").hasPrefix("h BAD"))
            #expect(try await client.send("i NOTIFY SET (mailboxes nosuch (MessageNew MessageExpunge))\r\n") == "i OK NOTIFY completed\r\n",
                    "§3.1: names of no mailbox are ignored")
            #expect(try await client.send("j NOTIFY BOGUS\r\n").hasPrefix("j BAD"))
            #expect(try await client.send("k NOOP\r\n") == "k OK NOOP completed\r\n")
        }
    }

    @Test("NOTIFICATIONOVERFLOW: too many mailboxes refuse the command; too many events turn NOTIFY off (RFC 5465 §3.1, §5.8)")
    func overflow() async throws {
        var configuration = ServerConfiguration()
        configuration.notifyMaxMailboxes = 2
        configuration.notifyMaxPendingEvents = 3
        try await SessionHarness.with(configuration: configuration) { harness async throws in
            let client = try harness.connect()
            try await client.send("a LOGIN alice secret\r\nb CREATE A\r\nc CREATE B\r\n")
            #expect(try await client.send("d NOTIFY SET (personal (MessageNew MessageExpunge))\r\n")
                    .hasPrefix("d NO [NOTIFICATIONOVERFLOW]"))
            try await client.send("e NOTIFY SET (personal (MailboxName))\r\n")
            let other = try harness.connect()
            try await other.send("a LOGIN alice secret\r\n")
            for index in 1...5 { try await other.send("c\(index) CREATE New\(index)\r\n") }
            #expect(try await client.handleSignals() == "* OK [NOTIFICATIONOVERFLOW] Too many events; NOTIFY is now off\r\n")
            try await other.send("z CREATE Later\r\n")
            #expect(try await client.handleSignals() == "")
        }
    }
}
