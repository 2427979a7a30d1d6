public import MailCore

/// A mailbox as listed for a user: RFC 3501 §6.3.8 LIST needs the name and whether it can be
/// selected; RFC 6154 its special use.
public struct MailboxRecord: Hashable, Sendable {
    public var id: MailboxID
    /// The user whose mailbox this is.
    public var owner: UserID
    /// The full hierarchical name, `/`-separated, Unicode; `INBOX` spelled in upper case.
    public var name: String
    /// False for a `\Noselect` placeholder: a former mailbox that still has children
    /// (RFC 3501 §6.3.4).
    public var selectable: Bool
    /// `\Drafts`, `\Sent`, ... (RFC 6154), if any.
    public var specialUse: SpecialUse?
    public var uidValidity: UIDValidity

    /// Where the mailbox is: its owner and name.
    public var path: MailboxPath { MailboxPath(owner: owner, name: name) }

    public init(id: MailboxID, owner: UserID, name: String, selectable: Bool, specialUse: SpecialUse?,
                uidValidity: UIDValidity) {
        self.id = id
        self.owner = owner
        self.name = name
        self.selectable = selectable
        self.specialUse = specialUse
        self.uidValidity = uidValidity
    }
}

/// The counters of STATUS (RFC 9051 §6.3.11) and of SELECT (§6.3.2).
public struct MailboxStatus: Hashable, Sendable {
    public var messages: Int
    /// Messages whose UID is at or above the mailbox's recent floor (not yet seen by any
    /// session that selected the mailbox read-write).
    public var recent: Int
    public var unseen: Int
    public var deleted: Int
    /// Sum of RFC822.SIZE of all messages (RFC 8438).
    public var size: UInt64
    public var uidNext: UID
    public var uidValidity: UIDValidity
    public var highestModSeq: ModSeq
    /// Sum of RFC822.SIZE of the messages flagged `\Deleted`: what an EXPUNGE would free
    /// (RFC 9208 §4.1.4 DELETED-STORAGE, in octets here).
    public var deletedSize: UInt64

    public init(messages: Int, recent: Int, unseen: Int, deleted: Int, size: UInt64,
                uidNext: UID, uidValidity: UIDValidity, highestModSeq: ModSeq, deletedSize: UInt64 = 0) {
        self.messages = messages
        self.recent = recent
        self.unseen = unseen
        self.deleted = deleted
        self.size = size
        self.uidNext = uidNext
        self.uidValidity = uidValidity
        self.highestModSeq = highestModSeq
        self.deletedSize = deletedSize
    }
}

/// The flags and modification sequence of one message: what a session's view of a mailbox
/// holds per message, and what change tracking reports.
public struct MessageState: Hashable, Sendable {
    public var uid: UID
    public var flags: MessageFlags
    public var modSeq: ModSeq
    public init(uid: UID, flags: MessageFlags, modSeq: ModSeq) {
        self.uid = uid
        self.flags = flags
        self.modSeq = modSeq
    }
}

/// What a session learns when it opens a mailbox (SELECT/EXAMINE, RFC 9051 §6.3.2).
public struct MailboxSnapshot: Sendable {
    public var mailbox: MailboxRecord
    /// Every message in UID order: the session's initial view.
    public var messages: [MessageState]
    /// UIDs that are recent for this session (claimed by a read-write open; RFC 3501 §2.3.2).
    public var recentUIDs: [UID]
    public var uidNext: UID
    public var highestModSeq: ModSeq
    /// Every keyword ever used in the mailbox, for the FLAGS response (RFC 9051 §7.3.5).
    public var keywords: [String]

    public init(mailbox: MailboxRecord, messages: [MessageState], recentUIDs: [UID], uidNext: UID,
                highestModSeq: ModSeq, keywords: [String]) {
        self.mailbox = mailbox
        self.messages = messages
        self.recentUIDs = recentUIDs
        self.uidNext = uidNext
        self.highestModSeq = highestModSeq
        self.keywords = keywords
    }
}

/// The changes to a mailbox after a given modification sequence: what a session must be told
/// (RFC 7162 §3.2.5.2 gives the same model to clients).
public struct MailboxChanges: Sendable {
    /// New or changed messages with a MODSEQ above the asked one, in UID order.
    public var changed: [MessageState]
    /// Expunged UIDs with a MODSEQ above the asked one, ascending.
    public var vanished: [UID]
    public var uidNext: UID
    public var highestModSeq: ModSeq
    /// Keywords, if the set grew since the asked MODSEQ's snapshot; otherwise empty.
    public var keywords: [String]
    /// Whether, in this snapshot, some messages had not yet been claimed as recent by any
    /// session (RFC 3501 §2.3.2). When false, `claimRecent` would claim nothing, so a session
    /// need not call it: with many sessions on one mailbox that spares all but one of them a
    /// write transaction per new message.
    public var recentUnclaimed: Bool

    public init(changed: [MessageState], vanished: [UID], uidNext: UID, highestModSeq: ModSeq,
                keywords: [String], recentUnclaimed: Bool = true) {
        self.changed = changed
        self.vanished = vanished
        self.uidNext = uidNext
        self.highestModSeq = highestModSeq
        self.keywords = keywords
        self.recentUnclaimed = recentUnclaimed
    }
}

/// Everything FETCH needs about one message except its bytes.
public struct MessageRecord: Hashable, Sendable {
    public var uid: UID
    public var flags: MessageFlags
    public var modSeq: ModSeq
    /// INTERNALDATE (RFC 9051 §2.3.3), with the zone it was given in.
    public var internalDate: ZonedDateTime
    /// RFC822.SIZE: the exact number of bytes of the stored message.
    public var size: UInt64
    /// Bytes of the header block including the empty line that ends it (or the whole message
    /// if it has no body): `BODY[HEADER]` is `[0, headerSize)`, `BODY[TEXT]` the rest.
    public var headerSize: UInt64
    public var blob: BlobID
    /// When the message was stored in this mailbox (RFC 8514 SAVEDATE), seconds since 1970.
    public var saveDate: Int64
    /// The encoded MIME structure stored with the blob (see `StagedBlob.structure`), when
    /// asked for; nil otherwise, or if the store has none for this blob.
    public var structure: [UInt8]?

    public init(uid: UID, flags: MessageFlags, modSeq: ModSeq, internalDate: ZonedDateTime,
                size: UInt64, headerSize: UInt64, blob: BlobID, saveDate: Int64,
                structure: [UInt8]? = nil) {
        self.uid = uid
        self.flags = flags
        self.modSeq = modSeq
        self.internalDate = internalDate
        self.size = size
        self.headerSize = headerSize
        self.blob = blob
        self.saveDate = saveDate
        self.structure = structure
    }
}

/// One message to add by APPEND or delivery: a finished upload plus its metadata.
public struct NewMessage: Sendable {
    public var blob: StagedBlob
    public var flags: MessageFlags
    /// nil means "now" (RFC 9051 §6.3.12).
    public var internalDate: ZonedDateTime?
    public init(blob: StagedBlob, flags: MessageFlags, internalDate: ZonedDateTime?) {
        self.blob = blob
        self.flags = flags
        self.internalDate = internalDate
    }
}

/// UIDs assigned by APPEND (RFC 4315 APPENDUID).
public struct AppendResult: Hashable, Sendable {
    public var uidValidity: UIDValidity
    public var uids: [UID]
    public init(uidValidity: UIDValidity, uids: [UID]) {
        self.uidValidity = uidValidity
        self.uids = uids
    }
}

/// The outcome of COPY or MOVE (RFC 4315 COPYUID): pairs in source UID order.
public struct CopyResult: Hashable, Sendable {
    public var uidValidity: UIDValidity
    public var sourceUIDs: [UID]
    public var destinationUIDs: [UID]
    public init(uidValidity: UIDValidity, sourceUIDs: [UID], destinationUIDs: [UID]) {
        self.uidValidity = uidValidity
        self.sourceUIDs = sourceUIDs
        self.destinationUIDs = destinationUIDs
    }
}

/// The outcome of STORE (RFC 9051 §6.4.6, RFC 7162 §3.1.3).
public struct StoreResult: Sendable {
    /// The new state of every addressed message that still exists, changed or not, in UID order.
    public var messages: [MessageState]
    /// UIDs whose flags actually changed (each got a new MODSEQ).
    public var changedUIDs: Set<UID>
    /// Messages skipped because their MODSEQ was above UNCHANGEDSINCE (`[MODIFIED]`).
    public var modified: [UID]
    public init(messages: [MessageState], changedUIDs: Set<UID>, modified: [UID]) {
        self.messages = messages
        self.changedUIDs = changedUIDs
        self.modified = modified
    }
}
