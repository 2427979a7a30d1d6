public import MailCore

/// Bringing mail over from another server with its identity: the source's UIDVALIDITY and
/// UIDs, so that clients that synchronised against the old server (RFC 4549) find the same
/// messages under the same UIDs and download nothing again (RFC 3501 §2.3.1.1).
///
/// An import goes mailbox by mailbox: `beginImport` opens (or creates) the target, then
/// `importMessages` adds batches in ascending UID order, then `raiseUIDNext` carries over the
/// source's UIDNEXT. Rules every implementation keeps:
/// - A mailbox takes the source's UIDVALIDITY only when it is new, or selectable, empty and
///   never used (UIDNEXT 1); a mailbox an earlier import created or adopted is opened again
///   (resuming) when the UIDVALIDITY asked for is its own or none. Anything else throws
///   `ImportConflict`: a mailbox already holding other mail is never mixed with an import.
/// - A UID is imported only if it is at or above the mailbox's UIDNEXT; UIDNEXT moves past it
///   and never goes back. A UID still present is reported as already imported (what makes a
///   second run a no-op); one below UIDNEXT and not present (expunged since, or never used)
///   is reported and left out, since UIDs are never reused.
/// - Every call is durable before it returns; a batch takes one new MODSEQ of the mailbox, as
///   an APPEND does, and the mailbox is posted on the store's `ChangeNotifier` after it.
public protocol ImportStore: Sendable {
    /// Opens `path` as the target of an import (see the rules above), creating it (and its
    /// missing superiors, RFC 9051 §6.3.4) if needed, with `uidValidity` or, if nil, a fresh
    /// one. Throws `userNotFound` for an unknown owner and `ImportConflict` where the rules
    /// forbid it.
    func beginImport(into path: MailboxPath, uidValidity: UIDValidity?) async throws -> ImportTarget
    /// Adds messages under their own UIDs, which must ascend; returns what was imported and
    /// what was left out and why. A mailbox that no import opened throws `ImportConflict`.
    func importMessages(_ messages: [ImportedMessage], into mailbox: MailboxID) async throws -> ImportOutcome
    /// Raises UIDNEXT to `uidNext` if it is lower (the source's UIDNEXT may lie past its last
    /// message: expunged UIDs are never reused); returns the UIDNEXT now.
    func raiseUIDNext(of mailbox: MailboxID, to uidNext: UID) async throws -> UID
}

/// The mailbox an import writes to.
public struct ImportTarget: Hashable, Sendable {
    public var mailbox: MailboxRecord
    /// UIDs below it are taken: present, or used and expunged.
    public var uidNext: UID
    /// Whether this call created the mailbox or took it over (new, or empty and never used);
    /// false when an earlier import's mailbox was opened again.
    public var isFresh: Bool

    public init(mailbox: MailboxRecord, uidNext: UID, isFresh: Bool) {
        self.mailbox = mailbox
        self.uidNext = uidNext
        self.isFresh = isFresh
    }
}

/// One message to import: staged bytes with the UID, flags and INTERNALDATE it had.
public struct ImportedMessage: Sendable {
    public var uid: UID
    public var blob: StagedBlob
    public var flags: MessageFlags
    public var internalDate: ZonedDateTime

    public init(uid: UID, blob: StagedBlob, flags: MessageFlags, internalDate: ZonedDateTime) {
        self.uid = uid
        self.blob = blob
        self.flags = flags
        self.internalDate = internalDate
    }
}

/// What `importMessages` did with each UID, ascending in each list.
public struct ImportOutcome: Hashable, Sendable {
    public var imported: [UID]
    /// Present already: an earlier run imported them.
    public var alreadyPresent: [UID]
    /// Below UIDNEXT and not present: expunged since, or a UID the mailbox never used.
    public var belowUIDNext: [UID]

    public init(imported: [UID] = [], alreadyPresent: [UID] = [], belowUIDNext: [UID] = []) {
        self.imported = imported
        self.alreadyPresent = alreadyPresent
        self.belowUIDNext = belowUIDNext
    }
}

/// Why a mailbox cannot take an import.
public enum ImportConflict: Error, Hashable, Sendable, CustomStringConvertible {
    /// The mailbox holds (or held) mail that no import brought: taking the source's UIDs
    /// there would mix two histories.
    case mailboxInUse(String)
    /// An earlier import gave the mailbox another UIDVALIDITY: the source was reset since.
    case uidValidityDiffers(String, existing: UIDValidity, source: UIDValidity)
    /// The messages of one call were not in strictly ascending UID order.
    case uidsNotAscending
    /// The mailbox is gone, or no import opened it (`beginImport` first).
    case notImportTarget

    public var description: String {
        switch self {
        case .mailboxInUse(let name):
            return "mailbox \(name) already holds mail that was not imported"
        case .uidValidityDiffers(let name, let existing, let source):
            return "mailbox \(name) was imported with UIDVALIDITY \(existing.rawValue), the source now has \(source.rawValue)"
        case .uidsNotAscending:
            return "imported messages must come in ascending UID order"
        case .notImportTarget:
            return "the mailbox was not opened for an import"
        }
    }
}

extension ImportedMessage {
    /// Throws `uidsNotAscending` unless the UIDs ascend strictly and none is 0 (RFC 3501 §2.3.1.1).
    public static func checkAscending(_ messages: [ImportedMessage]) throws {
        var previous: UInt32 = 0
        for message in messages {
            guard message.uid.rawValue > previous else { throw ImportConflict.uidsNotAscending }
            previous = message.uid.rawValue
        }
    }
}
