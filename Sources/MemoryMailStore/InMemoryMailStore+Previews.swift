public import MailCore
import MailStore

extension InMemoryMailStore {
    public func previews(of blobs: [BlobID]) async throws -> [BlobID: String] {
        state.withLock { state in
            var texts: [BlobID: String] = [:]
            for blob in blobs {
                if let text = state.blobs[blob]?.preview { texts[blob] = text }
            }
            return texts
        }
    }

    public func savePreviews(_ previews: [BlobID: String]) async throws {
        state.withLock { state in
            for (blob, text) in previews where state.blobs[blob] != nil {
                state.blobs[blob]?.preview = text
            }
        }
    }
}
