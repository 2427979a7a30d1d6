import MailCore
import Sieve
import Testing
@testable import SieveDelivery

@Suite struct VacationMessageTests {
    private let moment = ZonedDateTime(secondsSince1970: 1_900_000_000, zoneMinutes: 60)

    private func response(subject: String = "Auto: Hi", reason: String = "Away.", from: String? = nil,
                          mime: Bool = false) -> VacationResponse {
        VacationResponse(recipient: "bob@example.net", from: from, subject: subject, reason: reason, isMIME: mime,
                         handle: "h", period: 86_400, inReplyTo: "<m1@example.net>",
                         references: "<m0@example.net> <m1@example.net>")
    }

    private func text(_ response: VacationResponse) throws -> String {
        String(decoding: try VacationMessage.build(response, owner: "alice@example.org", now: moment,
                                                   messageID: "<v1@mx.example.org>"), as: UTF8.self)
    }

    @Test func theResponseHasTheFieldsOfRFC5230Section5() throws {
        let message = try text(response())
        #expect(message == """
            Date: Sun, 17 Mar 2030 18:46:40 +0100\r
            From: <alice@example.org>\r
            To: <bob@example.net>\r
            Subject: Auto: Hi\r
            Message-ID: <v1@mx.example.org>\r
            In-Reply-To: <m1@example.net>\r
            References: <m0@example.net> <m1@example.net>\r
            Auto-Submitted: auto-replied (vacation)\r
            Precedence: bulk\r
            MIME-Version: 1.0\r
            Content-Type: text/plain; charset=us-ascii\r
            Content-Transfer-Encoding: 7bit\r
            \r
            Away.\r

            """)
    }

    @Test func fromWithANonASCIIDisplayNameIsEncodedButTheAddressIsNot() throws {
        let message = try text(response(from: "Jürgen Müller <jm@example.org>"))
        #expect(message.contains("From: =?UTF-8?B?SsO8cmdlbiBNw7xsbGVy?= <jm@example.org>\r\n"))
    }

    @Test func longUnicodeSubjectsAreSplitIntoShortEncodedWords() throws {
        let subject = String(repeating: "Grüße aus dem Urlaub ", count: 8)
        let encoded = HeaderEncoding.unstructured(subject)
        let words = encoded.split(separator: "\r\n ")
        #expect(words.count > 1)
        #expect(words.allSatisfy { $0.utf8.count <= 75 && $0.hasPrefix("=?UTF-8?B?") && $0.hasSuffix("?=") })
        #expect(HeaderEncoding.unstructured("plain text") == "plain text")
        #expect(HeaderEncoding.unstructured("two\nlines") == "two lines")
    }

    @Test func quotedPrintableLinesStayShort() {
        let encoded = HeaderEncoding.quotedPrintable(String(repeating: "é", count: 60) + " \nnext line \n")
        for line in encoded.split(separator: "\r\n", omittingEmptySubsequences: false) {
            #expect(line.utf8.count <= 76)
        }
        #expect(encoded.contains("next line=20\r\n"))  // white space before a line end is encoded
    }

    @Test func mimeReasonIsTheWholeEntity() throws {
        let reason = "Content-Type: text/html; charset=us-ascii\n\n<p>Away</p>\n"
        let message = try text(response(reason: reason, mime: true))
        #expect(message.hasSuffix("MIME-Version: 1.0\r\nContent-Type: text/html; charset=us-ascii\r\n\r\n<p>Away</p>\r\n"))
        #expect(throws: VacationMessage.Refusal.eightBitMIMEHeader) {
            try VacationMessage.build(response(reason: "Content-Type: text/plain; name=\"ü\"\n\nx", mime: true),
                                      owner: "a@example.org", now: moment, messageID: "<x@y>")
        }
    }
}
