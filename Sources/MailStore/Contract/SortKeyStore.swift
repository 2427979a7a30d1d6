public import MailCore
public import MailSort

/// What SORT and THREAD read of a mailbox (RFC 5256): each message's INTERNALDATE, size and
/// the sort keys computed when its blob was stored (`MessageSortKeys`, kept per blob like the
/// parsed structure and shared by COPY), so that sorting a large mailbox parses no message.
public protocol SortKeyStore: Sendable {
    /// The sort records of the given UIDs, in UID order: of live messages, and, for UIDs no
    /// longer live, of their ghosts (a session that still lists a message sorts it as it was,
    /// RFC 2180 §4.1.1). UIDs of neither are skipped. One read of the mailbox, however many
    /// UIDs: never one query per message.
    func sortRecords(in mailbox: MailboxID, uids: [UID], as principal: Principal) async throws -> [SortRecord]
    /// Keeps keys made for blobs stored without them (by a version that kept none) or with keys
    /// in an older format, replacing those; a blob no message or ghost references gets none.
    func saveSortKeys(_ keys: [BlobSortKeys]) async throws
}

/// One message as `SortKeyStore.sortRecords` returns it.
public struct SortRecord: Hashable, Sendable {
    public var uid: UID
    /// INTERNALDATE, seconds since 1970.
    public var internalDate: Int64
    /// RFC822.SIZE.
    public var size: UInt64
    public var blob: BlobID
    /// The length of the header block (`MessageRecord.headerSize`): what to read to make
    /// missing keys.
    public var headerSize: UInt64
    /// The stored keys (`MessageSortKeys.encoded()`), nil if the blob has none.
    public var keys: [UInt8]?

    public init(uid: UID, internalDate: Int64, size: UInt64, blob: BlobID, headerSize: UInt64, keys: [UInt8]?) {
        self.uid = uid
        self.internalDate = internalDate
        self.size = size
        self.blob = blob
        self.headerSize = headerSize
        self.keys = keys
    }
}

/// Keys made for one blob (`SortKeyStore.saveSortKeys`).
public struct BlobSortKeys: Hashable, Sendable {
    public var blob: BlobID
    public var keys: [UInt8]

    public init(blob: BlobID, keys: [UInt8]) {
        self.blob = blob
        self.keys = keys
    }
}

/// A message ready for SORT and THREAD: its UID and what MailSort compares.
public struct SortInput: Sendable {
    public var uid: UID
    public var message: SortableMessage
}

extension MailStorage {
    /// The sortable form of the given UIDs (a session's view, in sequence order; `sequences`
    /// are their sequence numbers, the implicit last criterion of RFC 5256 §3), from the
    /// stored keys. Keys missing or in an older format are made from the message's header
    /// (read a page at a time, in one trip per page) and saved, so each message is read at
    /// most once. UIDs gone without a ghost are left out.
    public func sortInputs(in mailbox: MailboxID, uids: [UID], sequences: [UInt32],
                           as principal: Principal, pageSize: Int = 1000) async throws -> [SortInput] {
        let records = try await sortKeys.sortRecords(in: mailbox, uids: uids.sorted(), as: principal)
        var keys = records.map { record in record.keys.flatMap { MessageSortKeys(decoding: $0) } }
        let missing = keys.indices.filter { keys[$0] == nil }
        var start = 0
        while start < missing.count {
            let page = missing[start..<min(start + pageSize, missing.count)]
            start = page.endIndex
            let headers = try await blobs.readPrefixes(page.map { (records[$0].blob, Int(clamping: records[$0].headerSize)) })
            var made: [BlobSortKeys] = []
            for (index, header) in zip(page, headers) {
                let fresh = (header ?? []).withUnsafeBytes { MessageSortKeys(message: $0) }
                keys[index] = fresh
                if header != nil { made.append(BlobSortKeys(blob: records[index].blob, keys: fresh.encoded())) }
            }
            try await sortKeys.saveSortKeys(made)
        }
        var positions: [UID: Int] = [:]
        positions.reserveCapacity(records.count)
        for (index, record) in records.enumerated() { positions[record.uid] = index }
        var inputs: [SortInput] = []
        inputs.reserveCapacity(uids.count)
        for (uid, sequence) in zip(uids, sequences) {
            guard let index = positions[uid] else { continue }
            let record = records[index]
            let message = SortableMessage(sequence: sequence, internalDate: record.internalDate,
                                          size: record.size, keys: keys[index] ?? MessageSortKeys())
            inputs.append(SortInput(uid: uid, message: message))
        }
        return inputs
    }
}
