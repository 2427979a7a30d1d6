import Foundation
import MailCore
import MailStore
import MemoryMailStore
import SQLiteMailStore
import Testing

/// The reference store must be exact: the same random workload on `SQLiteMailStore` and on
/// `InMemoryMailStore` must observe the same results, call by call (values, orderings,
/// MODSEQs, IDs, errors, notifications), beyond what the conformance cases pin down.
///
/// To look at a difference, `TERN_DIFF_DUMP=/tmp/diff swift test --filter DifferentialTests`
/// writes both observations of each seed to `/tmp/diff-<seed>-{sqlite,memory}.txt`.
@Suite("InMemoryMailStore against SQLiteMailStore")
struct DifferentialTests {
    @Test(arguments: 1...16 as ClosedRange<UInt64>)
    func aRandomWorkloadObservesTheSameOnBothBackends(seed: UInt64) async throws {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("tern-memory-differential-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let sqlite = try SQLiteMailStore(directory: path)
        defer { sqlite.close() }
        let expected = try await Workload(seed: seed, store: MailStorage(sqlite)).run(steps: 400)
        let actual = try await Workload(seed: seed, store: MailStorage(InMemoryMailStore())).run(steps: 400)
        if let dump = ProcessInfo.processInfo.environment["TERN_DIFF_DUMP"] {
            for (lines, backend) in [(expected, "sqlite"), (actual, "memory")] {
                try (lines.joined(separator: "\n") + "\n")
                    .write(toFile: "\(dump)-\(seed)-\(backend).txt", atomically: true, encoding: .utf8)
            }
        }
        #expect(actual.count == expected.count)
        if let index = zip(expected, actual).enumerated().first(where: { $0.element.0 != $0.element.1 })?.offset {
            Issue.record("""
                first difference, line \(index):
                  SQLite:    \(expected[index])
                  in-memory: \(actual[index])
                """)
        }
    }
}
