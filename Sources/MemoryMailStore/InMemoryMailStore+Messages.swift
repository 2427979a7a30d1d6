public import MailCore
public import MailStore

extension InMemoryMailStore {
    /// EXPUNGE and UID EXPUNGE (RFC 9051 §6.4.3, RFC 4315 §2.1): removes the messages flagged
    /// `\Deleted` (among `uids`, if given) and leaves tombstones with one new MODSEQ, and
    /// ghosts that keep the blobs until `purgeGhosts` (RFC 2180 §4.1.1).
    public func expunge(in mailbox: MailboxID, uids: [UID]?, as principal: Principal) async throws -> [UID] {
        let wanted = uids.map(Self.normalized)
        let now = Self.now()
        let removed: [UID] = try state.withLock { state in
            let (owner, removed) = try state.withSelectable(mailbox, as: principal, for: .expunge) { entry -> (UserID, [StoredMessage]) in
                let candidates = wanted.map { entry.positions(of: $0) } ?? Array(entry.messages.indices)
                let positions = candidates.filter { entry.messages[$0].flags.system.contains(.deleted) }
                guard !positions.isEmpty else { return (entry.owner, []) }
                return (entry.owner, entry.expunge(at: positions, modSeq: entry.nextModSeq(), now: now))
            }
            state.removeQuotaUsage(StoreState.quotaUsage(of: removed), from: owner)  // quota
            return removed.map(\.uid)
        }
        if !removed.isEmpty { post([mailbox]) }
        return removed
    }

    /// COPY (RFC 9051 §6.4.7): the copies share the originals' blobs and keep flags and
    /// INTERNALDATE; they get consecutive UIDs from the destination's UIDNEXT (RFC 4315 COPYUID).
    public func copy(from source: MailboxID, uids: [UID], to destination: MailboxID, requireAll: Bool,
                     as principal: Principal) async throws -> CopyResult {
        let result = try transfer(from: source, uids: uids, to: destination, move: false, requireAll: requireAll,
                                  as: principal)
        if !result.sourceUIDs.isEmpty { post([destination]) }
        return result
    }

    /// MOVE (RFC 6851 §3): copy and expunge in one step, so no other session ever sees the
    /// messages in both mailboxes or in neither.
    public func move(from source: MailboxID, uids: [UID], to destination: MailboxID,
                     as principal: Principal) async throws -> CopyResult {
        let result = try transfer(from: source, uids: uids, to: destination, move: true, requireAll: false,
                                  as: principal)
        if !result.sourceUIDs.isEmpty { post([source, destination]) }
        return result
    }

    /// COPY or MOVE. The copies take one new MODSEQ of the destination; a MOVE then expunges
    /// the originals under a new MODSEQ of the source (after the copies' one, if the source
    /// is the destination), leaving ghosts. Blobs are counted once more per copy; the ghosts
    /// of a MOVE keep the originals' references.
    private func transfer(from source: MailboxID, uids: [UID], to destination: MailboxID, move: Bool,
                          requireAll: Bool, as principal: Principal) throws -> CopyResult {
        let wanted = Self.normalized(uids)
        let now = Self.now()
        return try state.withLock { state in
            let originals: [StoredMessage] = try {
                // RFC 4314 §4: MOVE expunges, which needs `t` and `e` (RFC 6851 §4.3).
                let from = try state.selectable(source, as: principal, for: move ? .expunge : .read)
                if move, !state.rights(on: from, as: principal).contains(.deleteMessages) {
                    throw MailStoreError.permissionDenied
                }
                return from.positions(of: wanted).map { from.messages[$0] }
            }()
            // `i` on the destination, whose flag rights filter the copies' flags.
            let destinationRights = try state.checkSelectable(destination, as: principal, for: .insert)
            if requireAll && originals.count != wanted.count { throw MailStoreError.messagesExpunged }
            let uidValidity = state.mailboxes[destination]?.uidValidity ?? UIDValidity(0)
            guard !originals.isEmpty else {
                return CopyResult(uidValidity: uidValidity, sourceUIDs: [], destinationUIDs: [])
            }
            // Quota (RFC 9208): a MOVE within one owner's mailboxes changes no usage.
            let sourceOwner = state.mailboxes[source]?.owner, destinationOwner = state.mailboxes[destination]?.owner
            let moved = StoreState.quotaUsage(of: originals)
            let changesQuota = !(move && sourceOwner == destinationOwner)
            if changesQuota, let destinationOwner { try state.checkQuota(of: destinationOwner, adding: moved) }
            let destinationUIDs: [UID] = try state.withSelectable(destination, as: principal, for: .insert) { entry in
                try entry.checkUIDSpace(for: originals.count)
                let first = entry.reserveUIDs(originals.count)
                let modSeq = entry.nextModSeq()
                var keywords: [String] = []
                var uids: [UID] = []
                uids.reserveCapacity(originals.count)
                for (offset, original) in originals.enumerated() {
                    var copy = original
                    copy.uid = UID(UInt32(truncatingIfNeeded: first + Int64(offset)))
                    copy.modSeq = modSeq
                    copy.saveDate = now
                    copy.flags = destinationRights.permitted(original.flags)
                    entry.messages.append(copy)
                    uids.append(copy.uid)
                    for keyword in copy.flags.keywords
                    where !keywords.contains(where: { $0.caseInsensitiveEquals(keyword) }) {
                        keywords.append(keyword)
                    }
                }
                entry.noteKeywords(keywords, modSeq: modSeq)
                return uids
            }
            for original in originals { state.retain(original.blob) }
            if changesQuota, let destinationOwner, let sourceOwner {  // quota
                state.addQuotaUsage(moved, to: destinationOwner)
                if move { state.removeQuotaUsage(moved, from: sourceOwner) }
            }
            if move {
                let sourceUIDs = originals.map(\.uid)
                _ = state.update(source) { entry in
                    let modSeq = entry.nextModSeq()
                    _ = entry.expunge(at: entry.positions(of: sourceUIDs), modSeq: modSeq, now: now)
                }
            }
            return CopyResult(uidValidity: uidValidity, sourceUIDs: originals.map(\.uid),
                              destinationUIDs: destinationUIDs)
        }
    }

    /// APPEND and MULTIAPPEND (RFC 3502): all messages or none. Each staged upload is installed
    /// as its blob unless the blob is already stored (identical content); the messages get
    /// consecutive UIDs and one new MODSEQ (RFC 4315 APPENDUID). A missing upload throws
    /// `blobMissing` before anything changes.
    public func append(_ messages: [NewMessage], to mailbox: MailboxID,
                       as principal: Principal) async throws -> AppendResult {
        let now = Self.now()
        let result: AppendResult = try state.withLock { state in
            try Self.append(messages, to: mailbox, as: principal, now: now, in: &state)
        }
        if !result.uids.isEmpty { post([mailbox]) }
        return result
    }

    /// APPEND's change of the state (also REPLACE's append), inside the caller's lock.
    static func append(_ messages: [NewMessage], to mailbox: MailboxID, as principal: Principal, now: Int64,
                       in state: inout StoreState) throws -> AppendResult {
        // Only scalars are read here: a copy of the mailbox held on to would make the
        // append below copy all its messages.
        let rights = try state.checkSelectable(mailbox, as: principal, for: .insert)
        let uidValidity = state.mailboxes[mailbox]?.uidValidity ?? UIDValidity(0)
        guard !messages.isEmpty else { return AppendResult(uidValidity: uidValidity, uids: []) }
        try state.mailboxes[mailbox]?.checkUIDSpace(for: messages.count)
        // Quota (RFC 9208): checked before anything changes, added with the messages.
        let owner = state.mailboxes[mailbox]?.owner
        var added = QuotaUsage()
        for message in messages { added.add(QuotaUsage(storage: message.blob.size, messages: 1)) }
        if let owner { try state.checkQuota(of: owner, adding: added) }
        var installs: [BlobID: [UInt8]] = [:]
        for message in messages {
            let blob = message.blob.id
            guard BlobName.isValid(blob) else { throw MailStoreError.blobMissing(blob) }
            if state.blobs[blob] != nil || installs[blob] != nil { continue }
            guard let upload = state.uploads[message.blob.stagingKey] else {
                throw MailStoreError.blobMissing(blob)
            }
            installs[blob] = upload.bytes
        }

        for (blob, bytes) in installs {
            state.blobs[blob] = StoredBlob(bytes: bytes, structure: nil, sortKeys: nil, references: 0)
        }
        let uids: [UID] = try state.withSelectable(mailbox, as: principal, for: .insert) { entry in
            let first = entry.reserveUIDs(messages.count)
            let modSeq = entry.nextModSeq()
            let date = ZonedDateTime(secondsSince1970: now)
            var keywords: [String] = []
            var uids: [UID] = []
            uids.reserveCapacity(messages.count)
            for (offset, message) in messages.enumerated() {
                let uid = UID(UInt32(truncatingIfNeeded: first + Int64(offset)))
                let flags = rights.permitted(Self.storable(message.flags))  // RFC 4314 §4
                entry.messages.append(StoredMessage(
                    uid: uid, modSeq: modSeq, flags: flags,
                    internalDate: Self.normalized(message.internalDate ?? date),
                    size: message.blob.size, headerSize: min(message.blob.headerSize, message.blob.size),
                    blob: message.blob.id, saveDate: now))
                uids.append(uid)
                keywords.append(contentsOf: flags.keywords)
            }
            entry.noteKeywords(keywords, modSeq: modSeq)
            return uids
        }
        if let owner { state.addQuotaUsage(added, to: owner) }  // quota
        if let owner { state.assignThreads(ThreadLinks.of(messages.map(\.blob)), owner: owner) }  // THREADID
        for message in messages { state.retainStored(message.blob) }
        return AppendResult(uidValidity: uidValidity, uids: uids)
    }
}
