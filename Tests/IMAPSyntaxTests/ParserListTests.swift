import IMAPSyntax
import MailCore
import Testing

/// LIST and LSUB fixtures (RFC 9051 §6.3.9, RFC 3501 §6.3.8–9, RFC 5258, RFC 5819, RFC 6154).
enum ListFixtures {
    static let basic: [CommandFixture] = [
        .init("a1 LIST \"\" \"\"", list("", [""])),
        .init("a1 LIST \"\" %", list("", ["%"])),
        .init("a1 list ~/Mail/ *", list("~/Mail/", ["*"])),
        .init("a1 LIST #news. comp.mail.*", list("#news.", ["comp.mail.*"])),
        .init("a1 LIST /usr/staff/jones \"\"", list("/usr/staff/jones", [""])),
        .init("a1 LIST \"\" INBOX]%", list("", ["INBOX]%"])),
        .init("a1 LIST {0}\r\n {3}\r\nA/%", list("", ["A/%"])),
        .init("a1 LIST \"\" \"Entwürfe/*\"", list("", ["Entwürfe/*"])),
        .init("a1 LSUB \"#news.\" \"comp.mail.*\"", .lsub(reference: mailbox("#news."), pattern: MailboxPattern("comp.mail.*"))),
        .init("a1 LSUB \"\" %", .lsub(reference: mailbox(""), pattern: MailboxPattern("%"))),
    ]

    static let extended: [CommandFixture] = [
        .init("a1 LIST () \"\" %", list("", ["%"], extended: true)),
        .init("a1 LIST (SUBSCRIBED) \"\" \"*\"", list("", ["*"], selection: [.subscribed], extended: true)),
        .init("a1 LIST (subscribed RECURSIVEMATCH) \"\" %",
              list("", ["%"], selection: [.subscribed, .recursiveMatch], extended: true)),
        .init("a1 LIST (RECURSIVEMATCH SUBSCRIBED REMOTE) \"\" %",
              list("", ["%"], selection: [.recursiveMatch, .subscribed, .remote], extended: true)),
        .init("a1 LIST (REMOTE) \"\" %", list("", ["%"], selection: [.remote], extended: true)),
        .init("a1 LIST (SPECIAL-USE) \"\" *", list("", ["*"], selection: [.specialUse], extended: true)),
        .init("a1 LIST (vendor.example-opt RECURSIVEMATCH) \"\" *",
              list("", ["*"], selection: [.other("VENDOR.EXAMPLE-OPT"), .recursiveMatch], extended: true)),
        .init("a1 LIST (X-OPT (a (b \"c\")) REMOTE) \"\" *",
              list("", ["*"], selection: [.other("X-OPT"), .remote], extended: true)),
        .init("a1 LIST \"\" (INBOX Drafts \"Sent Items\" %/*)",
              list("", ["INBOX", "Drafts", "Sent Items", "%/*"], extended: true)),
        .init("a1 LIST \"\" % RETURN (CHILDREN)", list("", ["%"], returning: [.children], extended: true)),
        .init("a1 LIST \"\" % RETURN ()", list("", ["%"], extended: true)),
        .init("a1 LIST \"\" % return (subscribed children special-use)",
              list("", ["%"], returning: [.subscribed, .children, .specialUse], extended: true)),
        .init("a1 LIST \"\" % RETURN (STATUS (MESSAGES UNSEEN))",
              list("", ["%"], returning: [.status([.messages, .unseen])], extended: true)),
        .init("a1 LIST (SUBSCRIBED) \"\" (\"*\" \"%\") RETURN (CHILDREN STATUS (UIDNEXT SIZE))",
              list("", ["*", "%"], selection: [.subscribed], returning: [.children, .status([.uidNext, .size])],
                   extended: true)),
        .init("a1 LIST \"\" * RETURN (X-MINE X-ATTR (1 2))",
              list("", ["*"], returning: [.other("X-MINE"), .other("X-ATTR")], extended: true)),
    ]

    static let all = basic + extended
}

@Suite("Parser: LIST and LSUB")
struct ParserListTests {
    @Test("RFC 3501 LIST and LSUB", arguments: ListFixtures.basic)
    func basic(_ fixture: CommandFixture) { expectParses(fixture) }

    @Test("LIST-EXTENDED, LIST-STATUS, SPECIAL-USE (RFC 5258, RFC 5819, RFC 6154)", arguments: ListFixtures.extended)
    func extended(_ fixture: CommandFixture) { expectParses(fixture) }
}
