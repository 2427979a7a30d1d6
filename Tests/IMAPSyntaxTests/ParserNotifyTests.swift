import IMAPSyntax
import MailCore
import Testing

/// NOTIFY fixtures (RFC 5465 §8), most from the RFC's examples (§3.1, §6).
enum NotifyFixtures {
    static let both: [NotifyEvent] = [.messageNew([]), .messageExpunge]
    static let subjectPeek = FetchAttribute.bodySection(
        SectionSpecifier(text: .headerFields(["from", "to", "subject"])), partial: nil, peek: true)

    static let valid: [CommandFixture] = [
        CommandFixture("a NOTIFY NONE", .notify(.none), tag: "a"),
        CommandFixture("b notify set status (selected (MessageNew (uid body.peek[header.fields (from to subject)]) MessageExpunge)) (subtree Lists (MessageNew MessageExpunge))",
                       .notify(.set(status: true, groups: [
                           NotifyEventGroup(.selected, [.messageNew([.uid, subjectPeek]), .messageExpunge]),
                           NotifyEventGroup(.subtree([MailboxName("Lists")]), both),
                       ])), tag: "b"),
        CommandFixture("e notify set (selected (MessageNew (uid) messageExpunge)) (subtree (Lists \"Other Lists\") (MessageNew MessageExpunge)) (mailboxes misc (MessageNew MessageExpunge))",
                       .notify(.set(status: false, groups: [
                           NotifyEventGroup(.selected, [.messageNew([.uid]), .messageExpunge]),
                           NotifyEventGroup(.subtree([MailboxName("Lists"), MailboxName("Other Lists")]), both),
                           NotifyEventGroup(.mailboxes([MailboxName("misc")]), both),
                       ])), tag: "e"),
        CommandFixture("a notify set (mailboxes INBOX (Messagenew messageExpunge)) (personal (SubscriptionChange))",
                       .notify(.set(status: false, groups: [
                           NotifyEventGroup(.mailboxes([MailboxName("INBOX")]), both),
                           NotifyEventGroup(.personal, [.subscriptionChange]),
                       ])), tag: "a"),
        CommandFixture("a NOTIFY SET (SELECTED-DELAYED NONE) (INBOXES (MessageNew MessageExpunge FlagChange AnnotationChange)) (SUBSCRIBED (MailboxName MailboxMetadataChange ServerMetadataChange x-Future))",
                       .notify(.set(status: false, groups: [
                           NotifyEventGroup(.selectedDelayed, []),
                           NotifyEventGroup(.inboxes, both + [.flagChange, .annotationChange]),
                           NotifyEventGroup(.subscribed, [.mailboxName, .mailboxMetadataChange, .serverMetadataChange,
                                                          .other("x-Future")]),
                       ])), tag: "a"),
        CommandFixture("a NOTIFY SET (mailboxes {5}\r\nWork* (MessageNew MessageExpunge))",
                       .notify(.set(status: false, groups: [NotifyEventGroup(.mailboxes([MailboxName("Work*")]), both)])),
                       tag: "a"),
    ]

    /// The example of RFC 5465 §3.1 as printed, with `MessageNew (...)` outside an event list:
    /// not valid by §8's ABNF (every example of §6 has the parentheses).
    static let printedExample = "b notify set status (selected MessageNew (uid body.peek[header.fields (from to subject)]) MessageExpunge) (subtree Lists MessageNew)"

    static let invalid: [(String, ParseError.Kind)] = [
        ("a NOTIFY", .unexpectedEnd),
        ("a NOTIFY ALL", .expected(rule: "notify-set / notify-none")),
        ("a NOTIFY SET", .unexpectedEnd),
        ("a NOTIFY SET STATUS", .unexpectedEnd),
        ("a NOTIFY SET ()", .expected(rule: "filter-mailboxes")),
        ("a NOTIFY SET (everything (MessageNew))", .expected(rule: "filter-mailboxes")),
        ("a NOTIFY SET (personal MessageNew)", .expected(rule: "events")),
        ("a NOTIFY SET (personal ())", .expected(rule: "event")),
        ("a NOTIFY SET (subtree (MessageNew))", .expected(rule: "SP")),
        ("a NOTIFY SET (selected (MessageNew (NOSUCH)))", .unknownFetchAttribute("NOSUCH")),
        ("a NOTIFY SET (selected (MessageNew ()))", .expected(rule: "fetch-att")),
        ("a NOTIFY SET (personal (MailboxName)", .unexpectedEnd),
        ("a NOTIFY SET (personal (MailboxName))(subscribed NONE)", .trailingCharacters),
    ]
}

@Suite("Parser: NOTIFY (RFC 5465 §8)")
struct ParserNotifyTests {
    @Test("valid commands", arguments: NotifyFixtures.valid)
    func valid(_ fixture: CommandFixture) { expectParses(fixture) }

    @Test("the §3.1 example as printed (events not in parentheses) is a syntax error")
    func printedExample() {
        #expect(parseFailure(bytes(NotifyFixtures.printedExample))?.kind == .expected(rule: "events"))
    }

    @Test("invalid commands fail with a reason", arguments: NotifyFixtures.invalid.indices)
    func invalid(_ index: Int) {
        let (line, kind) = NotifyFixtures.invalid[index]
        #expect(parseFailure(bytes(line))?.kind == kind, "\(line)")
    }

    @Test("names and event kinds")
    func names() {
        #expect(Command.notify(.none).name == "NOTIFY")
        #expect(NotifyEvent.messageNew([.uid]).name == "MessageNew" && NotifyEvent.other("x-Y").name == "x-Y")
        #expect(NotifyEvent.flagChange.isMessageEvent && !NotifyEvent.mailboxName.isMessageEvent)
        #expect(NotifyMailboxFilter.selectedDelayed.isSelected && !NotifyMailboxFilter.personal.isSelected)
    }
}

@Suite("Encoder: unsolicited METADATA and NOTIFY response codes (RFC 5464 §4.4.2, RFC 5465 §8)")
struct EncoderNotifyTests {
    @Test("METADATA with entry names only")
    func metadataChanged() {
        let entries = [MetadataEntryName("/shared/comment")!, MetadataEntryName("/private/a b")!]
        #expect(wire(.untagged(.metadataChanged("INBOX", entries))) == "* METADATA \"INBOX\" /shared/comment \"/private/a b\"\r\n")
        #expect(wire(.untagged(.metadataChanged("", [entries[0]]))) == "* METADATA \"\" /shared/comment\r\n")
    }

    @Test("NOTIFICATIONOVERFLOW and BADEVENT")
    func codes() {
        #expect(wire(.untagged(.condition(.ok, ResponseText(code: .other("NOTIFICATIONOVERFLOW", nil), "off"))))
                == "* OK [NOTIFICATIONOVERFLOW] off\r\n")
        #expect(wire(.tagged("a", .no, ResponseText(code: .other("BADEVENT", "(MessageNew MessageExpunge)"), "no")))
                == "a NO [BADEVENT (MessageNew MessageExpunge)] no\r\n")
    }
}
