import MailCore
import MailStore

extension InMemoryMailStore {
    /// Forgets the ghosts expunged before `cutoff` in every mailbox, in one critical section,
    /// and releases their blobs.
    @discardableResult
    public func purgeGhosts(expungedBefore cutoff: Int64) async throws -> Int {
        state.withLock { state in
            var released: [BlobID] = []
            for index in state.mailboxes.indices {
                released += state.mailboxes.values[index].purgeGhosts(expungedBefore: cutoff)
            }
            for blob in released { state.release(blob) }
            return released.count
        }
    }
}
