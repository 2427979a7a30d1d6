@testable import IMAPServer
import Testing

/// LIST-METADATA (RFC 9590) in a session: `LIST ... RETURN (METADATA (...))` gives each
/// selectable listed mailbox a METADATA response right after its LIST response.
@Suite("Session: LIST-METADATA")
struct SessionListMetadataTests {
    @Test("METADATA after each selectable mailbox's LIST, NIL for unset entries, none for a \\Noselect level (RFC 9590 §4)")
    func listWithMetadata() async throws {
        try await SessionHarness.with { harness async throws in
            let client = try harness.connect()
            #expect(try await client.send("a LOGIN alice secret\r\n").contains(" LIST-METADATA"))
            try await client.send("b CREATE foo\r\nc CREATE bar/baz\r\nd DELETE bar\r\n")
            #expect(try await client.send("e SETMETADATA INBOX (/shared/vendor/cmu/cyrus-imapd/color \"#b71c1c\")\r\n")
                    == "e OK SETMETADATA completed\r\n")
            let answer = try await client.send("f LIST \"\" % RETURN (METADATA (/shared/vendor/cmu/cyrus-imapd/color /private/comment))\r\n")
            #expect(answer == """
                * LIST (\\HasNoChildren) "/" "INBOX"\r
                * METADATA "INBOX" (/private/comment NIL /shared/vendor/cmu/cyrus-imapd/color "#b71c1c")\r
                * LIST (\\Noselect \\HasChildren) "/" "bar"\r
                * LIST (\\HasNoChildren) "/" "foo"\r
                * METADATA "foo" (/private/comment NIL /shared/vendor/cmu/cyrus-imapd/color NIL)\r
                f OK LIST completed\r

                """, "\(answer)")
            #expect(try await client.send("g LIST \"\" % RETURN (METADATA /private/x)\r\n").hasPrefix("g BAD"))
            #expect(try await client.send("h LIST \"\" % RETURN (METADATA (/private/a*))\r\n").hasPrefix("h BAD"))
        }
    }
}
