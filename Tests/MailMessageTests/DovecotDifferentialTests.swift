import Foundation
import MailMessage
import Testing

/// Compares ENVELOPE and BODYSTRUCTURE with answers recorded from Dovecot 2.3.19.
///
/// Set TERN_DOVECOT_CASES to a directory of `NAME.eml` messages with `NAME.expected` answers
/// (two canonical lines, see `ReferenceRendering`), for example made by running Dovecot's
/// `imap` binary on each message. The test is skipped when the variable is not set.
@Suite struct DovecotDifferentialTests {
    static let directory = ProcessInfo.processInfo.environment["TERN_DOVECOT_CASES"]

    @Test(.enabled(if: directory != nil))
    func recordedAnswersMatch() throws {
        let directory = try #require(Self.directory)
        let names = try FileManager.default.contentsOfDirectory(atPath: directory)
            .filter { $0.hasSuffix(".eml") }.sorted()
        var mismatches: [String] = []
        for name in names {
            let base = directory + "/" + String(name.dropLast(4))
            guard let expected = FileManager.default.contents(atPath: base + ".expected"),
                  let message = FileManager.default.contents(atPath: base + ".eml") else { continue }
            let structure = MessageParser.parse([UInt8](message))
            let rendered = ReferenceRendering.render(structure)
            let wanted = String(decoding: expected, as: UTF8.self)
            if rendered != wanted {
                mismatches.append("\(name)\n  dovecot: \(wanted)  tern:    \(rendered)")
            }
        }
        if !mismatches.isEmpty {
            print("\(mismatches.count) of \(names.count) differ:\n" + mismatches.joined(separator: "\n"))
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) of \(names.count) messages differ")
    }
}
