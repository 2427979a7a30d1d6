public import MailCore
public import MailStore

extension InMemoryMailStore {
    /// The records of live messages, and of the ghosts of UIDs no longer live (RFC 2180 §4.1.1),
    /// in UID order, with their blobs' keys.
    public func sortRecords(in mailbox: MailboxID, uids: [UID], as principal: Principal) async throws -> [SortRecord] {
        let wanted = Self.normalized(uids)
        return try state.withLock { state in
            let entry = try state.selectable(mailbox, as: principal, for: .read)
            var records: [SortRecord] = []
            records.reserveCapacity(wanted.count)
            func add(_ message: StoredMessage) {
                records.append(SortRecord(uid: message.uid, internalDate: message.internalDate.secondsSince1970,
                                          size: message.size, blob: message.blob, headerSize: message.headerSize,
                                          keys: state.blobs[message.blob]?.sortKeys))
            }
            for position in entry.positions(of: wanted) { add(entry.messages[position]) }
            if records.count < wanted.count {
                let live = Set(records.map(\.uid))
                for uid in wanted where !live.contains(uid) {
                    if let ghost = entry.ghosts[uid] { add(ghost.message) }
                }
                records.sort { $0.uid < $1.uid }
            }
            return records
        }
    }

    public func saveSortKeys(_ keys: [BlobSortKeys]) async throws {
        state.withLock { state in
            for entry in keys where state.blobs[entry.blob] != nil {
                state.blobs[entry.blob]?.sortKeys = entry.keys
            }
        }
    }
}
