@testable import IMAPServer
import MailCore
import MailStore
import Testing

/// PREVIEW (RFC 8970) in a session: advertised, answered from the preview kept at APPEND,
/// LAZY's NIL for a message stored without one, which a complete FETCH then makes.
@Suite("Session: PREVIEW")
struct SessionPreviewTests {
    static let html = "From: a@example.org\r\nSubject: hi\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
        + "<p>Hello <b>there</b>,</p><p>caf\u{e9} &amp; more</p>\r\n"

    @Test("FETCH PREVIEW after APPEND; UTF-8 as a literal for IMAP4rev1, quoted after ENABLE IMAP4rev2 (RFC 8970 §3)")
    func previewAfterAppend() async throws {
        try await SessionHarness.with { harness async throws in
            let client = try harness.connect()
            #expect(try await client.send("a LOGIN alice secret\r\n").contains(" PREVIEW"))
            let count = Self.html.utf8.count
            #expect(try await client.send("b APPEND INBOX {\(count)+}\r\n\(Self.html)\r\n").contains("b OK"))
            try await client.send("c SELECT INBOX\r\n")
            let answer = try await client.send("d FETCH 1 (PREVIEW UID)\r\n")
            let text = "Hello there, caf\u{e9} & more"
            #expect(answer == "* 1 FETCH (PREVIEW {\(text.utf8.count)}\r\n\(text) UID 1)\r\nd OK FETCH completed\r\n",
                    "\(answer)")
            try await client.send("u UNSELECT\r\n")
            #expect(try await client.send("e ENABLE IMAP4rev2\r\n").contains("e OK"))
            try await client.send("s SELECT INBOX\r\n")
            let quoted = try await client.send("f UID FETCH 1 PREVIEW (LAZY)\r\n")
            #expect(quoted == "* 1 FETCH (UID 1 PREVIEW \"\(text)\")\r\nf OK UID FETCH completed\r\n", "\(quoted)")
            #expect(try await client.send("g FETCH 1 PREVIEW (FUZZY)\r\n").hasPrefix("g BAD"))
        }
    }

    @Test("A message stored without a preview: LAZY gives NIL (§4.1), PREVIEW makes it, then LAZY has it")
    func lazyAndMissing() async throws {
        try await SessionHarness.with { harness async throws in
            let account = try #require(try await harness.storage.credentials.credentials(forUser: "alice")).0
            let inbox = try #require(try await harness.storage.mailboxes.mailbox(at: MailboxPath(owner: account.id, name: "INBOX"),
                                                                                   as: .administrator))
            let upload = try await harness.storage.blobs.beginUpload(expectedSize: UInt64(SessionHarness.message(7).utf8.count))
            try await upload.write(Array(SessionHarness.message(7).utf8))
            var staged = try await upload.finish()
            staged.preview = nil  // as a version without previews stored it
            _ = try await harness.storage.messages.append([NewMessage(blob: staged, flags: MessageFlags([]), internalDate: nil)],
                                                          to: inbox.id, as: .administrator)
            upload.discard()
            try await harness.deliver("Subject: empty\r\nContent-Type: image/png\r\n\r\nPNG\r\n", to: "alice")
            let client = try harness.connect()
            _ = try await client.logInAndSelect("alice")
            #expect(try await client.send("a FETCH 1:2 (PREVIEW (LAZY))\r\n")
                    == "* 1 FETCH (PREVIEW NIL)\r\n* 2 FETCH (PREVIEW \"\")\r\na OK FETCH completed\r\n")
            #expect(try await client.send("b FETCH 1 (PREVIEW)\r\n")
                    == "* 1 FETCH (PREVIEW \"Body 7\")\r\nb OK FETCH completed\r\n")
            #expect(try await client.send("c FETCH 1 (PREVIEW (LAZY) UID)\r\n")
                    == "* 1 FETCH (PREVIEW \"Body 7\" UID 1)\r\nc OK FETCH completed\r\n")
        }
    }
}
