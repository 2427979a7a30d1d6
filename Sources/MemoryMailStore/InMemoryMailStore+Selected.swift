public import MailCore
public import MailStore

extension InMemoryMailStore {
    /// SELECT/EXAMINE (RFC 9051 §6.3.2). With `claimRecent` the recent floor moves to UIDNEXT
    /// and the messages from the old floor on are recent for this session only (RFC 3501
    /// §2.3.2); without it, the unclaimed messages are listed as recent and stay unclaimed.
    public func open(_ mailbox: MailboxID, claimRecent: Bool, as principal: Principal) async throws -> MailboxSnapshot {
        try state.withLock { state in
            try state.withSelectable(mailbox, as: principal, for: .read) { entry in
                let recent: Range<Int64>
                if claimRecent {
                    recent = entry.recentFloor ..< max(entry.recentFloor, entry.uidNext)
                    entry.recentFloor = max(entry.recentFloor, entry.uidNext)
                } else {
                    recent = entry.recentFloor ..< Int64.max
                }
                var messages: [MessageState] = []
                messages.reserveCapacity(entry.messages.count)
                var recentUIDs: [UID] = []
                for message in entry.messages {
                    messages.append(message.state)
                    if recent.contains(Int64(message.uid.rawValue)) { recentUIDs.append(message.uid) }
                }
                return MailboxSnapshot(mailbox: entry.record, messages: messages, recentUIDs: recentUIDs,
                                       uidNext: entry.uidNextValue, highestModSeq: entry.highestModSeq,
                                       keywords: entry.keywordNames)
            }
        }
    }

    /// Moves the recent floor past `last` (at most to UIDNEXT) and returns the existing
    /// messages it passed (RFC 3501 §2.3.2): exactly one claimer sees each new message as
    /// `\Recent`.
    public func claimRecent(in mailbox: MailboxID, through last: UID,
                            as principal: Principal) async throws -> [UID] {
        try state.withLock { state in
            try state.withSelectable(mailbox, as: principal, for: .read) { entry in
                let floor = min(Int64(last.rawValue) + 1, entry.uidNext)
                guard entry.recentFloor < floor else { return [] }
                let claimed = entry.recentFloor ..< floor
                entry.recentFloor = floor
                return entry.messages.map(\.uid).filter { claimed.contains(Int64($0.rawValue)) }
            }
        }
    }

    /// Messages with a MODSEQ above `modSeq`, tombstones above it, and the keywords if one
    /// appeared after it (RFC 7162 §3.2.5.2).
    public func changes(in mailbox: MailboxID, since modSeq: ModSeq,
                        as principal: Principal) async throws -> MailboxChanges {
        try state.withLock { state in
            let entry = try state.selectable(mailbox, as: principal, for: .read)
            let changed = entry.messages.lazy.filter { $0.modSeq > modSeq }.map(\.state)
            return MailboxChanges(changed: Array(changed), vanished: entry.vanished(since: modSeq),
                                  uidNext: entry.uidNextValue, highestModSeq: entry.highestModSeq,
                                  keywords: entry.keywordsGrew(since: modSeq) ? entry.keywordNames : [],
                                  recentUnclaimed: entry.recentFloor < entry.uidNext)
        }
    }

    public func records(in mailbox: MailboxID, uids: [UID], withStructure: Bool,
                        as principal: Principal) async throws -> [MessageRecord] {
        let wanted = Self.normalized(uids)
        return try state.withLock { state in
            let entry = try state.selectable(mailbox, as: principal, for: .read)
            return entry.positions(of: wanted).map { position in
                let message = entry.messages[position]
                return message.record(structure: withStructure ? state.blobs[message.blob]?.structure : nil)
            }
        }
    }

    /// The ghosts among `uids`, as they were when expunged (RFC 2180 §4.1.1).
    public func ghosts(in mailbox: MailboxID, uids: [UID], withStructure: Bool,
                       as principal: Principal) async throws -> [MessageRecord] {
        let wanted = Self.normalized(uids)
        return try state.withLock { state in
            let entry = try state.selectable(mailbox, as: principal, for: .read)
            return wanted.compactMap { entry.ghosts[$0]?.message }.map { message in
                message.record(structure: withStructure ? state.blobs[message.blob]?.structure : nil)
            }
        }
    }

    public func states(in mailbox: MailboxID, uids: [UID], as principal: Principal) async throws -> [MessageState] {
        let wanted = Self.normalized(uids)
        return try state.withLock { state in
            let entry = try state.selectable(mailbox, as: principal, for: .read)
            return entry.positions(of: wanted).map { entry.messages[$0].state }
        }
    }

    /// STORE (RFC 9051 §6.4.6) with UNCHANGEDSINCE (RFC 7162 §3.1.3). Every message whose
    /// flags change takes one shared new MODSEQ; one whose flags stay as they were keeps its
    /// own and is reported as stored; one modified after UNCHANGEDSINCE is left alone and
    /// listed in `modified`. Keywords set by the STORE become known in the mailbox.
    public func storeFlags(in mailbox: MailboxID, uids: [UID], operation: StoreOperation, flags: MessageFlags,
                           unchangedSince: ModSeq?, as principal: Principal) async throws -> StoreResult {
        let wanted = Self.normalized(uids)
        let requested = Self.storable(flags)
        let result = try state.withLock { state in
            let rights = try state.checkSelectable(mailbox, as: principal, for: .read)
            try AccessGate.requireFlagChange(requested, rights)
            return try state.withSelectable(mailbox, as: principal, for: .read) { entry in
                let positions = entry.positions(of: wanted)
                var states: [MessageState] = []
                states.reserveCapacity(positions.count)
                var changed = Set<UID>()
                var modified: [UID] = []
                var newModSeq: ModSeq?
                for position in positions {
                    let current = entry.messages[position]
                    if let unchangedSince, current.modSeq > unchangedSince {
                        modified.append(current.uid)
                        states.append(current.state)
                        continue
                    }
                    var flags = current.flags
                    guard flags.apply(operation, requested, allowedBy: rights) else {
                        states.append(current.state)
                        continue
                    }
                    let modSeq = newModSeq ?? entry.nextModSeq()
                    newModSeq = modSeq
                    entry.messages[position].flags = flags
                    entry.messages[position].modSeq = modSeq
                    states.append(MessageState(uid: current.uid, flags: flags, modSeq: modSeq))
                    changed.insert(current.uid)
                }
                if let newModSeq, operation != .remove {
                    entry.noteKeywords(requested.keywords, modSeq: newModSeq)
                }
                return StoreResult(messages: states, changedUIDs: changed, modified: modified)
            }
        }
        if !result.changedUIDs.isEmpty { post([mailbox]) }
        return result
    }
}
