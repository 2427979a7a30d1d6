public import MailCore
public import MailStore

/// One user's threads: Message-IDs and blobs to the thread they joined (`ThreadStore`).
struct ThreadTable: Sendable {
    var byMessageID: [String: Int64] = [:]
    var byBlob: [BlobID: Int64] = [:]
    var last: Int64 = 0
}

extension InMemoryMailStore {
    /// Under the store's lock, so that concurrent callers see each other's threads.
    public func assignThreads(_ messages: [ThreadLinks], owner: UserID) async throws -> [BlobID: Int64] {
        try state.withLock { state in
            guard state.users[owner] != nil else { throw MailStoreError.userNotFound(String(owner.rawValue)) }
            return state.assignThreads(messages, owner: owner)
        }
    }
}

extension StoreState {
    /// `ThreadAssigner` on one user's table; APPEND calls it with the messages it stores.
    @discardableResult
    mutating func assignThreads(_ messages: [ThreadLinks], owner: UserID) -> [BlobID: Int64] {
        guard !messages.isEmpty, var table = users[owner]?.threads else { return [:] }
        let result = ThreadAssigner.assign(
            messages,
            threadOfBlob: { table.byBlob[$0] },
            threadOfID: { table.byMessageID[$0] },
            next: {
                table.last += 1
                return table.last
            },
            record: { blob, ids, thread in
                table.byBlob[blob] = thread
                for id in ids { table.byMessageID[id] = thread }
            })
        users[owner]?.threads = table
        return result
    }
}
