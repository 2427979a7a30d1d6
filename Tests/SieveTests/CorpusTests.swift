import Foundation
import MailMessage
import Sieve
import Testing

/// The messages of the shared corpus generator (`../shared/corpus/make_corpus.py`, or
/// TERN_CORPUS_SCRIPT), nil when it is not available.
enum Corpus {
    static let count = 120

    static let messages: [[UInt8]]? = {
        let script = ProcessInfo.processInfo.environment["TERN_CORPUS_SCRIPT"]
            ?? URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("shared/corpus/make_corpus.py").path
        guard FileManager.default.fileExists(atPath: script) else { return nil }
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("tern-sieve-corpus-\(ProcessInfo.processInfo.processIdentifier)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script, "--count", String(count), "--maildir", directory.path]
        process.standardOutput = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return nil }
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        let folder = directory.appendingPathComponent("cur")
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { return nil }
        return names.sorted().compactMap {
            FileManager.default.contents(atPath: folder.appendingPathComponent($0).path).map { [UInt8]($0) }
        }
    }()
}

@Suite("Scripts on the generated corpus (../shared/corpus)")
struct SieveCorpusTests {
    /// Escapes a value for a quoted string of a script (RFC 5228 §2.4.2).
    func quoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    @Test("header, address, exists, size and body agree with MailMessage's view of every message")
    func agreesWithMailMessage() throws {
        let messages = try #require(Corpus.messages, "corpus generator not available")
        #expect(messages.count == Corpus.count)
        var bodyChecks = 0
        for bytes in messages {
            let sieveMessage = SieveMessage(bytes)
            let structure = sieveMessage.structure
            var tests = ["exists [\"From\", \"Date\", \"Message-ID\"]", "size :over \(bytes.count - 1)",
                         "size :under \(bytes.count + 1)"]
            if let from = structure.envelope.from.first, let mailbox = from.mailbox, let host = from.host {
                let address = String(decoding: mailbox, as: UTF8.self) + "@" + String(decoding: host, as: UTF8.self)
                tests.append("address :all :is \"from\" \(quoted(address))")
                tests.append("address :domain :is \"from\" \(quoted(String(decoding: host, as: UTF8.self)))")
            }
            let header = HeaderFields(parsing: bytes)
            if let field = header.first(named: "Subject") {
                let subject = header.decodedValue(of: field).trimmingCharacters(in: .whitespaces)
                tests.append("header :is \"subject\" \(quoted(subject))")
                tests.append("header :matches \"subject\" \"*\"")
            }
            var firstText: String?
            MessageText.forEachBodyText(in: bytes, structure: structure,
                                        options: MessageText.Options(includesEmbeddedHeaders: false)) { text in
                firstText = text
                return false
            }
            if let text = firstText?.split(whereSeparator: \.isNewline).first.map(String.init),
               !text.isEmpty, text.utf8.count < 200 {
                tests.append("body :text :contains \(quoted(text))")
                bodyChecks += 1
            }
            let script = "require \"body\";\n" + tests.map { "if not \($0) { discard; }" }.joined(separator: "\n")
            let result = try SieveScript(compiling: script).run(on: sieveMessage, context: context())
            #expect(result.error == nil)
            #expect(result.actions == implicitKeep, "\(script)")
        }
        #expect(bodyChecks > Corpus.count / 2)
    }

    @Test("A script using every extension runs on every message without a runtime error")
    func everything() throws {
        let messages = try #require(Corpus.messages, "corpus generator not available")
        let script = try SieveScript(compiling: RobustnessTests.corpus[0])
        for bytes in messages {
            let result = script.run(on: SieveMessage(bytes), context: context(), host: RobustnessTests.Host())
            #expect(result.error == nil)
            #expect(!result.actions.isEmpty)
        }
    }
}
