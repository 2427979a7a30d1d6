import IMAPSyntax
import MailCore
import Testing
import TestSupport

/// Property tests: whatever the bytes, the grammar returns a value or throws `ParseError`, never
/// crashes, and a thrown error carries exactly the tag that `parseTag(ofLine:)` finds.
@Suite("Parser: no-crash properties")
struct ParserFuzzTests {
    /// Every valid fixture line of the other suites.
    static let seeds: [[UInt8]] = (CommandFixtures.all + FetchFixtures.all + SearchFixtures.all
        + ListFixtures.all + MetadataFixtures.valid + NotifyFixtures.valid + ContextFixtures.valid
        + CommandFixtures.accessControl).map(\.input)

    /// Tokens that random lines are built from, so that they reach deep into the grammar.
    static let vocabulary: [[UInt8]] = [
        "a1", " ", " ", " ", "(", ")", "[", "]", "<", ">", ".", ":", ",", "*", "$", "%", "\"", "\\",
        "{", "}", "+", "-", "=", "\r\n", "{3}\r\n", "{0+}\r\n", "{99}\r\n", "~{2}\r\n", "0", "1", "7",
        "4294967295", "4294967296", "99999999999999999999", "NIL", "INBOX", "UID", "FETCH", "SEARCH",
        "STORE", "COPY", "MOVE", "SELECT", "EXAMINE", "LIST", "LSUB", "STATUS", "CREATE", "APPEND",
        "LOGIN", "AUTHENTICATE", "ENABLE", "ID", "EXPUNGE", "RENAME", "NOT", "OR", "CHARSET", "RETURN",
        "BODY", "BODY.PEEK", "BINARY", "BINARY.SIZE", "HEADER.FIELDS", "HEADER.FIELDS.NOT", "MIME",
        "TEXT", "HEADER", "FLAGS", "+FLAGS.SILENT", "\\Seen", "\\", "$Junk", "PREVIEW", "LAZY",
        "CHANGEDSINCE", "VANISHED", "UNCHANGEDSINCE", "MODSEQ", "QRESYNC", "CONDSTORE", "USE",
        "SUBSCRIBED", "RECURSIVEMATCH", "SPECIAL-USE", "MESSAGES", "SINCE", "1-Feb-1994",
        "\"17-Jul-1996 02:44:25 -0700\"", "31-Feb-2020", "/flags/\\\\seen", "priv", "all",
        "AHVzZXIAcGFzcw==", "=", "\u{0}", "\u{7F}", "ä", "\t",
        "GETQUOTA", "GETQUOTAROOT", "SETQUOTA", "STORAGE", "DELETED-STORAGE", "9223372036854775807",
        "GETMETADATA", "SETMETADATA", "PARTIAL", "-1:-5", "UPDATE", "CANCELUPDATE", "DEPTH", "MAXSIZE", "infinity", "/private/comment", "/shared/vendor/x/y", "\"\"",
        "SETACL", "DELETEACL", "GETACL", "LISTRIGHTS", "MYRIGHTS", "-anyone", "+lrc", "-d", "lrswipkxtea",
    ].map { Array($0.utf8) }

    @Test("every valid fixture parses, and so does each line only once")
    func seedsParse() throws {
        #expect(Self.seeds.count > 200)
        for seed in Self.seeds {
            let first = try GrammarParser.parseCommand(seed)
            #expect(try GrammarParser.parseCommand(seed) == first)
        }
    }

    @Test("every truncation of every fixture")
    func truncations() {
        var checker = Checker()
        for seed in Self.seeds {
            for length in 0..<seed.count {
                checker.check(Array(seed[0..<length]))
            }
        }
        checker.report()
    }

    @Test("random mutations of the fixtures", arguments: [1, 2, 3, 4])
    func mutations(seed: UInt64) {
        var random = SplitMix64(seed: seed)
        var checker = Checker()
        for input in Self.seeds {
            for _ in 0..<40 {
                var mutant = input
                for _ in 0...random.next(below: 3) { mutate(&mutant, &random) }
                checker.check(mutant)
            }
        }
        checker.report()
    }

    @Test("random byte strings and random token strings", arguments: [11, 12, 13])
    func randomLines(seed: UInt64) {
        var random = SplitMix64(seed: seed)
        var checker = Checker()
        for _ in 0..<3000 {
            let length = random.next(below: 120)
            checker.check((0..<length).map { _ in UInt8(truncatingIfNeeded: random.next()) })
            var line = Array("a1 ".utf8)
            for _ in 0..<random.next(below: 30) {
                line += Self.vocabulary[random.next(below: Self.vocabulary.count)]
            }
            checker.check(line)
        }
        checker.report()
    }

    private func mutate(_ bytes: inout [UInt8], _ random: inout SplitMix64) {
        let interesting: [UInt8] = [0x00, 0x20, 0x28, 0x29, 0x7B, 0x7D, 0x22, 0x5C, 0x0D, 0x0A, 0x2A, 0x3A,
                                    0x30, 0x39, 0x5B, 0x5D, 0x3C, 0x3E, 0x2E, 0x2B, 0xFF, 0x80]
        let byte = random.next(below: 2) == 0 ? interesting[random.next(below: interesting.count)]
                                              : UInt8(truncatingIfNeeded: random.next())
        let position = random.next(below: bytes.count + 1)
        switch random.next(below: 5) {
        case 0 where position < bytes.count: bytes[position] = byte
        case 1: bytes.insert(byte, at: position)
        case 2 where position < bytes.count: bytes.remove(at: position)
        case 3 where position < bytes.count:
            let end = min(bytes.count, position + 1 + random.next(below: 8))
            bytes.insert(contentsOf: bytes[position..<end], at: position)
        default: bytes = Array(bytes[0..<position])
        }
    }
}

/// Runs every entry point on one input and checks the properties that must always hold.
private struct Checker {
    var failures: [String] = []
    var parsed = 0
    var rejected = 0

    mutating func check(_ input: [UInt8]) {
        let tag = GrammarParser.parseTag(ofLine: input)
        do {
            let command = try GrammarParser.parseCommand(input)
            parsed += 1
            if command.tag != tag { failures.append("tag of \(printable(input)): \(command.tag)") }
        } catch {
            rejected += 1
            if error.tag != tag { failures.append("error tag of \(printable(input)): \(String(describing: error.tag))") }
            _ = error.description
        }
        switch GrammarParser.parseAppendPrefix(input) {
        case .invalid(let error) where error.tag == nil:
            failures.append("untagged APPEND error for \(printable(input))")
        default: break
        }
        _ = try? GrammarParser.parseAppendContinuation(input)
        _ = GrammarParser.parseSASLResponse(input)
    }

    func report(sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(parsed + rejected > 0, sourceLocation: sourceLocation)
        for failure in failures.prefix(10) { Issue.record(Comment(rawValue: failure), sourceLocation: sourceLocation) }
    }
}
