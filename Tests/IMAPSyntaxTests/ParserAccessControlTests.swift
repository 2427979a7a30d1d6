import IMAPSyntax
import MailCore
import Testing

extension CommandFixtures {
    /// RFC 4314 §3 and §7: SETACL, DELETEACL, GETACL, LISTRIGHTS, MYRIGHTS; RFC 8440 MYRIGHTS
    /// as a LIST return option.
    static let accessControl: [CommandFixture] = [
        .init("a1 SETACL INBOX bob lrswi",
              .accessControl(.setACL(mailbox("INBOX"), identifier: "bob",
                                     change: AccessRightsChange(mode: .replace, rights: [.lookup, .read, .keepSeen, .write, .insert])))),
        .init("a1 setacl \"Team/Sub\" -anyone +c",
              .accessControl(.setACL(mailbox("Team/Sub"), identifier: "-anyone",
                                     change: AccessRightsChange(mode: .add, rights: [.createMailboxes])))),
        .init("a1 SETACL INBOX fred -d",
              .accessControl(.setACL(mailbox("INBOX"), identifier: "fred",
                                     change: AccessRightsChange(mode: .remove, rights: [.deleteMailbox, .deleteMessages, .expunge])))),
        .init("a1 SETACL INBOX fred \"\"",
              .accessControl(.setACL(mailbox("INBOX"), identifier: "fred", change: AccessRightsChange(mode: .replace, rights: [])))),
        .init("a1 SETACL INBOX {4}\r\nfred {2}\r\nlr",
              .accessControl(.setACL(mailbox("INBOX"), identifier: "fred",
                                     change: AccessRightsChange(mode: .replace, rights: [.lookup, .read])))),
        .init("a1 DELETEACL INBOX authenticated", .accessControl(.deleteACL(mailbox("INBOX"), identifier: "authenticated"))),
        .init("a1 GETACL \"Other Users/alice/Team\"", .accessControl(.getACL(mailbox("Other Users/alice/Team")))),
        .init("a1 LISTRIGHTS INBOX smith", .accessControl(.listRights(mailbox("INBOX"), identifier: "smith"))),
        .init("a1 myrights inbox", .accessControl(.myRights(mailbox("inbox")))),
        .init("a1 LIST \"\" \"*\" RETURN (MYRIGHTS)",
              .list(ListCommand(reference: mailbox(""), patterns: [MailboxPattern("*")],
                                returnOptions: [.myRights], isExtended: true))),
    ]
}

extension FailureFixtures {
    static let accessControl: [FailureFixture] = [
        f("a SETACL INBOX bob", .unexpectedEnd),
        f("a SETACL INBOX bob lrz", .expected(rule: "mod-rights (rights letters of RFC 4314)")),
        f("a SETACL INBOX bob +1", .expected(rule: "mod-rights (rights letters of RFC 4314)")),
        f("a SETACL INBOX \"\" lr", .expected(rule: "identifier")),
        f("a DELETEACL INBOX", .unexpectedEnd),
        f("a GETACL", .unexpectedEnd),
        f("a GETACL INBOX x", .trailingCharacters),
        f("a LISTRIGHTS INBOX", .unexpectedEnd),
        f("a MYRIGHTS", .unexpectedEnd),
    ]
}

@Suite("Parser: ACL (RFC 4314)")
struct ParserAccessControlTests {
    @Test("SETACL, DELETEACL, GETACL, LISTRIGHTS, MYRIGHTS (RFC 4314 §7)", arguments: CommandFixtures.accessControl)
    func commands(_ fixture: CommandFixture) { expectParses(fixture) }

    @Test("malformed ACL commands", arguments: FailureFixtures.accessControl)
    func failures(_ fixture: FailureFixture) {
        guard let error = parseFailure(fixture.input) else { return }
        #expect(error.kind == fixture.kind)
        #expect(error.tag == fixture.tag)
    }
}

@Suite("Encoder: ACL responses (RFC 4314 §3.6–3.8)")
struct EncoderAccessControlTests {
    @Test("ACL, LISTRIGHTS and MYRIGHTS responses")
    func responses() {
        #expect(wire(.untagged(.acl("INBOX", [AccessListEntry(identifier: "alice", rights: "lrswipkxteacd"),
                                             AccessListEntry(identifier: "-anyone", rights: "r")])))
                == "* ACL \"INBOX\" alice lrswipkxteacd -anyone r\r\n")
        #expect(wire(.untagged(.acl("Team", []))) == "* ACL \"Team\"\r\n")
        #expect(wire(.untagged(.acl("Team", [AccessListEntry(identifier: "John Smith", rights: "l")])))
                == "* ACL \"Team\" \"John Smith\" l\r\n")
        #expect(wire(.untagged(.listRights("INBOX", identifier: "bob", required: "", optional: ["l", "r"])))
                == "* LISTRIGHTS \"INBOX\" bob \"\" l r\r\n")
        #expect(wire(.untagged(.myRights("Other Users/alice/Team", rights: "lr")))
                == "* MYRIGHTS \"Other Users/alice/Team\" lr\r\n")
    }
}
