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

    /// `NAME.sections` holds lines "section<TAB>canonical string" for FETCH BODY[section].
    @Test(.enabled(if: directory != nil))
    func recordedSectionsMatch() throws {
        let directory = try #require(Self.directory)
        let names = try FileManager.default.contentsOfDirectory(atPath: directory)
            .filter { $0.hasSuffix(".sections") }.sorted()
        var mismatches: [String] = []
        for name in names {
            let base = directory + "/" + String(name.dropLast(9))
            guard let recorded = FileManager.default.contents(atPath: base + ".sections"),
                  let message = FileManager.default.contents(atPath: base + ".eml") else { continue }
            let bytes = [UInt8](message)
            let structure = MessageParser.parse(bytes)
            for line in String(decoding: recorded, as: UTF8.self).split(separator: "\n") {
                let columns = line.split(separator: "\t", maxSplits: 1)
                guard columns.count == 2 else { continue }
                let ours = ReferenceRendering.Node.string(
                    SectionFetch.fetch(String(columns[0]), bytes, structure)).canonical
                if ours != columns[1] {
                    mismatches.append("\(name) BODY[\(columns[0])]\n  dovecot: \(columns[1])\n  tern:    \(ours)")
                }
            }
        }
        if !mismatches.isEmpty { print(mismatches.joined(separator: "\n")) }
        #expect(mismatches.isEmpty, "\(mismatches.count) sections differ")
    }
}
