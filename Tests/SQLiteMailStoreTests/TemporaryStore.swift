import Foundation
import SQLiteMailStore

/// A fresh directory under the system's temporary directory, removed afterwards.
func withTemporaryDirectory<T>(_ body: (String) async throws -> T) async throws -> T {
    let path = FileManager.default.temporaryDirectory
        .appendingPathComponent("tern-store-\(UUID().uuidString)").path
    defer { try? FileManager.default.removeItem(atPath: path) }
    return try await body(path)
}

/// A fresh store in a temporary directory, closed and removed afterwards.
func withTemporaryStore<T>(_ body: (SQLiteMailStore) async throws -> T) async throws -> T {
    try await withTemporaryDirectory { path in
        let store = try SQLiteMailStore(directory: path)
        defer { store.close() }
        return try await body(store)
    }
}
