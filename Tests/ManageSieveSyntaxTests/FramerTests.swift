import ManageSieveSyntax
import Testing

/// The framer (RFC 5804 §1.2, §4): atoms, quoted strings, literals, errors that keep framing.
@Suite("ManageSieve framer")
struct FramerTests {
    func frames(_ text: String, limits: ManageSieveFramingLimits = ManageSieveFramingLimits()) -> [ManageSieveFramerEvent] {
        var framer = ManageSieveFramer(limits: limits)
        return framer.feed(Array(text.utf8))
    }

    @Test func atomsQuotedStringsAndLiterals() {
        let events = frames("Putscript \"my \\\"script\\\"\" {9+}\r\nkeep;\r\nok\r\n")
        #expect(events == [.frame(ManageSieveFrame(tokens: [
            .atom(Array("Putscript".utf8)), .string(Array("my \"script\"".utf8)), .string(Array("keep;\r\nok".utf8)),
        ]))])
    }

    @Test func synchronizingLiteralFormIsAcceptedWithoutContinuation() {
        #expect(frames("CHECKSCRIPT {5}\r\nkeep;\r\n") == [.frame(ManageSieveFrame(tokens: [
            .atom(Array("CHECKSCRIPT".utf8)), .string(Array("keep;".utf8)),
        ]))])
    }

    @Test func byteAtATimeGivesTheSameFrames() {
        let text = "NOOP \"a\"\r\nPUTSCRIPT \"x\" {3+}\r\nabc\r\nLOGOUT\r\n"
        var framer = ManageSieveFramer()
        var events: [ManageSieveFramerEvent] = []
        for byte in text.utf8 { events += framer.feed([byte]) }
        #expect(events == frames(text))
        #expect(events.count == 3)
    }

    @Test func emptyLiteralAndEmptyQuoted() {
        #expect(frames("SETACTIVE \"\"\r\nCHECKSCRIPT {0+}\r\n\r\n") == [
            .frame(ManageSieveFrame(tokens: [.atom(Array("SETACTIVE".utf8)), .string([])])),
            .frame(ManageSieveFrame(tokens: [.atom(Array("CHECKSCRIPT".utf8)), .string([])])),
        ])
    }

    @Test func errorSkipsToTheEndOfTheLineAndFramingGoesOn() {
        let events = frames("NOOP (x)\r\n\"unterminated\r\nCAPABILITY\r\n")
        #expect(events == [
            .error(.unexpectedByte(UInt8(ascii: "("))),
            .error(.badQuotedString),
            .frame(ManageSieveFrame(tokens: [.atom(Array("CAPABILITY".utf8))])),
        ])
    }

    @Test func lineLimitAtItsEdge() {
        let limits = ManageSieveFramingLimits(maximumLineLength: 12, maximumLiteralSize: 100)
        // "NOOP \"abc\"\r\n" is exactly 12 octets.
        #expect(frames("NOOP \"abc\"\r\n", limits: limits).count == 1)
        #expect(frames("NOOP \"abcd\"\r\nNOOP\r\n", limits: limits) == [
            .error(.lineTooLong(limit: 12)), .frame(ManageSieveFrame(tokens: [.atom(Array("NOOP".utf8))])),
        ])
    }

    @Test func literalLimitAtItsEdgeSkipsTheOctets() {
        let limits = ManageSieveFramingLimits(maximumLineLength: 100, maximumLiteralSize: 4)
        #expect(frames("CHECKSCRIPT {4+}\r\nkeep\r\n", limits: limits).count == 1)
        let events = frames("CHECKSCRIPT {5+}\r\nLOGOU\r\nNOOP\r\n", limits: limits)
        #expect(events == [
            .error(.literalTooLarge(size: 5, limit: 4)), .frame(ManageSieveFrame(tokens: [.atom(Array("NOOP".utf8))])),
        ])
    }

    @Test func malformedLiteralHeaders() {
        #expect(frames("X {01+}\r\n") == [.error(.badLiteralHeader)])
        #expect(frames("X {+}\r\n") == [.error(.badLiteralHeader)])
        #expect(frames("X {99999999999+}\r\n") == [.error(.badLiteralHeader)])
        #expect(frames("X {3+}x\r\n") == [.error(.badLiteralHeader)])
    }

    @Test func nextStopsAfterEachFrameSoLimitsCanChange() {
        var framer = ManageSieveFramer(limits: ManageSieveFramingLimits(maximumLineLength: 100, maximumLiteralSize: 2))
        let bytes = Array("NOOP\r\nCHECKSCRIPT {5+}\r\nkeep;\r\n".utf8)
        let first = framer.next(in: bytes[...])
        #expect(first.event == .frame(ManageSieveFrame(tokens: [.atom(Array("NOOP".utf8))])))
        #expect(first.consumed == 6)
        framer.limits.maximumLiteralSize = 10
        let second = framer.next(in: bytes[6...])
        #expect(second.event == .frame(ManageSieveFrame(tokens: [.atom(Array("CHECKSCRIPT".utf8)), .string(Array("keep;".utf8))])))
        #expect(framer.isInsideFrame == false)
    }
}
