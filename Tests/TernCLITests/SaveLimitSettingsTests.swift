import Testing
@testable import TernCLI

/// `[limits] save_limit` (RFC 9738 SAVELIMIT).
@Suite("Settings file: save_limit")
struct SaveLimitSettingsTests {
    @Test("100,000 by default; set; a positive integer")
    func saveLimit() throws {
        #expect(try loadSettings("").server.saveLimit == 100_000)
        #expect(try loadSettings("[limits]\nsave_limit = 1000").server.saveLimit == 1000)
        func refusal(_ text: String) -> String {
            do { _ = try loadSettings(text); return "accepted" } catch { return "\(error)" }
        }
        #expect(refusal("[limits]\nsave_limit = 0").contains("limits.save_limit must be a positive integer"))
    }
}
