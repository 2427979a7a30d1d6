import MailCore
import MailStore

extension StoreState {
    /// Renames `from` and every mailbox below it to `to` (RFC 3501 §6.3.5), in name order, as
    /// one step per mailbox against the names as they stand after the previous steps, then
    /// creates the missing superiors of `to`. A name already taken at its step throws
    /// `mailboxExists` with that name; the work is done on a copy of the name index, so a
    /// failure leaves everything as it was. Returns the renamed mailboxes' IDs in name order.
    mutating func renameSubtree(owner: UserID, from: String, to: String, now: Int64) throws -> [MailboxID] {
        guard var names = users[owner]?.mailboxes else { throw MailStoreError.mailboxNotFound(from) }
        let root = BinaryName(from)
        let subtree = names.filter { $0.key == root || $0.key.isInferior(of: root) }.sorted { $0.key < $1.key }
        var renamed: [(id: MailboxID, name: String)] = []
        for (old, id) in subtree {
            let newName = to + old.string.dropFirst(from.count)
            let key = BinaryName(newName)
            if key != old && names[key] != nil { throw MailStoreError.mailboxExists(newName) }
            names[old] = nil
            names[key] = id
            renamed.append((id, newName))
        }
        let superiors = missingSuperiors(of: to, owner: owner, in: names)
        let values = try allocateUIDValidities(superiors.count, now: now)

        users[owner]?.mailboxes = names
        for (id, name) in renamed {
            _ = update(id) { $0.name = name }
        }
        for (superior, uidValidity) in zip(superiors, values) {
            insertMailbox(owner: owner, name: superior, selectable: true, specialUse: nil, uidValidity: uidValidity)
        }
        return renamed.map(\.id)
    }

    /// RENAME INBOX (RFC 3501 §6.3.5, RFC 9051 §6.3.6): every message of INBOX moves, keeping
    /// its UID, flags and MODSEQ, to a new mailbox `to` with a new UIDVALIDITY, which takes
    /// INBOX's UIDNEXT, recent floor and keywords. INBOX stays with its UIDVALIDITY, UIDNEXT
    /// and inferiors, empty: the moved UIDs become its tombstones under one new MODSEQ, and its
    /// ghosts, so that sessions with INBOX selected see them expunged and can fetch them until
    /// then (RFC 2180 §4.1.1). Returns INBOX and the new mailbox.
    mutating func renameInbox(_ inbox: MailboxID, owner: UserID, to: String, now: Int64) throws -> [MailboxID] {
        if mailboxID(of: owner, named: to) != nil { throw MailStoreError.mailboxExists(to) }
        let superiors = missingSuperiors(of: to, owner: owner)
        let values = try allocateUIDValidities(superiors.count + 1, now: now)
        for (superior, uidValidity) in zip(superiors, values) {
            insertMailbox(owner: owner, name: superior, selectable: true, specialUse: nil, uidValidity: uidValidity)
        }
        let target = insertMailbox(owner: owner, name: to, selectable: true, specialUse: nil,
                                   uidValidity: values[superiors.count]).id

        var moved: [StoredMessage] = []
        var keywords: [KnownKeyword] = []
        var uidNext: Int64 = 1, recentFloor: Int64 = 1
        var modSeq = ModSeq(0)
        _ = update(inbox) { entry in
            modSeq = entry.nextModSeq()
            moved = entry.messages
            entry.messages = []
            entry.leaveTraces(of: moved, modSeq: modSeq, now: now)
            keywords = entry.keywords
            uidNext = entry.uidNext
            recentFloor = entry.recentFloor
        }
        _ = update(target) { entry in
            entry.messages = moved
            entry.keywords = keywords
            entry.uidNext = uidNext
            entry.highestModSeq = max(modSeq, entry.highestModSeq)
            entry.recentFloor = recentFloor
        }
        for message in moved { retain(message.blob) }  // the ghosts' references
        metadata.copyMailbox(inbox, to: target)  // RFC 5464 §4.1: INBOX keeps them too
        return [inbox, target]
    }
}
