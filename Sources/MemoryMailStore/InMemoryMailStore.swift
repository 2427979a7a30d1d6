import Foundation
public import MailCore
public import MailStore
import Synchronization

/// The in-memory reference backend: every rule of the storage contract, with nothing kept
/// beyond the process. It is what in-process tests of the layers above the store run on, so
/// it follows the contract exactly as `SQLiteMailStore` does, down to its orderings and
/// error precedence, and passes the same conformance suite (`MailStoreConformance`).
///
/// All state is one value (`StoreState`) behind one `Mutex`: each operation runs in a single
/// critical section, so it is atomic and isolated, and a failed one changes nothing. Change
/// notifications are posted after the critical section, as a database backend posts after
/// its commit.
///
/// The same semantics as the embedded store, in particular:
/// - UIDs ascend per mailbox and are never reused; UIDVALIDITY values are never handed out
///   twice (RFC 3501 §2.3.1.1); mailbox and user IDs are never reused either.
/// - Each APPEND, COPY or MOVE gives its new messages one new MODSEQ of the destination; a
///   STORE gives every message it changes one new MODSEQ; an expunge gives its tombstones one
///   new MODSEQ (RFC 7162 §3.1.3, §3.2.5.2).
/// - Blobs are named by content and counted: a COPY, a MOVE or one upload appended to many
///   mailboxes shares the bytes and the parsed structure. An expunged message leaves a ghost
///   that holds its reference (RFC 2180 §4.1.1); the blob is gone once its last message and
///   ghost are: ghosts purged (`purgeGhosts`), or their mailbox or owner deleted.
/// - Names compare byte for byte, keywords ignoring ASCII case (see `BinaryName`,
///   `KeywordOrder`).
public final class InMemoryMailStore: MailStoreBackend {
    public let notifications: ChangeNotifier
    let state = Mutex(StoreState())
    /// Tells this store's staging keys from another instance's.
    let instance: String

    public init(notifications: ChangeNotifier = ChangeNotifier()) {
        self.notifications = notifications
        instance = String(UInt64.random(in: .min ... .max), radix: 16)
    }

    /// Seconds since 1970, now.
    static func now() -> Int64 { Int64(Date().timeIntervalSince1970.rounded(.down)) }

    /// A stored INTERNALDATE: the instant and zone of `date`, so that a date given with
    /// out-of-range fields (30 February) reads back as the day it denotes, as it does from a
    /// store that keeps seconds and a zone.
    static func normalized(_ date: ZonedDateTime) -> ZonedDateTime {
        ZonedDateTime(secondsSince1970: date.secondsSince1970, zoneMinutes: date.zoneMinutes)
    }

    /// UIDs sorted and without duplicates.
    static func normalized(_ uids: [UID]) -> [UID] {
        let sorted = uids.sorted()
        var unique: [UID] = []
        unique.reserveCapacity(sorted.count)
        for uid in sorted where unique.last != uid { unique.append(uid) }
        return unique
    }

    /// Flags a message may carry: keywords must be non-empty and hold no space (an atom,
    /// RFC 9051 §9), so that every backend can store them alike.
    static func storable(_ flags: MessageFlags) -> MessageFlags {
        var flags = flags
        flags.keywords.removeAll { $0.isEmpty || $0.contains(" ") }
        return flags
    }

    /// Tells observers of each mailbox, once each, that it changed.
    func post(_ mailboxes: [MailboxID]) {
        var seen = Set<MailboxID>()
        for mailbox in mailboxes where seen.insert(mailbox).inserted { notifications.post(mailbox) }
    }

    // MARK: Blobs

    public func makeStagingFile(expectedSize: UInt64) async throws -> any StagingFile {
        let key: String = state.withLock { state in
            state.lastUploadNumber += 1
            let key = "memory:\(instance)/\(state.lastUploadNumber)"
            var bytes: [UInt8] = []
            bytes.reserveCapacity(Int(min(expectedSize, UInt64(MessageUpload.memoryLimit))))
            state.uploads[key] = Upload(bytes: bytes)
            return key
        }
        return MemoryStagingFile(key: key, store: self)
    }

    public func openBlob(_ blob: BlobID) async throws -> any BlobReader {
        guard let bytes = state.withLock({ $0.blobs[blob]?.bytes }) else { throw MailStoreError.blobMissing(blob) }
        return MemoryBlobReader(bytes: bytes)
    }
}
