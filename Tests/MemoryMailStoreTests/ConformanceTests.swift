import MailCore
import MailStore
import MailStoreConformance
import MemoryMailStore
import Testing

/// The backend-independent storage suite, each case on a fresh in-memory store.
@Suite("InMemoryMailStore conformance")
struct ConformanceTests {
    @Test(arguments: MailStoreConformance.cases)
    func conformance(_ rule: ConformanceCase) async throws {
        try await rule.run(MailStorage(InMemoryMailStore()))
    }
}
