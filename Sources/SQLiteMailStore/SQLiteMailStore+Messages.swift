import Foundation
import GRDB
public import MailCore
public import MailStore

extension SQLiteMailStore {
    /// EXPUNGE and UID EXPUNGE (RFC 9051 §6.4.3, RFC 4315 §2.1): removes the messages flagged
    /// `\Deleted` and leaves tombstones with one new MODSEQ, and ghosts that keep the blobs
    /// until `purgeGhosts` (RFC 2180 §4.1.1): no blob file is removed here.
    public func expunge(in mailbox: MailboxID, uids: [UID]?, as principal: Principal) async throws -> [UID] {
        let wanted = uids.map(MessageRows.normalized)
        let deletedBit = Int64(MessageFlags.System.deleted.rawValue)
        let now = Self.now()
        let removed: [Int64] = try await write { db in
            var row = try MailboxRow.selectable(db, mailbox, as: principal, for: .expunge)
            var removed: [Int64] = []
            let collect = { (message: ColumnReader) in
                if message.int64(1) & deletedBit != 0 { removed.append(message.int64(0)) }
            }
            if let wanted {
                try MessageRows.forEach(db, mailbox: row.id, uids: wanted, columns: "uid, flags", collect)
            } else {
                let statement = try db.cachedStatement(sql: """
                    SELECT uid, flags FROM messages
                    WHERE mailbox_id = ? AND (flags & ?) != 0 ORDER BY uid
                    """)
                try MessageRows.eachRow(statement, arguments: [row.id, deletedBit], collect)
            }
            guard !removed.isEmpty else { return [] }
            let modSeq = try MailboxRow.nextModSeq(db, &row)
            try MessageRows.expunge(db, mailbox: row.id, uids: removed, modSeq: modSeq, now: now)
            return removed
        }
        if !removed.isEmpty { post(mailbox) }
        return removed.map { UID(UInt32(truncatingIfNeeded: $0)) }
    }

    /// COPY (RFC 9051 §6.4.7): the copies share the originals' blobs and keep flags and
    /// INTERNALDATE; they get consecutive UIDs from the destination's UIDNEXT (RFC 4315 COPYUID).
    public func copy(from source: MailboxID, uids: [UID], to destination: MailboxID,
                     requireAll: Bool, as principal: Principal) async throws -> CopyResult {
        let result = try await transfer(from: source, uids: uids, to: destination, move: false,
                                        requireAll: requireAll, as: principal)
        if !result.sourceUIDs.isEmpty { post(destination) }
        return result
    }

    /// MOVE (RFC 6851 §3): copy and expunge in one transaction, so no other session ever sees
    /// the messages in both mailboxes or in neither; the originals leave ghosts in the source.
    public func move(from source: MailboxID, uids: [UID], to destination: MailboxID,
                     as principal: Principal) async throws -> CopyResult {
        let result = try await transfer(from: source, uids: uids, to: destination, move: true, as: principal)
        if !result.sourceUIDs.isEmpty { post(source, destination) }
        return result
    }

    private func transfer(from source: MailboxID, uids: [UID], to destination: MailboxID,
                          move: Bool, requireAll: Bool = false,
                          as principal: Principal) async throws -> CopyResult {
        let wanted = MessageRows.normalized(uids)
        let saveDate = Self.now()
        return try await write { db in
            // RFC 4314 §4: `i` on the destination, whose flag rights filter the copies' flags;
            // MOVE also expunges, which needs `t` and `e` on the source (RFC 6851 §4.3).
            var from = try MailboxRow.selectable(db, source, as: principal, for: move ? .expunge : .read)
            if move, try !AccessRows.rights(db, on: from, as: principal).contains(.deleteMessages) {
                throw MailStoreError.permissionDenied
            }
            let (destinationRow, destinationRights) = try MailboxRow.access(db, destination, as: principal, for: .insert)
            var to = destinationRow
            var originals: [MessageRecord] = []
            try MessageRows.forEach(db, mailbox: from.id, uids: wanted, columns: MessageRows.recordColumns) {
                originals.append(MessageRows.record($0))
            }
            if requireAll && originals.count != wanted.count { throw MailStoreError.messagesExpunged }
            let uidValidity = to.record.uidValidity
            guard !originals.isEmpty else {
                return CopyResult(uidValidity: uidValidity, sourceUIDs: [], destinationUIDs: [])
            }
            // Quota (RFC 9208): a MOVE within one owner's mailboxes changes no usage.
            if !(move && from.userID == to.userID) {
                try QuotaRows.check(db, user: to.userID, adding: QuotaRows.usage(of: originals.map(\.size)))
            }
            let first = try MailboxRow.reserveUIDs(db, &to, count: originals.count)
            let modSeq = try MailboxRow.nextModSeq(db, &to)
            var keywords: [String] = []
            var destinationUIDs: [UID] = []
            destinationUIDs.reserveCapacity(originals.count)
            for (offset, original) in originals.enumerated() {
                var message = original
                message.flags = destinationRights.permitted(message.flags)  // RFC 4314 §4
                let uid = first + Int64(offset)
                try MessageRows.insert(
                    db, mailbox: to.id, uid: uid, modSeq: modSeq, flags: message.flags,
                    internalDate: message.internalDate.secondsSince1970,
                    zone: message.internalDate.zoneMinutes, size: message.size,
                    headerSize: message.headerSize, blob: message.blob, saveDate: saveDate)
                destinationUIDs.append(UID(UInt32(truncatingIfNeeded: uid)))
                for keyword in message.flags.keywords where !keywords.contains(where: { $0.caseInsensitiveEquals(keyword) }) {
                    keywords.append(keyword)
                }
            }
            try MailboxRow.noteKeywords(db, mailbox: to.id, keywords, modSeq: modSeq)
            if move {
                if from.id == to.id { from = to }
                let expungeModSeq = try MailboxRow.nextModSeq(db, &from)
                try MessageRows.expunge(db, mailbox: from.id, uids: originals.map { Int64($0.uid.rawValue) },
                                        modSeq: expungeModSeq, now: saveDate)
            }
            return CopyResult(uidValidity: uidValidity, sourceUIDs: originals.map(\.uid),
                              destinationUIDs: destinationUIDs)
        }
    }

    /// APPEND and MULTIAPPEND (RFC 3502): all messages or none. Inside one write transaction
    /// the staged uploads move to their content-addressed places (made durable with an fsync
    /// of their directories), then the rows are inserted with consecutive UIDs and one new
    /// MODSEQ (RFC 4315 APPENDUID).
    public func append(_ messages: [NewMessage], to mailbox: MailboxID,
                       as principal: Principal) async throws -> AppendResult {
        let files = self.files
        let result: AppendResult = try await write { db in
            var (row, rights) = try MailboxRow.access(db, mailbox, as: principal, for: .insert)
            return try Self.insert(messages, into: &row, rights: rights, db, files: files)
        }
        if !result.uids.isEmpty { post(mailbox) }
        return result
    }

    /// The rows of APPEND (and of REPLACE's append), inside the caller's write transaction:
    /// quota check, blob installation, one new MODSEQ, consecutive UIDs.
    static func insert(_ messages: [NewMessage], into row: inout MailboxRow, rights: AccessRights, _ db: Database,
                       files: BlobDirectory) throws -> AppendResult {
        guard !messages.isEmpty else { return AppendResult(uidValidity: row.record.uidValidity, uids: []) }
        let first = try MailboxRow.reserveUIDs(db, &row, count: messages.count)
        // Quota (RFC 9208): checked under the write lock, before any blob is installed.
        try QuotaRows.check(db, user: row.userID, adding: QuotaRows.usage(of: messages.map(\.blob.size)))
        try files.installAll(messages.map(\.blob))
        let modSeq = try MailboxRow.nextModSeq(db, &row)
        let now = Self.now()
        var keywords: [String] = []
        var uids: [UID] = []
        for (offset, message) in messages.enumerated() {
            let uid = first + Int64(offset)
            let date = message.internalDate ?? ZonedDateTime(secondsSince1970: now)
            let flags = rights.permitted(MessageRows.storable(message.flags))  // RFC 4314 §4
            try MessageRows.insert(
                db, mailbox: row.id, uid: uid, modSeq: modSeq, flags: flags,
                internalDate: date.secondsSince1970, zone: date.zoneMinutes, size: message.blob.size,
                headerSize: min(message.blob.headerSize, message.blob.size), blob: message.blob.id,
                saveDate: now)
            uids.append(UID(UInt32(truncatingIfNeeded: uid)))
            keywords.append(contentsOf: flags.keywords)
        }
        try MessageRows.insertParsedForms(db, of: messages.map(\.blob))
        try ThreadRows.assign(db, ThreadLinks.of(messages.map(\.blob)), owner: row.userID)  // THREADID
        try MailboxRow.noteKeywords(db, mailbox: row.id, keywords, modSeq: modSeq)
        return AppendResult(uidValidity: row.record.uidValidity, uids: uids)
    }
}
