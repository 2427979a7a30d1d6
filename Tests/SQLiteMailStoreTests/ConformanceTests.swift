import MailCore
import MailStore
import MailStoreConformance
import SQLiteMailStore
import Testing

/// The backend-independent storage suite, each case on a fresh store in its own directory.
@Suite("SQLiteMailStore conformance")
struct ConformanceTests {
    @Test(arguments: MailStoreConformance.cases)
    func conformance(_ rule: ConformanceCase) async throws {
        try await withTemporaryStore { store in try await rule.run(MailStorage(store)) }
    }
}
