import Foundation
import MailStore
import Testing
@testable import TernCLI

/// `[metadata]` (RFC 5464 §4.1): defaults, values, and the RFC's minimums.
@Suite("Settings file: [metadata]")
struct MetadataSettingsTests {
    private func load(_ text: String) throws -> Settings { try loadSettings(text) }

    @Test("defaults, and each key sets its limit")
    func values() throws {
        #expect(try load("").server.metadata == MetadataLimits(maxValueSize: 65536, maxEntries: 100, maxTotalSize: 1 << 20))
        let settings = try load("[metadata]\nmax_size = 1024\nmax_entries = 10\nmax_total_size = 1024\n")
        #expect(settings.server.metadata == MetadataLimits(maxValueSize: 1024, maxEntries: 10, maxTotalSize: 1024))
    }

    @Test("refusals name the key", arguments: [
        ("[metadata]\nmax_size = 1023\n", "metadata.max_size must be at least 1024"),
        ("[metadata]\nmax_entries = 9\n", "metadata.max_entries must be at least 10"),
        ("[metadata]\nmax_total_size = 0\n", "metadata.max_total_size must be a positive integer"),
        ("[metadata]\nmax_total_size = 2000\n", "metadata.max_total_size must be at least metadata.max_size"),
        ("[metadata]\nmax_values = 3\n", "unknown setting metadata.max_values"),
    ])
    func refusals(text: String, message: String) {
        do {
            _ = try load(text)
            Issue.record("accepted: \(text)")
        } catch {
            #expect("\(error)".contains(message), "\(error)")
        }
    }
}
