import IMAPSyntax
import MailCore
import NIOCore
import Testing

/// REPLACE and UID REPLACE before their message literal (RFC 8508 §5), and the framer streaming
/// that literal like APPEND's, with no second message (§4.7).
@Suite("Syntax: REPLACE (RFC 8508)")
struct ReplaceSyntaxTests {
    static let prefixes: [(String, AppendPrefix)] = [
        ("a REPLACE 4 Drafts (\\Seen \\Draft) ",
         .replacement(tag: "a", target: ReplaceTarget(.number(4), byUID: false), mailbox: mailbox("Drafts"),
                      options: AppendMessageOptions(flags: [.seen, .draft]))),
        ("A004 UID REPLACE 2000 Drafts ",
         .replacement(tag: "A004", target: ReplaceTarget(.number(2000), byUID: true), mailbox: mailbox("Drafts"),
                      options: AppendMessageOptions())),
        ("a uid replace * {4}\r\nSent ",
         .replacement(tag: "a", target: ReplaceTarget(.last, byUID: true), mailbox: mailbox("Sent"),
                      options: AppendMessageOptions())),
        ("a REPLACE 1 ", .mailboxLiteral),
        ("a REPLACEX 1 INBOX ", .notAppend),
        ("a UID FETCH ", .notAppend),
        ("a UID  REPLACE 1 INBOX ", .notAppend),
        ("a REPLACE 0 INBOX ", .invalid(ParseError(tag: "a", .invalidSequenceSet))),
        ("a REPLACE INBOX ", .invalid(ParseError(tag: "a", .invalidSequenceSet))),
        ("a REPLACE 1:2 INBOX ", .invalid(ParseError(tag: "a", .expected(rule: "SP")))),
        ("a REPLACE 1 INBOX junk ", .invalid(ParseError(tag: "a", .expected(rule: "literal")))),
    ]

    @Test("parseAppendPrefix reads REPLACE's arguments", arguments: 0..<prefixes.count)
    func prefix(_ index: Int) {
        let (input, expected) = Self.prefixes[index]
        #expect(GrammarParser.parseAppendPrefix(Array(input.utf8)) == expected, "\(input)")
    }

    /// The events of `input`, every message accepted.
    func events(_ input: String) -> [String] {
        var framer = CommandFramer()
        framer.feed(ByteBuffer(string: input))
        var seen: [String] = []
        while let event = framer.next() {
            switch event {
            case .appendMessage(let start):
                seen.append("message \(start.tag) \(start.replacing.map { "\($0.message) uid=\($0.byUID)" } ?? "append")")
                framer.acceptAppendMessage()
            case .appendBytes(let bytes): seen.append("bytes \(String(buffer: bytes))")
            case .appendMessageEnd: seen.append("end")
            case .appendEnd(let tag): seen.append("done \(tag)")
            case .appendInvalid(let error): seen.append("invalid \(error.tag.map { "\($0)" } ?? "-") \(error.kind)")
            case .command(let command): seen.append("command \(command.tag)")
            case .invalid(let error): seen.append("bad \(error.tag.map { "\($0)" } ?? "-")")
            default: seen.append("other")
            }
        }
        return seen
    }

    @Test("The replacing message streams like an APPEND's; a second message is refused (RFC 8508 §4.7)")
    func framing() {
        #expect(events("a UID REPLACE 7 INBOX {3+}\r\nabc\r\nb NOOP\r\n")
                == ["message a number(7) uid=true", "bytes abc", "end", "done a", "command b"])
        #expect(events("a REPLACE 1 INBOX {1+}\r\nx {2+}\r\nyz\r\nb NOOP\r\n")
                == ["message a number(1) uid=false", "bytes x", "end", "invalid a trailingCharacters", "command b"])
        #expect(events("a REPLACE 1 INBOX\r\nb NOOP\r\n") == ["bad a", "command b"])
    }
}
