@testable import IMAPServer
import IMAPSyntax
import Testing

@Suite("Mailbox names on the wire (RFC 3501 §5.1.3, RFC 9051 §5.1)")
struct MailboxNamesTests {
    @Test("A name that is not valid modified UTF-7 is NO, not BAD (RFC 3501 §5.1.3)", arguments: [
        "&", "a&b", "&Jjo", "&AGE-", "&-&", "&U,BTFw",
    ])
    func invalidModifiedUTF7(name: String) {
        for (creates, code) in [(false, ResponseCode.nonExistent), (true, .cannot)] {
            do {
                _ = try MailboxNames.decode(MailboxName(name), utf8: false, trailingDelimiterAllowed: creates)
                Issue.record("\(name) was accepted")
            } catch {
                #expect(error.outcome.status == .no && error.outcome.code == code)
            }
        }
    }

    @Test("Not valid UTF-8 where names are UTF-8 (RFC 9051 §5.1) is NO too")
    func invalidUTF8() throws {
        do {
            _ = try MailboxNames.decode(MailboxName([0x62, 0xFF]), utf8: true)
            Issue.record("invalid UTF-8 was accepted")
        } catch {
            #expect(error.outcome.status == .no && error.outcome.code == .nonExistent)
        }
        #expect(MailboxNames.text(of: [0x62, 0xFF], utf8: true) == nil)
        #expect(MailboxNames.text(of: Array("a&b".utf8), utf8: false) == nil)
        #expect(try MailboxNames.decode(MailboxName("Über"), utf8: true) == "Über")
        #expect(try MailboxNames.decode(MailboxName("&ANw-ber"), utf8: false) == "Über")
    }
}
