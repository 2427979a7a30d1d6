import Foundation
@testable import TernCLI

/// Settings read from `text` as a configuration file (written to a temporary file, removed
/// afterwards), as `tern` reads `--config`.
func loadSettings(_ text: String) throws -> Settings {
    let path = FileManager.default.temporaryDirectory
        .appendingPathComponent("tern-settings-\(UUID().uuidString).toml").path
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(atPath: path) }
    return try Settings.load(from: path)
}
