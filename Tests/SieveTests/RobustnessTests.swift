import Sieve
import Testing
import TestSupport

@Suite("Robustness: truncated and mutated scripts never crash")
struct RobustnessTests {
    static let corpus: [String] = [
        """
        require ["fileinto", "imap4flags", "variables", "relational", "comparator-i;ascii-numeric", "body",
                 "date", "index", "envelope", "subaddress", "copy", "mailbox", "vacation", "include",
                 "environment", "reject", "encoded-character"];
        # A script that uses a bit of everything.
        if header :matches "List-ID" "*<*@*" { fileinto :create "INBOX.lists.${2}"; stop; }
        if address :detail :is "to" "sieve" { addflag "\\\\Flagged"; }
        elsif anyof (not exists ["From", "Date"], size :over 1M, body :content "text" :contains "${hex:41}") {
            setflag "f" "$Junk"; fileinto :copy :flags "${f}" "Junk";
        } else {
            set :upperfirst :lower "name" "${1}";
        }
        if date :index 1 :last :value "ge" :comparator "i;ascii-numeric" "received" "hour" "17" { keep; }
        if currentdate :zone "+0100" :matches "date" "*-*-*" { set "y" "${1}"; }
        if envelope :domain :count "eq" ["from", "to"] "2" { discard; }
        if environment :is "phase" "during" { vacation :days 3 :subject "Away ${y}" :handle "h" text:
        Gone.
        ..
        .
        ; }
        include :optional :once "other";
        /* done */
        """,
        "if header :contains \"subject\" [\"a\", \"b\"] { redirect :copy \"x@y.example\"; } else { reject \"no\"; }",
        "require \"fileinto\"; fileinto \"a\"; keep; discard; stop;",
    ]

    static let messages = [messageA, messageB, ExtensionTests.mimeExample]

    final class Host: SieveHost {
        func includedScript(named name: String, location: IncludeLocation) -> [UInt8]? {
            Array("require \"include\"; if true { return; }".utf8)
        }
        func mailboxExists(_ name: String) -> Bool { name.count % 2 == 0 }
    }

    /// Compiles; on success runs on every test message. Checks the error line is in the script.
    func exercise(_ bytes: [UInt8]) {
        let lines = bytes.count(where: { $0 == 0x0A }) + 1
        do {
            let script = try SieveScript(compiling: bytes)
            for message in Self.messages {
                let result = script.run(on: message, context: context(), host: Host())
                if result.error != nil { #expect(result.actions == implicitKeep) }
            }
        } catch {
            #expect(error.line >= 1 && error.line <= lines, "line \(error.line) of \(lines)")
            #expect(!error.description.isEmpty)
        }
    }

    @Test("Every prefix of the corpus (byte at a time) compiles or fails cleanly")
    func prefixes() {
        for script in Self.corpus {
            let bytes = Array(script.utf8)
            for end in 0...bytes.count { exercise(Array(bytes[..<end])) }
        }
        #expect(throws: Never.self) { try SieveScript(compiling: Self.corpus[0]) }
    }

    @Test("Random mutations never crash (seeded)")
    func mutations() {
        var random = SplitMix64(seed: 0x5EED_51E7E)
        let interesting = Array("\"\\{}[](),;:#/*.\r\n${}0123456789KMG text: \u{00}\u{FF}".utf8)
        for round in 0..<3000 {
            var bytes = Array(Self.corpus[round % Self.corpus.count].utf8)
            for _ in 0...random.next(below: 6) {
                let position = random.next(below: bytes.count + 1)
                switch random.next(below: 4) {
                case 0 where position < bytes.count: bytes.remove(at: position)
                case 1: bytes.insert(interesting[random.next(below: interesting.count)], at: position)
                case 2 where position < bytes.count: bytes[position] = UInt8(truncatingIfNeeded: random.next())
                default:
                    let start = random.next(below: bytes.count + 1)
                    let end = min(bytes.count, start + random.next(below: 40))
                    bytes.insert(contentsOf: bytes[start..<end], at: position)
                }
            }
            exercise(bytes)
        }
    }

    @Test("Random bytes never crash")
    func noise() {
        var random = SplitMix64(seed: 42)
        for _ in 0..<2000 {
            let bytes = (0..<random.next(below: 200)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            exercise(bytes)
        }
    }
}
