import IMAPSyntax
import MailCore
import MailMessage
import MailStore

/// Runs a compiled search over a session's view of a mailbox, reading as little as it can:
///
/// 1. Keys on the view alone (sequence numbers, UIDs, RECENT) are decided for every message
///    without touching the store.
/// 2. The messages still undecided get their metadata from the store, a page at a time;
///    flag, date, size and MODSEQ keys are decided on it.
/// 3. The rest are read one message at a time, never all at once, in batches that share one
///    store call (both steps go a page of messages at a time, so memory stays bounded however
///    large the mailbox): first only the header bytes when a header key may decide, then, for those
///    still undecided, the whole message with its stored MIME structure.
///
/// AND, OR and NOT short-circuit at every step (see `SearchCriterion.evaluate`).
struct SearchRunner {
    let store: MailStorage
    let mailbox: MailboxID
    let principal: Principal
    /// Messages per batch of stage 3 (one structure query per batch).
    var batchSize = 256
    /// Records read per store call in stage 2.
    var pageSize = 1000
    /// Told after each page of messages that needed the store: how many of them are done, of
    /// how many (for INPROGRESS, RFC 9585).
    var progress: ((_ done: Int, _ total: Int) async throws -> Void)?

    init(store: MailStorage, mailbox: MailboxID, principal: Principal) {
        self.store = store
        self.mailbox = mailbox
        self.principal = principal
    }

    /// The zero-based positions in `uids` (sequence number - 1) of the matching messages,
    /// ascending. `uids` is the session's view in sequence order; `recent` the UIDs it sees as
    /// `\Recent`. A message expunged by another session but still in the view is searched as
    /// it was, from its ghost (RFC 2180 §4.1.1), as FETCH answers it: the session sees one
    /// mailbox until it is told of the expunge. One whose ghost is purged already matches
    /// only keys that need nothing from the store (RFC 2180 §4.3 lets a server leave it out).
    func run(_ program: SearchProgram, uids: [UID], recent: Set<UID>) async throws -> [Int] {
        try await run(program, uids: uids, recent: recent, among: uids.indices)
    }

    /// As `run(_:uids:recent:)`, but only the messages at the given positions (ascending) are
    /// looked at: what an update context re-reads when some messages changed (RFC 5267 §4.3).
    func run<Positions: Sequence<Int>>(_ program: SearchProgram, uids: [UID], recent: Set<UID>,
                                       among positions: Positions) async throws -> [Int] {
        var matches: [Int] = []
        var pending: [Int] = []
        for index in positions {
            let subject = SearchSubject(sequence: UInt32(index + 1), uid: uids[index].rawValue,
                                        isRecent: recent.contains(uids[index]))
            switch program.criterion.evaluate(subject) {
            case true?: matches.append(index)
            case nil: pending.append(index)
            case false?: break
            }
        }
        guard !pending.isEmpty else { return matches }

        for page in pending.pages(of: pageSize) {
            let records = try await store.messages.recordsOrGhosts(in: mailbox, uids: page.map { uids[$0] },
                                                                   withStructure: false, as: principal)
            var undecided: [SearchSubject] = []
            var cursor = 0
            for index in page {
                let uid = uids[index]
                while cursor < records.count && records[cursor].uid < uid { cursor += 1 }
                guard cursor < records.count, records[cursor].uid == uid else { continue }
                let subject = SearchSubject(sequence: UInt32(index + 1), uid: uid.rawValue,
                                            isRecent: recent.contains(uid), record: records[cursor])
                switch program.criterion.evaluate(subject) {
                case true?: matches.append(index)
                case nil: undecided.append(subject)
                case false?: break
                }
            }
            for batch in undecided.pages(of: batchSize) {
                matches += try await readAndEvaluate(batch, program)
            }
            if let progress, page.endIndex < pending.endIndex {
                try await progress(page.endIndex - pending.startIndex, pending.count)
            }
        }
        matches.sort()
        return matches
    }

    /// Stage 3 for one batch: the header first (when header keys exist), then the whole
    /// message for what the header leaves undecided. Returns the matching positions.
    private func readAndEvaluate(_ batch: ArraySlice<SearchSubject>,
                                 _ program: SearchProgram) async throws -> [Int] {
        var matches: [Int] = []
        var needBody: [SearchSubject] = []
        if program.usesHeader {
            let subjects = batch.filter { $0.record != nil }
            let headers = try await store.blobs.readPrefixes(subjects.map { ($0.record!.blob, Int($0.record!.headerSize)) })
            for (var subject, header) in zip(subjects, headers) {
                guard let record = subject.record else { continue }
                var found = header
                if found == nil { found = try await missing(record) }
                guard let header = found else { continue }
                subject.content = SearchContent(header: header)
                switch program.criterion.evaluate(subject) {
                case true?: matches.append(Int(subject.sequence) - 1)
                case nil:
                    subject.content = nil
                    needBody.append(subject)
                case false?: break
                }
            }
        } else {
            needBody = Array(batch)
        }
        guard !needBody.isEmpty, program.cost == .body else { return matches }

        let structures = try await store.messages.recordsOrGhosts(in: mailbox, uids: needBody.map { UID($0.uid) },
                                                                  withStructure: true, as: principal)
        var cursor = 0
        var small: [(subject: SearchSubject, stored: [UInt8]?)] = []
        var smallBytes: UInt64 = 0
        for subject in needBody {
            guard let record = subject.record else { continue }
            while cursor < structures.count && structures[cursor].uid.rawValue < subject.uid { cursor += 1 }
            let stored = cursor < structures.count && structures[cursor].uid.rawValue == subject.uid
                ? structures[cursor].structure : nil
            if record.size <= Self.smallMessage {
                // Small messages are read a group at a time, in one trip to the file threads.
                small.append((subject, stored))
                smallBytes += record.size
                if smallBytes >= Self.groupBytes {
                    matches += try await evaluateInMemory(small, program)
                    (small, smallBytes) = ([], 0)
                }
                continue
            }
            // A large message is searched where it lies (a mapping of the stored file), never
            // copied into memory whole.
            let (sequence, uid, isRecent) = (subject.sequence, subject.uid, subject.isRecent)
            let matched = try await withMessage(record) { bytes in
                let content = SearchContent(borrowing: bytes, headerSize: Int(record.headerSize),
                                            structure: Self.structure(stored, of: bytes))
                let subject = SearchSubject(sequence: sequence, uid: uid, isRecent: isRecent, record: record,
                                            content: content)
                return program.criterion.evaluate(subject) == true
            }
            if matched == true { matches.append(Int(sequence) - 1) }
        }
        matches += try await evaluateInMemory(small, program)
        return matches
    }

    /// Messages up to this size are read whole, a group at a time.
    static let smallMessage: UInt64 = 256 * 1024
    /// The most message bytes one group holds in memory.
    static let groupBytes: UInt64 = 4 * 1024 * 1024

    /// Reads a group of small messages in one go and evaluates each; returns the matching
    /// positions.
    private func evaluateInMemory(_ group: [(subject: SearchSubject, stored: [UInt8]?)],
                                  _ program: SearchProgram) async throws -> [Int] {
        guard !group.isEmpty else { return [] }
        let contents = try await store.blobs.readPrefixes(group.map { ($0.subject.record!.blob, Int($0.subject.record!.size)) })
        var matches: [Int] = []
        for ((subject, stored), bytes) in zip(group, contents) {
            guard let record = subject.record else { continue }
            var found = bytes
            if found == nil { found = try await missing(record) }
            guard let message = found else { continue }
            let structure = message.withUnsafeBytes { Self.structure(stored, of: $0) }
            var evaluated = subject
            evaluated.content = SearchContent(message: message, headerSize: Int(record.headerSize), structure: structure)
            if program.criterion.evaluate(evaluated) == true { matches.append(Int(subject.sequence) - 1) }
        }
        return matches
    }

    /// For a message whose bytes were not found: nil if its ghost was purged (and its bytes
    /// went with it) while the search ran, which RFC 2180 §4.3 lets a search leave out. A blob
    /// missing while a message or ghost references it is damage: `blobMissing`.
    private func missing(_ record: MessageRecord) async throws -> [UInt8]? {
        let current = try await store.messages.recordsOrGhosts(in: mailbox, uids: [record.uid],
                                                               withStructure: false, as: principal)
        if current.isEmpty { return nil }
        throw MailStoreError.blobMissing(record.blob)
    }

    /// Runs `body` over the whole stored message (`BlobReader.withContents`); nil if another
    /// session expunged it meanwhile.
    private func withMessage<T: Sendable>(_ record: MessageRecord,
                                          _ body: @escaping @Sendable (UnsafeRawBufferPointer) -> T) async throws -> T? {
        guard let blob = try await open(record) else { return nil }
        defer { blob.close() }
        return try await blob.withContents(body)
    }

    /// Opens a message's bytes; nil if the message (and its ghost) went meanwhile. A blob
    /// missing while a message or ghost references it is damage: `blobMissing`.
    private func open(_ record: MessageRecord) async throws -> (any BlobReader)? {
        do {
            return try await store.blobs.openBlob(record.blob)
        } catch MailStoreError.blobMissing {
            _ = try await missing(record)
            return nil
        }
    }

    /// The stored MIME structure (parsed once when the message was stored); the message is
    /// parsed again only if the store has none or it does not fit the bytes.
    static func structure(_ stored: [UInt8]?, of message: UnsafeRawBufferPointer) -> MessageStructure {
        if let stored, let structure = try? MessageStructure(decoding: stored, skippingEnvelope: true),
           structure.size == message.count {
            return structure
        }
        return MessageParser.parse(message)
    }
}
