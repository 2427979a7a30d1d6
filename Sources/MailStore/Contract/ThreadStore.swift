public import MailCore
public import MailSort

/// THREADID (RFC 8474 §5.2): each user's messages grouped into threads that never change once
/// given. A message joins the thread of the first of its references (the References field,
/// else In-Reply-To, as THREAD=REFERENCES reads them) and its own Message-ID that the user's
/// messages threaded before it made known; otherwise it starts a new thread. Threads are per
/// user and per blob, so the copies of a message (one EMAILID) share one THREADID in every
/// mailbox. A backend threads messages as it stores them (APPEND and delivery, from the keys
/// staging made); messages stored before (or imported) are threaded the first time their
/// THREADID is asked, in UID order.
public protocol ThreadStore: Sendable {
    /// The thread numbers of the owner's messages with these blobs, giving those that have none
    /// theirs, in the order given, in one atomic step (`ThreadAssigner`): two sessions
    /// asking at once cannot split a thread.
    func assignThreads(_ messages: [ThreadLinks], owner: UserID) async throws -> [BlobID: Int64]
}

/// What a message brings to threading: its blob and its message IDs, its references first,
/// oldest first as References lists them, then its own (`MessageSortKeys.references` and
/// `.messageID`): a message joins the thread of the earliest message it names, the one least
/// likely to have been threaded apart.
public struct ThreadLinks: Hashable, Sendable {
    public var blob: BlobID
    public var messageIDs: [String]

    public init(blob: BlobID, messageIDs: [String]) {
        self.blob = blob
        self.messageIDs = messageIDs
    }

    public init(blob: BlobID, keys: MessageSortKeys) {
        self.init(blob: blob, messageIDs: keys.references + (keys.messageID.map { [$0] } ?? []))
    }
}

extension ThreadLinks {
    /// The links of messages being stored, from the keys staging made (`StagedBlob.sortKeys`);
    /// a blob staged without keys is left for its first use.
    public static func of(_ blobs: [StagedBlob]) -> [ThreadLinks] {
        blobs.compactMap { blob in
            MessageSortKeys(decoding: blob.sortKeys).map { ThreadLinks(blob: blob.id, keys: $0) }
        }
    }
}

/// The assignment rule every backend runs inside its own transaction or lock, so that it is
/// written once. Pure apart from the four table operations it is given.
public enum ThreadAssigner {
    /// For each message in order: the thread its blob has already, else that of the first of
    /// its IDs already known, else a new one (`next`); every ID not yet known and the blob
    /// are then recorded with it (`record`). Later messages of the same call see what earlier
    /// ones recorded.
    public static func assign(_ messages: [ThreadLinks],
                              threadOfBlob: (BlobID) throws -> Int64?,
                              threadOfID: (String) throws -> Int64?,
                              next: () throws -> Int64,
                              record: (_ blob: BlobID, _ newIDs: [String], _ thread: Int64) throws -> Void) rethrows -> [BlobID: Int64] {
        var result: [BlobID: Int64] = [:]
        for message in messages where result[message.blob] == nil {
            if let known = try threadOfBlob(message.blob) {
                result[message.blob] = known
                continue
            }
            var thread: Int64?
            var unknown: [String] = []
            for id in message.messageIDs where !unknown.contains(id) {
                if let found = try threadOfID(id) {
                    if thread == nil { thread = found }
                } else {
                    unknown.append(id)
                }
            }
            let chosen = try thread ?? next()
            try record(message.blob, unknown, chosen)
            result[message.blob] = chosen
        }
        return result
    }
}

extension MailStorage {
    /// The thread numbers of messages of a mailbox (`ThreadStore`), by UID: those already
    /// given are read, the others given now from their stored sort keys (keys missing are
    /// made first, as SORT makes them). UIDs gone without a ghost are left out.
    public func threadNumbers(in mailbox: MailboxID, owner: UserID, uids: [UID], as principal: Principal,
                              pageSize: Int = 1000) async throws -> [UID: Int64] {
        guard !uids.isEmpty else { return [:] }
        let records = try await sortKeys.sortRecords(in: mailbox, uids: uids.sorted(), as: principal)
        // In UID order, the order the messages came in.
        var links: [(uid: UID, links: ThreadLinks)] = []
        var blobs: [UID: BlobID] = [:]
        var unkeyed: [UID] = []
        for record in records {
            blobs[record.uid] = record.blob
            if let keys = record.keys.flatMap({ MessageSortKeys(decoding: $0) }) {
                links.append((record.uid, ThreadLinks(blob: record.blob, keys: keys)))
            } else {
                unkeyed.append(record.uid)
            }
        }
        if !unkeyed.isEmpty {
            let made = try await sortInputs(in: mailbox, uids: unkeyed, sequences: unkeyed.map(\.rawValue),
                                            as: principal, pageSize: pageSize)
            for input in made {
                if let blob = blobs[input.uid] { links.append((input.uid, ThreadLinks(blob: blob, keys: input.message.keys))) }
            }
            links.sort { $0.uid < $1.uid }
        }
        let threads = try await self.threads.assignThreads(links.map(\.links), owner: owner)
        var result: [UID: Int64] = [:]
        for (uid, blob) in blobs {
            if let thread = threads[blob] { result[uid] = thread }
        }
        return result
    }
}
