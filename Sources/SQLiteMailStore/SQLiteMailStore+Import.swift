import Foundation
import GRDB
public import MailCore
public import MailStore

/// `ImportStore`: mail brought over keeping its UIDVALIDITY and UIDs. A mailbox an import
/// created or took over is recorded in `import_targets`, so that a later run resumes it while
/// a mailbox holding other mail is never mixed with an import.
extension SQLiteMailStore {
    public func beginImport(into path: MailboxPath, uidValidity: UIDValidity?) async throws -> ImportTarget {
        let (user, name) = (path.owner.rawValue, path.name)
        return try await write { db in
            try Self.requireUser(db, user)
            if let existing = try MailboxRow.fetch(db, user: user, name: name), existing.selectable {
                if try Self.isImportTarget(db, existing.id) {
                    if let uidValidity, uidValidity != existing.record.uidValidity {
                        throw ImportConflict.uidValidityDiffers(name, existing: existing.record.uidValidity,
                                                                source: uidValidity)
                    }
                    return ImportTarget(mailbox: existing.record, uidNext: existing.uidNextValue, isFresh: false)
                }
                // Empty and never used: no UID was ever handed out.
                guard existing.uidNext == 1 else { throw ImportConflict.mailboxInUse(name) }
                return try Self.adopt(existing.id, uidValidity: uidValidity, db)
            } else if let placeholder = try MailboxRow.fetch(db, user: user, name: name) {
                // A `\Noselect` placeholder becomes selectable, as CREATE makes it (RFC 3501 §6.3.4).
                try db.cachedStatement(sql: """
                    UPDATE mailboxes SET selectable = 1, uidvalidity = ?, uidnext = 1, highest_modseq = 1,
                        recent_floor = 1 WHERE id = ?
                    """).execute(arguments: [try MailboxRow.allocateUIDValidity(db), placeholder.id])
                return try Self.adopt(placeholder.id, uidValidity: uidValidity, db)
            }
            try Self.createSuperiors(of: name, user: user, db)
            let created = try MailboxRow.insert(db, user: user, name: name, selectable: true, specialUse: nil)
            return try Self.adopt(created.id, uidValidity: uidValidity, db)
        }
    }

    /// Gives a fresh mailbox the source's UIDVALIDITY (if any) and records it as an import's.
    /// The store's UIDVALIDITY counter moves past the value, so that a mailbox created later
    /// under the same name never gets it again (RFC 3501 §2.3.1.1).
    private static func adopt(_ id: Int64, uidValidity: UIDValidity?, _ db: Database) throws -> ImportTarget {
        if let uidValidity {
            try db.cachedStatement(sql: "UPDATE mailboxes SET uidvalidity = ? WHERE id = ?")
                .execute(arguments: [Int64(uidValidity.rawValue), id])
            try db.cachedStatement(sql: "UPDATE meta SET value = max(value, ?) WHERE key = 'uidvalidity'")
                .execute(arguments: [Int64(uidValidity.rawValue)])
        }
        try db.cachedStatement(sql: "INSERT OR IGNORE INTO import_targets (mailbox_id) VALUES (?)")
            .execute(arguments: [id])
        guard let row = try MailboxRow.fetch(db, id: id) else { throw MailStoreError.mailboxDeleted }
        return ImportTarget(mailbox: row.record, uidNext: row.uidNextValue, isFresh: true)
    }

    static func isImportTarget(_ db: Database, _ mailbox: Int64) throws -> Bool {
        let statement = try db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM import_targets WHERE mailbox_id = ?)")
        return try Bool.fetchOne(statement, arguments: [mailbox]) ?? false
    }

    /// One write transaction: the blobs of the UIDs at or above UIDNEXT are installed (as
    /// APPEND installs them), their rows inserted under one new MODSEQ, and UIDNEXT moved past
    /// the last of them.
    public func importMessages(_ messages: [ImportedMessage], into mailbox: MailboxID) async throws -> ImportOutcome {
        try ImportedMessage.checkAscending(messages)
        let files = self.files
        let now = Self.now()
        let outcome: ImportOutcome = try await write { db in
            guard var row = try MailboxRow.fetch(db, id: mailbox.rawValue), row.selectable,
                  try Self.isImportTarget(db, row.id)
            else { throw ImportConflict.notImportTarget }
            var outcome = ImportOutcome()
            var accepted: [ImportedMessage] = []
            let present = try db.cachedStatement(
                sql: "SELECT EXISTS (SELECT 1 FROM messages WHERE mailbox_id = ? AND uid = ?)")
            for message in messages {
                let uid = Int64(message.uid.rawValue)
                if uid >= row.uidNext {
                    accepted.append(message)
                } else if try Bool.fetchOne(present, arguments: [row.id, uid]) == true {
                    outcome.alreadyPresent.append(message.uid)
                } else {
                    outcome.belowUIDNext.append(message.uid)
                }
            }
            guard let last = accepted.last else { return outcome }
            try files.installAll(accepted.map(\.blob))
            let modSeq = try MailboxRow.nextModSeq(db, &row)
            var keywords: [String] = []
            for message in accepted {
                let flags = MessageRows.storable(message.flags)
                try MessageRows.insert(
                    db, mailbox: row.id, uid: Int64(message.uid.rawValue), modSeq: modSeq, flags: flags,
                    internalDate: message.internalDate.secondsSince1970, zone: message.internalDate.zoneMinutes,
                    size: message.blob.size, headerSize: min(message.blob.headerSize, message.blob.size),
                    blob: message.blob.id, saveDate: now)
                keywords.append(contentsOf: flags.keywords)
                outcome.imported.append(message.uid)
            }
            try MessageRows.insertParsedForms(db, of: accepted.map(\.blob))
            try db.cachedStatement(sql: "UPDATE mailboxes SET uidnext = ? WHERE id = ?")
                .execute(arguments: [Int64(last.uid.rawValue) + 1, row.id])
            try MailboxRow.noteKeywords(db, mailbox: row.id, keywords, modSeq: modSeq)
            return outcome
        }
        if !outcome.imported.isEmpty { post(mailbox) }
        return outcome
    }

    public func raiseUIDNext(of mailbox: MailboxID, to uidNext: UID) async throws -> UID {
        let (now, raised): (UID, Bool) = try await write { db in
            guard let row = try MailboxRow.fetch(db, id: mailbox.rawValue), row.selectable,
                  try Self.isImportTarget(db, row.id)
            else { throw ImportConflict.notImportTarget }
            let wanted = Int64(uidNext.rawValue)
            guard wanted > row.uidNext else { return (row.uidNextValue, false) }
            try db.cachedStatement(sql: "UPDATE mailboxes SET uidnext = ? WHERE id = ?")
                .execute(arguments: [wanted, row.id])
            return (uidNext, true)
        }
        if raised { post(mailbox) }
        return now
    }
}

extension Schema {
    /// `import_targets`: the mailboxes an import created or took over (`ImportStore`), which a
    /// later import may resume; they go with their mailbox (cascade).
    static func createImportTargets(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE import_targets (
                mailbox_id INTEGER PRIMARY KEY NOT NULL REFERENCES mailboxes(id) ON DELETE CASCADE
            );
            """)
    }
}
