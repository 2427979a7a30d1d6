import Foundation

/// The shared test corpus (../shared/corpus/make_corpus.py), generated once per test run into
/// a temporary Maildir (CRLF line ends) and read into memory.
enum Corpus {
    static let count = 300

    /// TERN_CORPUS_SCRIPT, else `../shared/corpus/make_corpus.py` beside the repository.
    static let script: String = {
        if let path = ProcessInfo.processInfo.environment["TERN_CORPUS_SCRIPT"] { return path }
        let repository = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        return repository.deletingLastPathComponent()
            .appendingPathComponent("shared/corpus/make_corpus.py").path
    }()

    /// The messages, or nil when the generator is not available.
    static let messages: [[UInt8]]? = generate()

    private static func generate() -> [[UInt8]]? {
        guard FileManager.default.fileExists(atPath: script) else { return nil }
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("tern-corpus-\(ProcessInfo.processInfo.processIdentifier)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script, "--count", String(count), "--maildir", directory.path]
        process.standardOutput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            return nil
        }
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        let folder = directory.appendingPathComponent("cur")
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else {
            return nil
        }
        return names.sorted().compactMap {
            FileManager.default.contents(atPath: folder.appendingPathComponent($0).path).map { [UInt8]($0) }
        }
    }
}
