import IMAPSyntax
import MailCore
import Testing

extension CommandFixtures {
    /// RFC 9208 §4.1 and §7: GETQUOTA, GETQUOTAROOT, SETQUOTA, the new STATUS items.
    static let quota: [CommandFixture] = [
        .init("a1 GETQUOTA \"User quota\"", .getQuota(root: "User quota")),
        .init("a1 getquota \"\"", .getQuota(root: "")),
        .init("a1 GETQUOTA #user/alice", .getQuota(root: "#user/alice")),
        .init("a1 GETQUOTA {5}\r\nroot!", .getQuota(root: "root!")),
        .init("a1 GETQUOTAROOT INBOX", .getQuotaRoot(mailbox("INBOX"))),
        .init("a1 getquotaroot \"Sent Items\"", .getQuotaRoot(mailbox("Sent Items"))),
        .init("a1 GETQUOTAROOT comp.mail.mime", .getQuotaRoot(mailbox("comp.mail.mime"))),
        .init("a1 SETQUOTA \"#user/alice\" (STORAGE 510)",
              .setQuota(root: "#user/alice", limits: [QuotaLimitRequest(resource: "STORAGE", limit: 510)])),
        .init("a1 SETQUOTA \"\" (storage 512 Message 1000 X-FOO 0)",
              .setQuota(root: "", limits: [QuotaLimitRequest(resource: "STORAGE", limit: 512),
                                           QuotaLimitRequest(resource: "MESSAGE", limit: 1000),
                                           QuotaLimitRequest(resource: "X-FOO", limit: 0)])),
        .init("a1 SETQUOTA root ()", .setQuota(root: "root", limits: [])),
        .init("a1 SETQUOTA r (STORAGE 9223372036854775807)",
              .setQuota(root: "r", limits: [QuotaLimitRequest(resource: "STORAGE", limit: 9_223_372_036_854_775_807)])),
        .init("a1 STATUS INBOX (MESSAGES DELETED DELETED-STORAGE)",
              .status(mailbox("INBOX"), [.messages, .deleted, .deletedStorage])),
        .init("a1 STATUS INBOX (deleted-storage)", .status(mailbox("INBOX"), [.deletedStorage])),
    ]
}

extension FailureFixtures {
    static let quota: [FailureFixture] = [
        f("a GETQUOTA", .unexpectedEnd),
        f("a GETQUOTA ", .unexpectedEnd),
        f("a GETQUOTA a b", .trailingCharacters),
        f("a GETQUOTAROOT", .unexpectedEnd),
        f("a SETQUOTA root", .unexpectedEnd),
        f("a SETQUOTA root STORAGE 1", .expected(rule: "setquota-list")),
        f("a SETQUOTA root (STORAGE)", .expected(rule: "SP")),
        f("a SETQUOTA root (STORAGE -1)", .expected(rule: "number64")),
        f("a SETQUOTA root (STORAGE 9223372036854775808)", .invalidNumber),
        f("a SETQUOTA root (STORAGE 1 )", .expected(rule: "resource-name")),
        f("a SETQUOTA root (STORAGE 1", .unexpectedEnd),
        f("a STATUS INBOX (DELETED-STORAGEX)", .unknownStatusAttribute("DELETED-STORAGEX")),
    ]
}

@Suite("Parser: QUOTA (RFC 9208)")
struct ParserQuotaTests {
    @Test("GETQUOTA, GETQUOTAROOT, SETQUOTA, STATUS DELETED-STORAGE (RFC 9208 §7)", arguments: CommandFixtures.quota)
    func commands(_ fixture: CommandFixture) { expectParses(fixture) }

    @Test("malformed QUOTA commands", arguments: FailureFixtures.quota)
    func failures(_ fixture: FailureFixture) {
        guard let error = parseFailure(fixture.input) else { return }
        #expect(error.kind == fixture.kind)
        #expect(error.tag == fixture.tag)
    }
}
