import Foundation
import MailStore
import SQLiteMailStore
import Testing

/// The SQLite store's part in password re-keying (RFC 7677 §4), EMAILID secrets (RFC 8474
/// §5.1, §11) and private files.
@Suite("SQLiteMailStore account security")
struct AccountSecurityTests {
    @Test("credentials are replaced only while they are the ones verified")
    func conditionalReplace() async throws {
        try await withTemporaryDirectory { directory in
            let store = try SQLiteMailStore(directory: directory)
            defer { store.close() }
            let old = try PasswordCredentials(password: "pw", iterations: 64)
            let new = try PasswordCredentials(password: "pw", iterations: 128)
            let changedByAdmin = try PasswordCredentials(password: "other", iterations: 64)
            _ = try await store.addUser(name: "alice", credentials: old)
            #expect(try await store.replaceCredentials(old, with: new, forUser: "alice"))
            #expect(try await store.credentials(forUser: "alice")?.1 == new)
            try await store.setCredentials(changedByAdmin, forUser: "alice")
            #expect(try await !store.replaceCredentials(new, with: old, forUser: "alice"))
            #expect(try await store.credentials(forUser: "alice")?.1 == changedByAdmin)
            #expect(try await !store.replaceCredentials(old, with: new, forUser: "nobody"))
        }
    }

    @Test("a secret is made once and kept across reopening")
    func secrets() async throws {
        try await withTemporaryDirectory { directory in
            let first: [UInt8]
            do {
                let store = try SQLiteMailStore(directory: directory)
                defer { store.close() }
                first = try await store.secret(named: "emailid")
                #expect(first.count == 32)
                #expect(try await store.secret(named: "emailid") == first)
                #expect(try await store.secret(named: "other") != first)
            }
            let reopened = try SQLiteMailStore(directory: directory)
            defer { reopened.close() }
            #expect(try await reopened.secret(named: "emailid") == first)
        }
    }

    /// (The end-to-end test runs `tern` with umask 000; the process-wide umask is left alone
    /// here, where tests run in parallel.)
    @Test("the database and new directories are private")
    func fileModes() async throws {
        try await withTemporaryDirectory { directory in
            let nested = directory + "/new/store"
            let store = try SQLiteMailStore(directory: nested)
            defer { store.close() }
            _ = try await store.addUser(name: "alice", credentials: try PasswordCredentials(password: "pw", iterations: 64))
            func mode(_ path: String) throws -> Int {
                try #require(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
            }
            #expect(try mode(nested) == 0o700 && mode(directory + "/new") == 0o700)
            for name in ["tern.sqlite", "tern.sqlite-wal", "tern.sqlite-shm"] {
                #expect(try mode(nested + "/" + name) == 0o600, "\(name)")
            }
        }
    }
}
