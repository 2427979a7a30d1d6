public import MailCore
public import MailStore

extension InMemoryMailStore {
    /// REPLACE (RFC 8508 §3.4) under one lock: the old message is expunged first (tombstone,
    /// ghost, its size off the owner's usage), then the new one appended as APPEND does, so
    /// the quota check sees the net change; if the append fails, the state before is restored.
    public func replace(_ uid: UID, in source: MailboxID, with message: NewMessage, to destination: MailboxID,
                        as principal: Principal) async throws -> AppendResult {
        let now = Self.now()
        let result: AppendResult = try state.withLock { state in
            let before = state
            if !state.rights(on: try state.selectable(source, as: principal, for: .expunge), as: principal)
                .contains(.deleteMessages) {
                throw MailStoreError.permissionDenied
            }
            // RFC 8508 §3.3 with RFC 4314 §4: `t` and `e` on the old message's mailbox (as
            // MOVE); the append checks `i` on the destination.
            let (owner, removed) = try state.withSelectable(source, as: principal, for: .expunge) { entry -> (UserID, [StoredMessage]) in
                let positions = entry.positions(of: [uid])
                guard !positions.isEmpty else { throw MailStoreError.messagesExpunged }
                return (entry.owner, entry.expunge(at: positions, modSeq: entry.nextModSeq(), now: now))
            }
            state.removeQuotaUsage(StoreState.quotaUsage(of: removed), from: owner)
            do {
                return try Self.append([message], to: destination, as: principal, now: now, in: &state)
            } catch {
                state = before
                throw error
            }
        }
        post(source == destination ? [source] : [source, destination])
        return result
    }
}
