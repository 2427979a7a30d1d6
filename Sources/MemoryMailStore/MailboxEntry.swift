import MailCore
import MailStore

/// One message of a mailbox as the store keeps it.
struct StoredMessage: Sendable {
    var uid: UID
    var modSeq: ModSeq
    var flags: MessageFlags
    /// Kept as the instant and zone it denotes (see `StoreState.normalized(_:)`).
    var internalDate: ZonedDateTime
    var size: UInt64
    var headerSize: UInt64
    var blob: BlobID
    /// RFC 8514 SAVEDATE, seconds since 1970.
    var saveDate: Int64

    var state: MessageState { MessageState(uid: uid, flags: flags, modSeq: modSeq) }

    func record(structure: [UInt8]?) -> MessageRecord {
        MessageRecord(uid: uid, flags: flags, modSeq: modSeq, internalDate: internalDate, size: size,
                      headerSize: headerSize, blob: blob, saveDate: saveDate, structure: structure)
    }
}

/// An expunged UID and the MODSEQ of its expunge (RFC 7162 §3.2.5.2: VANISHED (EARLIER)).
struct Tombstone: Sendable {
    var uid: UID
    var modSeq: ModSeq
}

/// An expunged message as it was, kept for the sessions not yet told of its expunge
/// (RFC 2180 §4.1.1): it holds one reference to its blob until purged.
struct Ghost: Sendable {
    var message: StoredMessage
    /// When it was expunged, seconds since 1970 (`Housekeeping.purgeGhosts`).
    var expungedAt: Int64
}

/// A keyword used in a mailbox and the MODSEQ at which it first appeared, for the FLAGS
/// response (RFC 9051 §7.3.5) and for telling a session that the set grew.
struct KnownKeyword: Sendable {
    var name: String
    var modSeq: ModSeq
}

/// One mailbox: its record, counters and messages.
///
/// Invariants, which every operation keeps:
/// - `messages` is in ascending UID order, every UID below `uidNext` (new messages are
///   appended at the end, since `uidNext` only grows; RFC 3501 §2.3.1.1);
/// - `tombstones` is in ascending MODSEQ order (each expunge appends with a fresh MODSEQ), and
///   names each UID at most once, since a UID is never given to a second message;
/// - `ghosts` holds a subset of the tombstones' UIDs, none of them in `messages`;
/// - `keywords` is in (MODSEQ, `KeywordOrder`) order, no two equal ignoring ASCII case;
/// - a `\Noselect` placeholder has no messages, tombstones, ghosts or keywords, UIDVALIDITY 0
///   and HIGHESTMODSEQ 0.
struct MailboxEntry: Sendable {
    let id: MailboxID
    let owner: UserID
    var name: String
    var selectable: Bool
    var specialUse: SpecialUse?
    var uidValidity: UIDValidity
    /// The next UID to assign; 2^32 once the UID space is used up.
    var uidNext: Int64
    var highestModSeq: ModSeq
    /// The first UID no read-write session has claimed as `\Recent` (RFC 3501 §2.3.2).
    var recentFloor: Int64
    var messages: [StoredMessage] = []
    var tombstones: [Tombstone] = []
    /// Expunged messages still readable, by UID (RFC 2180 §4.1.1).
    var ghosts: [UID: Ghost] = [:]
    var keywords: [KnownKeyword] = []
    /// Created or taken over by an import, which a later import may resume (`ImportStore`).
    var isImportTarget = false
    /// The mailbox's access control list (RFC 4314): it goes with the mailbox and stays
    /// through RENAME.
    var acl = AccessControlList()

    /// A new mailbox: a selectable one starts at UIDNEXT 1 and HIGHESTMODSEQ 1.
    init(id: MailboxID, owner: UserID, name: String, selectable: Bool, specialUse: SpecialUse?,
         uidValidity: UIDValidity) {
        self.id = id
        self.owner = owner
        self.name = name
        self.selectable = selectable
        self.specialUse = specialUse
        self.uidValidity = uidValidity
        uidNext = 1
        highestModSeq = ModSeq(selectable ? 1 : 0)
        recentFloor = 1
    }

    var record: MailboxRecord {
        MailboxRecord(id: id, owner: owner, name: name, selectable: selectable, specialUse: specialUse,
                      uidValidity: uidValidity)
    }

    var uidNextValue: UID { UID(UInt32(clamping: uidNext)) }

    /// A `\Noselect` placeholder made selectable again by CREATE (RFC 3501 §6.3.4): a fresh
    /// start under a new UIDVALIDITY.
    mutating func revive(specialUse: SpecialUse?, uidValidity: UIDValidity) {
        selectable = true
        self.specialUse = specialUse
        self.uidValidity = uidValidity
        uidNext = 1
        highestModSeq = ModSeq(1)
        recentFloor = 1
    }

    // MARK: Counters

    /// Takes the next MODSEQ of the mailbox (RFC 7162 §3.1.1).
    mutating func nextModSeq() -> ModSeq {
        highestModSeq = ModSeq(highestModSeq.rawValue + 1)
        return highestModSeq
    }

    /// Throws `uidSpaceExhausted` unless `count` more UIDs fit below 2^32 (RFC 3501 §2.3.1.1).
    func checkUIDSpace(for count: Int) throws {
        guard uidNext + Int64(count) - 1 <= Int64(UInt32.max) else { throw MailStoreError.uidSpaceExhausted }
    }

    /// Reserves `count` consecutive UIDs, checked with `checkUIDSpace(for:)`; returns the first.
    mutating func reserveUIDs(_ count: Int) -> Int64 {
        let first = uidNext
        uidNext += Int64(count)
        return first
    }

    // MARK: Messages

    /// The positions in `messages` of the UIDs of `wanted` (ascending, without duplicates)
    /// that exist, ascending.
    func positions(of wanted: [UID]) -> [Int] {
        var result: [Int] = []
        result.reserveCapacity(min(wanted.count, messages.count))
        var low = 0
        for uid in wanted {
            guard low < messages.count else { break }
            var lower = low, upper = messages.count
            while lower < upper {
                let middle = (lower + upper) / 2
                if messages[middle].uid < uid { lower = middle + 1 } else { upper = middle }
            }
            low = lower
            if lower < messages.count && messages[lower].uid == uid {
                result.append(lower)
                low += 1
            }
        }
        return result
    }

    /// Removes the messages at `positions` (ascending), leaving tombstones with `modSeq` and
    /// ghosts expunged at `now`, which keep their references to the blobs; returns the removed
    /// messages, in UID order.
    mutating func expunge(at positions: [Int], modSeq: ModSeq, now: Int64) -> [StoredMessage] {
        guard !positions.isEmpty else { return [] }
        var removed: [StoredMessage] = []
        removed.reserveCapacity(positions.count)
        var next = 0, kept = positions[0]
        for index in positions[0]..<messages.count {
            if next < positions.count && positions[next] == index {
                removed.append(messages[index])
                next += 1
            } else {
                messages[kept] = messages[index]
                kept += 1
            }
        }
        messages.removeSubrange(kept...)
        leaveTraces(of: removed, modSeq: modSeq, now: now)
        return removed
    }

    /// Records messages that left the mailbox: a tombstone and a ghost each.
    mutating func leaveTraces(of removed: [StoredMessage], modSeq: ModSeq, now: Int64) {
        tombstones.append(contentsOf: removed.map { Tombstone(uid: $0.uid, modSeq: modSeq) })
        for message in removed { ghosts[message.uid] = Ghost(message: message, expungedAt: now) }
    }

    /// Forgets the ghosts expunged before `cutoff` and returns their blobs, one per ghost (each
    /// held a reference).
    mutating func purgeGhosts(expungedBefore cutoff: Int64) -> [BlobID] {
        let old = ghosts.values.filter { $0.expungedAt < cutoff }
        for ghost in old { ghosts[ghost.message.uid] = nil }
        return old.map(\.message.blob)
    }

    /// Expunged UIDs whose expunge came after `modSeq`, ascending.
    func vanished(since modSeq: ModSeq) -> [UID] {
        var lower = 0, upper = tombstones.count
        while lower < upper {
            let middle = (lower + upper) / 2
            if tombstones[middle].modSeq <= modSeq { lower = middle + 1 } else { upper = middle }
        }
        return tombstones[lower...].map(\.uid).sorted()
    }

    // MARK: Keywords

    /// Records keywords as known in the mailbox, each with the MODSEQ at which it first came;
    /// one already known in any case keeps its first spelling.
    mutating func noteKeywords(_ names: [String], modSeq: ModSeq) {
        var added = false
        for name in names where !keywords.contains(where: { $0.name.caseInsensitiveEquals(name) }) {
            keywords.append(KnownKeyword(name: name, modSeq: modSeq))
            added = true
        }
        if added {
            keywords.sort { $0.modSeq != $1.modSeq ? $0.modSeq < $1.modSeq : KeywordOrder.precedes($0.name, $1.name) }
        }
    }

    /// Every keyword known in the mailbox, in the order they first appeared.
    var keywordNames: [String] { keywords.map(\.name) }

    /// Whether a keyword appeared after `modSeq`.
    func keywordsGrew(since modSeq: ModSeq) -> Bool {
        keywords.contains { $0.modSeq > modSeq }
    }
}
