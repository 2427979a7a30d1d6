public import MailCore
public import MailStore

/// `ImportStore`: mail brought over keeping its UIDVALIDITY and UIDs, with the rules and
/// error precedence of the embedded store.
extension InMemoryMailStore {
    public func beginImport(into path: MailboxPath, uidValidity: UIDValidity?) async throws -> ImportTarget {
        let (owner, name) = (path.owner, path.name)
        let now = Self.now()
        return try state.withLock { state in
            guard state.users[owner] != nil else { throw MailStoreError.userNotFound(String(owner.rawValue)) }
            let id: MailboxID
            if let existing = state.mailboxID(of: owner, named: name), let entry = state.mailboxes[existing] {
                if entry.selectable {
                    if entry.isImportTarget {
                        if let uidValidity, uidValidity != entry.uidValidity {
                            throw ImportConflict.uidValidityDiffers(name, existing: entry.uidValidity, source: uidValidity)
                        }
                        return ImportTarget(mailbox: entry.record, uidNext: entry.uidNextValue, isFresh: false)
                    }
                    guard entry.uidNext == 1 else { throw ImportConflict.mailboxInUse(name) }
                } else {
                    let fresh = try state.allocateUIDValidities(1, now: now)[0]
                    _ = state.update(existing) { $0.revive(specialUse: nil, uidValidity: fresh) }
                    state.addQuotaUsage(QuotaUsage(mailboxes: 1), to: owner)  // quota (not enforced on import)
                }
                id = existing
            } else {
                let superiors = state.missingSuperiors(of: name, owner: owner)
                let values = try state.allocateUIDValidities(superiors.count + 1, now: now)
                for (superior, value) in zip(superiors, values) {
                    state.insertMailbox(owner: owner, name: superior, selectable: true, specialUse: nil, uidValidity: value)
                }
                id = state.insertMailbox(owner: owner, name: name, selectable: true, specialUse: nil,
                                         uidValidity: values[superiors.count]).id
            }
            if let uidValidity {
                state.lastUIDValidity = max(state.lastUIDValidity, Int64(uidValidity.rawValue))
            }
            guard let entry = state.update(id, { entry -> MailboxEntry in
                if let uidValidity { entry.uidValidity = uidValidity }
                entry.isImportTarget = true
                return entry
            }) else { throw MailStoreError.mailboxDeleted }
            return ImportTarget(mailbox: entry.record, uidNext: entry.uidNextValue, isFresh: true)
        }
    }

    /// Installs the blobs of the UIDs at or above UIDNEXT (as APPEND does) and adds their
    /// messages under one new MODSEQ; UIDNEXT moves past the last of them.
    public func importMessages(_ messages: [ImportedMessage], into mailbox: MailboxID) async throws -> ImportOutcome {
        try ImportedMessage.checkAscending(messages)
        let now = Self.now()
        let outcome: ImportOutcome = try state.withLock { state in
            // Only scalars are kept: a copy of the mailbox held on to would make the update
            // below copy all its messages.
            guard let uidNext = state.mailboxes[mailbox].flatMap({ $0.selectable && $0.isImportTarget ? $0.uidNext : nil })
            else { throw ImportConflict.notImportTarget }
            var outcome = ImportOutcome()
            var accepted: [ImportedMessage] = []
            for message in messages {
                if Int64(message.uid.rawValue) >= uidNext {
                    accepted.append(message)
                } else if state.mailboxes[mailbox]?.positions(of: [message.uid]).isEmpty == false {
                    outcome.alreadyPresent.append(message.uid)
                } else {
                    outcome.belowUIDNext.append(message.uid)
                }
            }
            guard let last = accepted.last else { return outcome }
            var installs: [BlobID: [UInt8]] = [:]
            for message in accepted {
                let blob = message.blob.id
                guard BlobName.isValid(blob) else { throw MailStoreError.blobMissing(blob) }
                if state.blobs[blob] != nil || installs[blob] != nil { continue }
                guard let upload = state.uploads[message.blob.stagingKey] else { throw MailStoreError.blobMissing(blob) }
                installs[blob] = upload.bytes
            }
            for (blob, bytes) in installs {
                state.blobs[blob] = StoredBlob(bytes: bytes, structure: nil, sortKeys: nil, references: 0)
            }
            _ = state.update(mailbox) { entry in
                let modSeq = entry.nextModSeq()
                var keywords: [String] = []
                for message in accepted {
                    let flags = Self.storable(message.flags)
                    entry.messages.append(StoredMessage(
                        uid: message.uid, modSeq: modSeq, flags: flags,
                        internalDate: Self.normalized(message.internalDate), size: message.blob.size,
                        headerSize: min(message.blob.headerSize, message.blob.size), blob: message.blob.id,
                        saveDate: now))
                    keywords.append(contentsOf: flags.keywords)
                }
                entry.uidNext = Int64(last.uid.rawValue) + 1
                entry.noteKeywords(keywords, modSeq: modSeq)
            }
            if let owner = state.mailboxes[mailbox]?.owner {  // quota (not enforced on import)
                var added = QuotaUsage()
                for message in accepted { added.add(QuotaUsage(storage: message.blob.size, messages: 1)) }
                state.addQuotaUsage(added, to: owner)
            }
            for message in accepted {
                state.retainStored(message.blob)
                outcome.imported.append(message.uid)
            }
            return outcome
        }
        if !outcome.imported.isEmpty { post([mailbox]) }
        return outcome
    }

    public func raiseUIDNext(of mailbox: MailboxID, to uidNext: UID) async throws -> UID {
        let (current, raised): (UID, Bool) = try state.withLock { state in
            guard let entry = state.mailboxes[mailbox], entry.selectable, entry.isImportTarget else {
                throw ImportConflict.notImportTarget
            }
            guard Int64(uidNext.rawValue) > entry.uidNext else { return (entry.uidNextValue, false) }
            _ = state.update(mailbox) { $0.uidNext = Int64(uidNext.rawValue) }
            return (uidNext, true)
        }
        if raised { post([mailbox]) }
        return current
    }
}
