import Testing
@testable import SieveDelivery

@Suite struct SMTPReplyParserTests {
    @Test func singleAndMultilineReplies() throws {
        var parser = SMTPReplyParser()
        let replies = try parser.feed(Array("220 relay ready\r\n250-relay\r\n250-8BITMIME\r\n250 SIZE 1000\r\n".utf8))
        #expect(replies == [SMTPReply(code: 220, lines: ["relay ready"]),
                            SMTPReply(code: 250, lines: ["relay", "8BITMIME", "SIZE 1000"])])
        #expect(!parser.hasPartialReply)
    }

    @Test func bytesSplitAnywhereGiveTheSameReplies() throws {
        let text = Array("250-first\r\n250 second\r\n354 go on\n550\r\n".utf8)
        var whole = SMTPReplyParser()
        let expected = try whole.feed(text)
        #expect(expected.count == 3)
        #expect(expected[2] == SMTPReply(code: 550, lines: [""]))
        var byteWise = SMTPReplyParser()
        var replies: [SMTPReply] = []
        for byte in text { replies += try byteWise.feed([byte]) }
        #expect(replies == expected)
    }

    @Test func partialReplyWaits() throws {
        var parser = SMTPReplyParser()
        #expect(try parser.feed(Array("250-one\r\n250 tw".utf8)).isEmpty)
        #expect(parser.hasPartialReply)
        #expect(try parser.feed(Array("o\r\n".utf8)) == [SMTPReply(code: 250, lines: ["one", "two"])])
    }

    @Test func malformedLinesAreErrors() {
        for bad in ["hello\r\n", "25\r\n", "650 no\r\n", "2x0 no\r\n", "250+x\r\n"] {
            var parser = SMTPReplyParser()
            #expect(throws: SMTPReplyError.self) { try parser.feed(Array(bad.utf8)) }
        }
        var parser = SMTPReplyParser()
        #expect(throws: SMTPReplyError.inconsistentCode(expected: 250, found: 251)) {
            try parser.feed(Array("250-a\r\n251 b\r\n".utf8))
        }
    }

    @Test func limitsAtTheirEdge() throws {
        var parser = SMTPReplyParser(maximumLineLength: 10, maximumLines: 2)
        #expect(try parser.feed(Array("250 123456\r\n".utf8)).count == 1)  // 10 bytes, then CRLF
        var long = SMTPReplyParser(maximumLineLength: 10, maximumLines: 2)
        #expect(throws: SMTPReplyError.lineTooLong(limit: 10)) { try long.feed(Array("250 1234567\r\n".utf8)) }
        var lines = SMTPReplyParser(maximumLineLength: 100, maximumLines: 2)
        #expect(try lines.feed(Array("250-a\r\n250 b\r\n".utf8)).count == 1)
        #expect(throws: SMTPReplyError.tooManyLines(limit: 2)) { try lines.feed(Array("250-a\r\n250-b\r\n250 c\r\n".utf8)) }
    }
}

@Suite struct DotStufferTests {
    private func stuffed(_ chunks: [String]) -> String {
        var stuffer = DotStuffer()
        var output: [UInt8] = []
        for chunk in chunks { output += stuffer.stuff(Array(chunk.utf8)) }
        output += stuffer.finish()
        return String(decoding: output, as: UTF8.self)
    }

    @Test func leadingDotsAreDoubledAndLinesEndInCRLF() {
        #expect(stuffed([".hidden\r\nplain\n..two\r\n"]) == "..hidden\r\nplain\r\n...two\r\n.\r\n")
        #expect(stuffed(["no final line end"]) == "no final line end\r\n.\r\n")
        #expect(stuffed([]) == ".\r\n")
        #expect(stuffed(["ends in CR\r"]) == "ends in CR\r\n.\r\n")
    }

    @Test func chunkBoundariesDoNotMatter() {
        let text = "a\r\n.b\n\r\n..c\r\n.\r\nend"
        let whole = stuffed([text])
        for cut in 0...text.utf8.count {
            let bytes = Array(text.utf8)
            let first = String(decoding: bytes[..<cut], as: UTF8.self)
            let second = String(decoding: bytes[cut...], as: UTF8.self)
            #expect(stuffed([first, second]) == whole)
        }
        #expect(whole == "a\r\n..b\r\n\r\n...c\r\n..\r\nend\r\n.\r\n")
    }
}

@Suite struct SMTPClientTests {
    private func client(_ relay: SMTPRelay) -> SMTPClient { SMTPClient(relay: relay, group: SMTPSink.group) }

    private func relay(_ sink: SMTPSink, timeout: Double = 60) -> SMTPRelay {
        SMTPRelay(host: "127.0.0.1", port: sink.port, heloName: "tern.test", replyTimeoutSeconds: timeout)
    }

    @Test func sendsOneTransactionToARealListener() async throws {
        let sink = try await SMTPSink.start()
        let message = "Subject: hi\r\n\r\n.leading dot\r\nbody\r\n"
        try await client(relay(sink)).send(from: "", to: ["bob@example.org"],
                                                       message: OutgoingMessage(bytes: Array(message.utf8)))
        let received = await sink.waitForTransactions(1)
        await sink.stop()
        #expect(received == [SMTPSink.Transaction(from: "", to: ["bob@example.org"], data: Array(message.utf8),
                                                  mailParameters: "BODY=8BITMIME")])
    }

    @Test func streamsAMessageReadInPieces() async throws {
        let sink = try await SMTPSink.start()
        let line = Array("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde\r\n".utf8)
        let total = line.count * 20_000  // 1.3 MB, read 64 KiB at a time
        let source = OutgoingMessage { offset in
            guard offset < total else { return [] }
            let end = min(offset + 65_536, total)
            return (offset..<end).map { line[$0 % line.count] }
        }
        try await client(relay(sink)).send(from: "a@example.org", to: ["b@example.org"], message: source)
        let received = await sink.waitForTransactions(1)
        await sink.stop()
        #expect(received.first?.data.count == total)
    }

    @Test func aRefusedRecipientIsAClearPermanentError() async throws {
        let sink = try await SMTPSink.start(.refuseRecipients("550 5.1.1 no such user"))
        await #expect {
            try await client(relay(sink)).send(from: "", to: ["x@example.org"],
                                                           message: OutgoingMessage(bytes: Array("x\r\n".utf8)))
        } throws: { error in
            guard let error = error as? SMTPClientError, error.isPermanent else { return false }
            return error.description.contains("RCPT TO:<x@example.org>") && error.description.contains("550 5.1.1")
        }
        await sink.stop()
    }

    @Test func aSilentRelayTimesOut() async throws {
        let sink = try await SMTPSink.start(.silentAfterGreeting)
        let started = ContinuousClock.now
        // The sink greets and then says nothing: the wait for the EHLO reply times out (or, on
        // a loaded machine, already the wait for the greeting).
        await #expect {
            try await client(relay(sink, timeout: 1)).send(
                from: "", to: ["x@example.org"], message: OutgoingMessage(bytes: Array("x\r\n".utf8)))
        } throws: { error in
            [SMTPClientError.timedOut(stage: "EHLO tern.test"), .timedOut(stage: "the greeting")]
                .contains(error as? SMTPClientError)
        }
        #expect(ContinuousClock.now - started < .seconds(30))  // not the 60 s default, nor forever
        await sink.stop()
    }

    @Test func nobodyListeningIsAConnectError() async throws {
        let sink = try await SMTPSink.start()
        let port = sink.port
        await sink.stop()
        await #expect {
            try await client(SMTPRelay(host: "127.0.0.1", port: port)).send(
                from: "", to: ["x@example.org"], message: OutgoingMessage(bytes: []))
        } throws: { error in
            if case .connectFailed = error as? SMTPClientError { return true }
            return false
        }
    }

    @Test func addressesThatWouldInjectCommandsAreRefused() async throws {
        await #expect(throws: SMTPClientError.invalidAddress("a@b>\r\nRCPT TO:<c@d")) {
            try await client(SMTPRelay(host: "127.0.0.1", port: 9)).send(
                from: "", to: ["a@b>\r\nRCPT TO:<c@d"], message: OutgoingMessage(bytes: []))
        }
    }
}
