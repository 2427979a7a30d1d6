import MailCore
import MailStore

/// An account: its name, its stored credentials and the index of its mailboxes by name.
struct UserEntry: Sendable {
    var user: User
    /// `PasswordCredentials.encoded`, decoded on every lookup as a database-backed store does,
    /// so that both refuse the same records.
    var credentials: String
    var mailboxes: [BinaryName: MailboxID] = [:]
    /// Subscribed names, existing or not (RFC 9051 §6.3.7).
    var subscriptions: Set<BinaryName> = []
    /// Sieve scripts by name, the active one's name, and the filtering log (`SieveScriptStore`).
    var sieveScripts: [BinaryName: [UInt8]] = [:]
    var activeSieveScript: BinaryName?
    var sieveLog: [SieveLogEntry] = []
    /// Delivery records: key to expiry, seconds since 1970 (`DeliveryLedger`).
    var ledger: [BinaryName: Int64] = [:]
    /// Quota limits and exact usage (RFC 9208; `InMemoryMailStore+Quota.swift`).
    var quotaLimits = QuotaLimits.unlimited
    var quotaUsage = QuotaUsage()
    /// THREADIDs given (RFC 8474 §5.2; `InMemoryMailStore+Threads.swift`).
    var threads = ThreadTable()
}

/// A message blob: immutable bytes named by their SHA-256, shared by every message that
/// references them (one delivery to many mailboxes, COPY), and gone with the last of them.
struct StoredBlob: Sendable {
    let bytes: [UInt8]
    /// The MIME structure parsed at upload (`StagedBlob.structure`), if any upload had one.
    var structure: [UInt8]?
    /// The SORT and THREAD keys made at upload (`StagedBlob.sortKeys`) or later
    /// (`saveSortKeys`), if any.
    var sortKeys: [UInt8]?
    /// How many messages, in all mailboxes, reference the blob.
    var references: Int
    /// The preview text made at upload (`StagedBlob.preview`) or later (`savePreviews`), if any.
    var preview: String? = nil
}

/// The bytes of one upload in progress or finished, until its `StagingFile` is discarded.
struct Upload: Sendable {
    var bytes: [UInt8]
    var finished = false
}

/// Everything the store holds, as one value behind the store's mutex: each operation runs on
/// it in one critical section, so every operation is atomic and isolated. Operations check
/// everything that can fail before they change anything, so a thrown error leaves the state
/// as it was ("nothing half-written is ever visible", `MessageStore`).
struct StoreState: Sendable {
    /// The last IDs handed out; an ID is never handed out twice, so a session holding the ID
    /// of a deleted mailbox sees `mailboxDeleted`, never another mailbox.
    var lastUserID: Int64 = 0
    var lastMailboxID: Int64 = 0
    /// The last UIDVALIDITY handed out, by any mailbox (RFC 3501 §2.3.1.1).
    var lastUIDValidity: Int64 = 0
    var lastUploadNumber: UInt64 = 0

    var users: [UserID: UserEntry] = [:]
    var userIDs: [BinaryName: UserID] = [:]
    var mailboxes: [MailboxID: MailboxEntry] = [:]
    var blobs: [BlobID: StoredBlob] = [:]
    /// Uploads by `StagingFile.key`.
    var uploads: [String: Upload] = [:]
    /// The installation's secrets, by name (`ServerSecrets`).
    var secrets: [String: [UInt8]] = [:]
    /// METADATA entries of mailboxes and the server (RFC 5464, `MetadataTable`).
    var metadata = MetadataTable()

    // MARK: Lookups

    func mailboxID(of owner: UserID, named name: String) -> MailboxID? {
        users[owner]?.mailboxes[BinaryName(name)]
    }

    /// Throws unless `id` names a mailbox to which `AccessGate` lets the principal do
    /// `operation` (`mailboxDeleted` if it is gone or invisible to them, `permissionDenied`
    /// if visible but not allowed) that is not a `\Noselect` placeholder
    /// (`mailboxNotSelectable`): the check before every call of the selected state
    /// (`MessageStore`). Returns the principal's rights.
    @discardableResult
    func checkSelectable(_ id: MailboxID, as principal: Principal,
                         for operation: MailboxOperation) throws -> AccessRights {
        guard let entry = mailboxes[id] else { throw MailStoreError.mailboxDeleted }
        let rights = rights(on: entry, as: principal)
        try AccessGate.require(operation, rights, hidden: MailStoreError.mailboxDeleted)
        guard entry.selectable else { throw MailStoreError.mailboxNotSelectable(entry.name) }
        return rights
    }

    /// The mailbox behind a selected-state call that only reads.
    func selectable(_ id: MailboxID, as principal: Principal, for operation: MailboxOperation) throws -> MailboxEntry {
        try checkSelectable(id, as: principal, for: operation)
        guard let entry = mailboxes[id] else { throw MailStoreError.mailboxDeleted }
        return entry
    }

    /// Runs `body` on the mailbox in place (no copy of its messages), after the checks of
    /// `checkSelectable`.
    mutating func withSelectable<T>(_ id: MailboxID, as principal: Principal, for operation: MailboxOperation,
                                    _ body: (inout MailboxEntry) throws -> T) throws -> T {
        try checkSelectable(id, as: principal, for: operation)
        guard let index = mailboxes.index(forKey: id) else { throw MailStoreError.mailboxDeleted }
        return try body(&mailboxes.values[index])
    }

    /// Runs `body` on an existing mailbox in place.
    mutating func update<T>(_ id: MailboxID, _ body: (inout MailboxEntry) -> T) -> T? {
        guard let index = mailboxes.index(forKey: id) else { return nil }
        return body(&mailboxes.values[index])
    }

    /// Whether any mailbox of `owner` lies below `name`.
    func hasInferiors(of owner: UserID, _ name: String) -> Bool {
        let superior = BinaryName(name)
        return users[owner]?.mailboxes.keys.contains { $0.isInferior(of: superior) } ?? false
    }

    // MARK: Mailboxes

    /// Adds a mailbox under a fresh ID; a `\Noselect` placeholder takes UIDVALIDITY 0.
    @discardableResult
    mutating func insertMailbox(owner: UserID, name: String, selectable: Bool, specialUse: SpecialUse?,
                                uidValidity: UIDValidity) -> MailboxEntry {
        lastMailboxID += 1
        let entry = MailboxEntry(id: MailboxID(rawValue: lastMailboxID), owner: owner, name: name,
                                 selectable: selectable, specialUse: specialUse, uidValidity: uidValidity)
        mailboxes[entry.id] = entry
        users[owner]?.mailboxes[BinaryName(name)] = entry.id
        if selectable { addQuotaUsage(QuotaUsage(mailboxes: 1), to: owner) }  // quota
        return entry
    }

    /// Removes a mailbox with its messages and ghosts, and the blobs no other message or
    /// ghost references.
    mutating func removeMailbox(_ id: MailboxID) {
        guard let entry = mailboxes.removeValue(forKey: id) else { return }
        if users[entry.owner]?.mailboxes[BinaryName(entry.name)] == id {
            users[entry.owner]?.mailboxes[BinaryName(entry.name)] = nil
        }
        for message in entry.messages { release(message.blob) }
        for ghost in entry.ghosts.values { release(ghost.message.blob) }
        var usage = Self.quotaUsage(of: entry.messages)  // quota
        usage.mailboxes = entry.selectable ? 1 : 0
        removeQuotaUsage(usage, from: entry.owner)
        metadata.removeMailbox(id)
    }

    /// The names to create as superiors of `name` (RFC 9051 §6.3.4: creating "foo/bar/zap"
    /// creates "foo" and "foo/bar"), in order, that `owner` does not have yet.
    func missingSuperiors(of name: String, owner: UserID, in names: [BinaryName: MailboxID]? = nil) -> [String] {
        let existing = names ?? users[owner]?.mailboxes ?? [:]
        return Self.superiors(of: name).filter { existing[BinaryName($0)] == nil }
    }

    /// Every superior name of `name`, shortest first, skipping empty levels (`a//b`).
    static func superiors(of name: String) -> [String] {
        var result: [String] = []
        var index = name.startIndex
        while let slash = name[index...].firstIndex(of: "/") {
            let superior = String(name[..<slash])
            index = name.index(after: slash)
            if superior.isEmpty || superior.hasSuffix("/") { continue }
            result.append(superior)
        }
        return result
    }

    /// Hands out `count` UIDVALIDITY values never given before by this store: the larger of
    /// the last one plus one and the current time, so that a value also stays fresh against
    /// a store that lost its counter (RFC 3501 §2.3.1.1). Throws before changing anything.
    mutating func allocateUIDValidities(_ count: Int, now: Int64) throws -> [UIDValidity] {
        var last = lastUIDValidity
        var values: [UIDValidity] = []
        for _ in 0..<count {
            var next = max(last + 1, now)
            // Past 2106 the clock no longer fits; the counter alone goes on.
            if next > Int64(UInt32.max) { next = last + 1 }
            guard next <= Int64(UInt32.max) else { throw MailStoreError.uidSpaceExhausted }
            values.append(UIDValidity(UInt32(next)))
            last = next
        }
        lastUIDValidity = last
        return values
    }

    // MARK: Blobs

    /// Counts one more message or ghost referencing `blob`.
    mutating func retain(_ blob: BlobID) {
        blobs[blob]?.references += 1
    }

    /// A new message references `staged`'s blob: counts the reference and keeps the parsed
    /// forms the upload made (structure, sort keys, preview) unless the blob has them already.
    mutating func retainStored(_ staged: StagedBlob) {
        let blob = staged.id
        retain(blob)
        if !staged.structure.isEmpty, blobs[blob]?.structure == nil { blobs[blob]?.structure = staged.structure }
        if !staged.sortKeys.isEmpty, blobs[blob]?.sortKeys == nil { blobs[blob]?.sortKeys = staged.sortKeys }
        if let preview = staged.preview, blobs[blob]?.preview == nil { blobs[blob]?.preview = preview }  // RFC 8970
    }

    /// Counts one message or ghost fewer referencing `blob`; the blob goes with its last
    /// reference.
    mutating func release(_ blob: BlobID) {
        guard let index = blobs.index(forKey: blob) else { return }
        blobs.values[index].references -= 1
        if blobs.values[index].references <= 0 { blobs.remove(at: index) }
    }
}
