import LMTPSyntax
import Testing

@Suite struct CommandParserTests {
    private func parse(_ line: String) -> Result<LMTPCommand, LMTPSyntaxError> {
        LMTPCommandParser.parse(Array(line.utf8))
    }

    @Test func everyCommand() {
        #expect(parse("LHLO mx.example.org") == .success(.lhlo("mx.example.org")))
        #expect(parse("lhlo [127.0.0.1]") == .success(.lhlo("[127.0.0.1]")))
        #expect(parse("MAIL FROM:<a@b.example>") == .success(.mailFrom("a@b.example", MailParameters())))
        #expect(parse("MAIL FROM:<>") == .success(.mailFrom("", MailParameters())))
        #expect(parse("RCPT TO:<alice+lists@example.org>") == .success(.rcptTo("alice+lists@example.org")))
        #expect(parse("rcpt to:<Postmaster>") == .success(.rcptTo("Postmaster")))
        #expect(parse("DATA") == .success(.data))
        #expect(parse("BDAT 100") == .success(.bdat(size: 100, last: false)))
        #expect(parse("BDAT 0 last") == .success(.bdat(size: 0, last: true)))
        #expect(parse("RSET") == .success(.rset))
        #expect(parse("NOOP") == .success(.noop))
        #expect(parse("NOOP anything") == .success(.noop))
        #expect(parse("QUIT") == .success(.quit))
        #expect(parse("VRFY alice") == .success(.vrfy("alice")))
        #expect(parse("HELP") == .success(.help(nil)))
        #expect(parse("HELP DATA") == .success(.help("DATA")))
    }

    @Test func mailParameters() {
        #expect(parse("MAIL FROM:<a@b> SIZE=1000 BODY=8BITMIME SMTPUTF8")
                == .success(.mailFrom("a@b", MailParameters(size: 1000, body: .eightBitMIME, smtpUTF8: true))))
        #expect(parse("MAIL FROM:<a@b> body=binarymime") == .success(.mailFrom("a@b", MailParameters(body: .binaryMIME))))
        #expect(parse("MAIL FROM:<a@b> BODY=7BIT") == .success(.mailFrom("a@b", MailParameters(body: .sevenBit))))
        #expect(parse("MAIL FROM:<a@b> SIZE=x") == .failure(.badArguments("Bad SIZE parameter")))
        #expect(parse("MAIL FROM:<a@b> BODY=9BIT") == .failure(.badArguments("Bad BODY parameter")))
        #expect(parse("MAIL FROM:<a@b> RET=FULL") == .failure(.unsupportedParameter("RET")))
        #expect(parse("RCPT TO:<a@b> NOTIFY=NEVER") == .failure(.unsupportedParameter("NOTIFY")))
    }

    @Test func paths() {
        #expect(parse("MAIL FROM: <a@b>") == .success(.mailFrom("a@b", MailParameters())))
        #expect(parse("RCPT TO:<@relay.example,@other.example:bob@example.org>") == .success(.rcptTo("bob@example.org")))
        #expect(parse("RCPT TO:<\"john doe\"@example.org>") == .success(.rcptTo("\"john doe\"@example.org")))
        #expect(parse("RCPT TO:<jörg@exämple.org>") == .success(.rcptTo("jörg@exämple.org")))
        #expect(parse("RCPT TO:<>").isFailure)
        #expect(parse("RCPT TO:alice@example.org").isFailure)
        #expect(parse("RCPT TO:<a@b@c>").isFailure)
        #expect(parse("RCPT TO:<a@>").isFailure)
        #expect(parse("RCPT TO:<a b@c>").isFailure)
        #expect(parse("MAIL TO:<a@b>").isFailure)
    }

    @Test func errorsAndTheirReplies() {
        #expect(parse("EHLO x") == .failure(.unknownCommand("EHLO (this is LMTP: use LHLO)")))
        #expect(parse("FOO") == .failure(.unknownCommand("FOO")))
        #expect(parse("") == .failure(.unknownCommand("")))
        #expect(parse("LHLO") == .failure(.badArguments("LHLO needs a domain name")))
        #expect(parse("DATA now") == .failure(.badArguments("No parameters allowed")))
        #expect(parse("BDAT") == .failure(.badArguments("Syntax: BDAT size [LAST]")))
        #expect(parse("BDAT -1").isFailure)
        #expect(parse("BDAT 99999999999999999999999").isFailure)
        #expect(parse("BDAT 5 FIRST").isFailure)
        #expect(parse("VRFY").isFailure)
        #expect(LMTPCommandParser.parse([0x4e, 0x4f, 0x00, 0x50]) == .failure(.invalidCharacters))
        #expect(LMTPCommandParser.parse([0xff, 0xfe]) == .failure(.invalidCharacters))
        #expect(LMTPSyntaxError.unknownCommand("FOO").reply.code == 500)
        #expect(LMTPSyntaxError.unknownCommand("FOO").reply.status == "5.5.1")
        #expect(LMTPSyntaxError.badArguments("x").reply.code == 501)
        #expect(LMTPSyntaxError.unsupportedParameter("RET").reply.code == 555)
        #expect(LMTPSyntaxError.lineTooLong.reply.code == 500)
    }

    @Test func replies() {
        #expect(String(decoding: LMTPReply(250, "2.1.0", "OK").encoded, as: UTF8.self) == "250 2.1.0 OK\r\n")
        #expect(String(decoding: LMTPReply(250, nil, ["host", "PIPELINING", "SIZE 10"]).encoded, as: UTF8.self)
                == "250-host\r\n250-PIPELINING\r\n250 SIZE 10\r\n")
        #expect(String(decoding: LMTPReply(550, "5.1.1", "a\r\nb").encoded, as: UTF8.self) == "550 5.1.1 a  b\r\n")
    }
}

extension Result {
    var isFailure: Bool {
        if case .failure = self { return true }
        return false
    }
}
