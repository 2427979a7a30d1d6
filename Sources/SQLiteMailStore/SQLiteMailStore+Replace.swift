import GRDB
public import MailCore
public import MailStore

extension SQLiteMailStore {
    /// REPLACE (RFC 8508 §3.4) in one write transaction: the old message is expunged first
    /// (tombstone, ghost; the quota triggers take its size off the owner's usage), then the new
    /// one appended as APPEND does, so the quota check sees the net change; any failure rolls
    /// both back.
    public func replace(_ uid: UID, in source: MailboxID, with message: NewMessage, to destination: MailboxID,
                        as principal: Principal) async throws -> AppendResult {
        let files = self.files
        let now = Self.now()
        let result: AppendResult = try await write { db in
            // RFC 8508 §3.3 with RFC 4314 §4: expunging the old message needs `t` and `e` on
            // its mailbox, appending the new one `i` on the destination (as MOVE and APPEND).
            var from = try MailboxRow.selectable(db, source, as: principal, for: .expunge)
            if try !AccessRows.rights(db, on: from, as: principal).contains(.deleteMessages) {
                throw MailStoreError.permissionDenied
            }
            var (to, rights) = try MailboxRow.access(db, destination, as: principal, for: .insert)
            let exists = try db.cachedStatement(sql: "SELECT 1 FROM messages WHERE mailbox_id = ? AND uid = ?")
            guard try Bool.fetchOne(exists, arguments: [from.id, Int64(uid.rawValue)]) != nil else {
                throw MailStoreError.messagesExpunged
            }
            let modSeq = try MailboxRow.nextModSeq(db, &from)
            try MessageRows.expunge(db, mailbox: from.id, uids: [Int64(uid.rawValue)], modSeq: modSeq, now: now)
            if to.id == from.id { to = from }
            return try Self.insert([message], into: &to, rights: rights, db, files: files)
        }
        post(source, destination)
        return result
    }
}
