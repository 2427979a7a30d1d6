@testable import IMAPServer
import MailCore
import Testing

/// What a client can put into the server's log (CWE-117; RFC 9051 §11): quoted, escaped and
/// cut short (`LoggedText`), and how many lines one connection may cause (`LogBudget`).
@Suite("Client values in logs")
struct LoggingTests {
    @Test("control characters are escaped, so no line can be forged", arguments: [
        ("alice", #""alice""#),
        ("ali\r\nce 2026-01-01 notice tern : forged", #""ali\r\nce 2026-01-01 notice tern : forged""#),
        ("a\"b\\c", #""a\"b\\c""#),
        ("tab\there", #""tab\there""#),
        ("nul\u{0}bell\u{7}del\u{7F}c1\u{85}", #""nul\u{0}bell\u{7}del\u{7f}c1\u{85}""#),
        ("bidi\u{202E}txt", #""bidi\u{202e}txt""#),
        ("line\u{2028}sep", #""line\u{2028}sep""#),
        ("nbsp\u{A0}x", #""nbsp\u{a0}x""#),
        ("ünïcödé 日本", "\"ünïcödé 日本\""),
    ])
    func escaping(_ raw: String, _ logged: String) {
        #expect(LoggedText(raw).description == logged)
    }

    @Test("long values are cut, saying how much was left out")
    func limit() {
        let text = LoggedText(String(repeating: "x", count: 8192), limit: 64).description
        #expect(text == "\"" + String(repeating: "x", count: 64) + "\"…(+8128)")
        #expect(LoggedText(bytes: [0x61, 0xFF, 0x0A]).description == "\"a\u{FFFD}\\n\"")
    }

    @Test("a burst of lines, then one per interval; the ID only once")
    func budget() {
        var budget = LogBudget()
        let start = ContinuousClock.now
        let allowed = (0..<1000).filter { _ in budget.allow(now: start) }.count
        #expect(allowed == LogBudget.burst)
        #expect(budget.suppressed == 1000 - LogBudget.burst)
        let soon = budget.allow(now: start + .seconds(1))
        let later = budget.allow(now: start + LogBudget.refillInterval + .seconds(1))
        #expect(!soon && later)
        let first = budget.firstIdentification(), second = budget.firstIdentification()
        #expect(first && !second)
    }
}
