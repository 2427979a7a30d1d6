import IMAPSyntax
import MailCore
import NIOCore
import Testing

/// Status responses, response codes and continuation requests (RFC 9051 §7.1, §7.5).
@Suite struct EncoderResponseTests {
    @Test func taggedResponses() {
        #expect(wire(.tagged("a001", .ok, ResponseText("LOGIN completed")))
                == "a001 OK LOGIN completed\r\n")
        #expect(wire(.tagged("A002", .ok, ResponseText(code: .readWrite, "SELECT completed")))
                == "A002 OK [READ-WRITE] SELECT completed\r\n")
        #expect(wire(.tagged("x", .bad, ResponseText("Unknown command")))
                == "x BAD Unknown command\r\n")
    }

    @Test func emptyTextGetsADefault() {
        #expect(wire(.tagged("a", .ok, ResponseText(""))) == "a OK Completed\r\n")
        #expect(wire(.tagged("a", .no, ResponseText(""))) == "a NO Failed\r\n")
        #expect(wire(.tagged("a", .bad, ResponseText(""))) == "a BAD Invalid command\r\n")
        #expect(wire(.tagged("a", .ok, ResponseText(code: .readOnly, "")))
                == "a OK [READ-ONLY] Completed\r\n")
        #expect(wire(.untagged(.condition(.ok, ResponseText(code: .uidNext(UID(4392)), ""))))
                == "* OK [UIDNEXT 4392] OK\r\n")
        #expect(wire(.untagged(.condition(.bye, ResponseText("")))) == "* BYE Closing connection\r\n")
    }

    @Test func untaggedConditions() {
        #expect(wire(.untagged(.condition(.ok, ResponseText(code: .unseen(SequenceNumber(12)),
                                                             "Message 12 is first unseen"))))
                == "* OK [UNSEEN 12] Message 12 is first unseen\r\n")
        #expect(wire(.untagged(.condition(.bye, ResponseText("IMAP4rev1 Server logging out"))))
                == "* BYE IMAP4rev1 Server logging out\r\n")
        #expect(wire(.untagged(.condition(.preauth, ResponseText("IMAP4rev1 server logged in"))))
                == "* PREAUTH IMAP4rev1 server logged in\r\n")
        #expect(wire(.untagged(.condition(.no, ResponseText(code: .alert, "Disk full"))))
                == "* NO [ALERT] Disk full\r\n")
        #expect(wire(.untagged(.condition(.bad, ResponseText("Line too long"))))
                == "* BAD Line too long\r\n")
    }

    @Test func continuationRequests() {
        #expect(wire(.continuation("Ready for literal data")) == "+ Ready for literal data\r\n")
        #expect(wire(.continuation("idling")) == "+ idling\r\n")
        #expect(wire(.continuation("")) == "+ \r\n")
        #expect(wire(.continuation("two\r\nlines")) == "+ two  lines\r\n")
    }

    @Test func saslChallengesAreBase64() {
        #expect(wire(.continuationChallenge([])) == "+ \r\n")
        #expect(wire(.continuationChallenge(Array("f".utf8))) == "+ Zg==\r\n")
        #expect(wire(.continuationChallenge(Array("fo".utf8))) == "+ Zm8=\r\n")
        #expect(wire(.continuationChallenge(Array("foo".utf8))) == "+ Zm9v\r\n")
        #expect(wire(.continuationChallenge(Array("foobar".utf8))) == "+ Zm9vYmFy\r\n")
        #expect(wire(.continuationChallenge([0xFB, 0xFF, 0xBF])) == "+ +/+/\r\n")
        // RFC 9051 §8: the second SCRAM server message.
        let message = "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="
        #expect(wire(.continuationChallenge(Array(message.utf8)))
                == "+ dj02cnJpVFJCaTIzV3BSUi93dHVwK21NaFVaVW4vZEI1bkxUSlJzamw5NUc0PQ==\r\n")
    }

    @Test func basicResponseCodes() {
        #expect(wireCode(.alert) == "* OK [ALERT] Done\r\n")
        #expect(wireCode(.parse) == "* OK [PARSE] Done\r\n")
        #expect(wireCode(.readOnly) == "* OK [READ-ONLY] Done\r\n")
        #expect(wireCode(.readWrite) == "* OK [READ-WRITE] Done\r\n")
        #expect(wireCode(.tryCreate) == "* OK [TRYCREATE] Done\r\n")
        #expect(wireCode(.uidNext(UID(4392))) == "* OK [UIDNEXT 4392] Done\r\n")
        #expect(wireCode(.uidValidity(UIDValidity(3857529045)))
                == "* OK [UIDVALIDITY 3857529045] Done\r\n")
        #expect(wireCode(.unseen(SequenceNumber(17))) == "* OK [UNSEEN 17] Done\r\n")
        #expect(wireCode(.uidNotSticky) == "* OK [UIDNOTSTICKY] Done\r\n")
        #expect(wireCode(.highestModSeq(ModSeq(715194045007)))
                == "* OK [HIGHESTMODSEQ 715194045007] Done\r\n")
        #expect(wireCode(.noModSeq) == "* OK [NOMODSEQ] Done\r\n")
        #expect(wireCode(.closed) == "* OK [CLOSED] Done\r\n")
        #expect(wireCode(.tooBig) == "* OK [TOOBIG] Done\r\n")
        #expect(wireCode(.unknownCTE) == "* OK [UNKNOWN-CTE] Done\r\n")
        #expect(wireCode(.mailboxID("F2212ea87-6097-4256-9d51-71338625"))
                == "* OK [MAILBOXID (F2212ea87-6097-4256-9d51-71338625)] Done\r\n")
    }

    @Test func rfc5530ResponseCodes() {
        let codes: [(ResponseCode, String)] = [
            (.unavailable, "UNAVAILABLE"), (.authenticationFailed, "AUTHENTICATIONFAILED"),
            (.authorizationFailed, "AUTHORIZATIONFAILED"), (.expired, "EXPIRED"),
            (.privacyRequired, "PRIVACYREQUIRED"), (.contactAdmin, "CONTACTADMIN"),
            (.noPerm, "NOPERM"), (.inUse, "INUSE"), (.expungeIssued, "EXPUNGEISSUED"),
            (.corruption, "CORRUPTION"), (.serverBug, "SERVERBUG"), (.clientBug, "CLIENTBUG"),
            (.cannot, "CANNOT"), (.limit, "LIMIT"), (.overQuota, "OVERQUOTA"),
            (.alreadyExists, "ALREADYEXISTS"), (.nonExistent, "NONEXISTENT"),
            (.notSaved, "NOTSAVED"), (.hasChildren, "HASCHILDREN"),
        ]
        for (code, name) in codes {
            #expect(wire(.tagged("a", .no, ResponseText(code: code, "Nope")))
                    == "a NO [\(name)] Nope\r\n")
        }
    }

    @Test func permanentFlags() {
        let flags: [PermanentFlag] = [.flag(.answered), .flag(.flagged), .flag(.deleted),
                                      .flag(.seen), .flag(.draft), .wildcard]
        #expect(wireCode(.permanentFlags(flags), "Limited")
                == "* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft \\*)] Limited\r\n")
        #expect(wireCode(.permanentFlags([]), "No permanent flags permitted")
                == "* OK [PERMANENTFLAGS ()] No permanent flags permitted\r\n")
        #expect(wireCode(.permanentFlags([.flag(.keyword("$Forwarded"))]))
                == "* OK [PERMANENTFLAGS ($Forwarded)] Done\r\n")
    }

    @Test func badCharset() {
        #expect(wire(.tagged("a", .no, ResponseText(code: .badCharset(["UTF-8", "US-ASCII"]),
                                                   "Charset not supported")))
                == "a NO [BADCHARSET (UTF-8 US-ASCII)] Charset not supported\r\n")
        #expect(wireCode(.badCharset([])) == "* OK [BADCHARSET] Done\r\n")
    }

    @Test func capabilityCode() {
        let capabilities: [Capability] = ["IMAP4rev1", "IMAP4rev2", "STARTTLS", "AUTH=PLAIN",
                                          "LOGINDISABLED"]
        #expect(wireCode(.capability(capabilities), "Ready")
                == "* OK [CAPABILITY IMAP4rev1 IMAP4rev2 STARTTLS AUTH=PLAIN LOGINDISABLED] Ready\r\n")
    }

    @Test func appendUID() {
        #expect(wire(.tagged("A003", .ok, ResponseText(code: .appendUID(UIDValidity(38505),
                                                                         UIDSet([UID(3955)])),
                                                      "APPEND completed")))
                == "A003 OK [APPENDUID 38505 3955] APPEND completed\r\n")
        let multi = UIDSet([3955, 3956, 3957, 3960].map { UID($0) })
        #expect(wireCode(.appendUID(UIDValidity(38505), multi))
                == "* OK [APPENDUID 38505 3955:3957,3960] Done\r\n")
    }

    @Test func copyUIDKeepsPairwiseOrder() {
        let rfcExample = ResponseCode.copyUID(UIDValidity(38505),
                                              source: [304, 319, 320].map { UID($0) },
                                              destination: [3956, 3957, 3958].map { UID($0) })
        #expect(wire(.tagged("A004", .ok, ResponseText(code: rfcExample, "Done")))
                == "A004 OK [COPYUID 38505 304,319:320 3956:3958] Done\r\n")

        // Out-of-order source UIDs never merge into a range that would reorder them.
        let reordered = ResponseCode.copyUID(UIDValidity(7),
                                             source: [5, 4, 3, 10, 11].map { UID($0) },
                                             destination: [20, 21, 22, 23, 24].map { UID($0) })
        #expect(wireCode(reordered) == "* OK [COPYUID 7 5,4,3,10:11 20:24] Done\r\n")

        let single = ResponseCode.copyUID(UIDValidity(1), source: [UID(9)], destination: [UID(1)])
        #expect(wireCode(single) == "* OK [COPYUID 1 9 1] Done\r\n")

        let top = ResponseCode.copyUID(UIDValidity(1), source: [UInt32.max - 1, UInt32.max].map { UID($0) },
                                       destination: [1, 2].map { UID($0) })
        #expect(wireCode(top) == "* OK [COPYUID 1 4294967294:4294967295 1:2] Done\r\n")
    }

    @Test func modified() {
        #expect(wire(.tagged("d105", .ok, ResponseText(code: .modified(.uids(UIDSet([7, 9].map { UID($0) }))),
                                                      "Conditional STORE failed")))
                == "d105 OK [MODIFIED 7,9] Conditional STORE failed\r\n")
    }

    @Test func otherCodes() {
        #expect(wireCode(.other("X-SOMETHING", nil)) == "* OK [X-SOMETHING] Done\r\n")
        #expect(wireCode(.other("X-SOMETHING", "")) == "* OK [X-SOMETHING] Done\r\n")
        #expect(wireCode(.other("X-SOMETHING", "a]b\r\nc")) == "* OK [X-SOMETHING a b  c] Done\r\n")
    }
}
