public import MailCore
import MailMessage

/// The preview text of each stored message (RFC 8970 FETCH PREVIEW), kept per blob like the
/// parsed structure and the sort keys: made once when the blob is stored (`StagedBlob.preview`),
/// shared by COPY and MOVE, kept by ghosts, removed with the blob. Messages stored before
/// previews existed get theirs the first time they are fetched (`MailStorage.previewTexts`).
public protocol PreviewStore: Sendable {
    /// The stored previews of the given blobs; a blob without one is absent from the answer.
    /// One read, however many blobs.
    func previews(of blobs: [BlobID]) async throws -> [BlobID: String]
    /// Keeps previews made later for blobs stored without one, replacing any kept; a blob no
    /// message or ghost references gets none.
    func savePreviews(_ previews: [BlobID: String]) async throws
}

extension MailStorage {
    /// The previews of `records` (of one mailbox, as FETCH read them), by blob. With
    /// `makingMissing`, a blob without a stored preview gets one made now, from its stored
    /// structure (`MessageRecord.structure`, which the caller loads) and a prefix of its bytes
    /// (`MessagePreview.bytesNeeded`), read in one trip for the page, and saved, so each
    /// message is read at most once. Without it (`PREVIEW (LAZY)`, RFC 8970 §4.1), such blobs
    /// are absent from the answer.
    public func previewTexts(of records: [MessageRecord], makingMissing: Bool) async throws -> [BlobID: String] {
        var texts = try await previews.previews(of: Array(Set(records.map(\.blob))))
        guard makingMissing else { return texts }
        var seen = Set(texts.keys)
        // Each blob without a preview, with its stored structure (nil: none kept, so the whole
        // message is read and parsed) and how many of its bytes to read.
        var pending: [(blob: BlobID, structure: MessageStructure?, count: Int)] = []
        for record in records where !seen.contains(record.blob) {
            seen.insert(record.blob)
            let structure = record.structure.flatMap { try? MessageStructure(decoding: $0) }
            let count = structure.map(MessagePreview.bytesNeeded(for:)) ?? Int(clamping: record.size)
            pending.append((record.blob, structure, count))
        }
        guard !pending.isEmpty else { return texts }
        let prefixes = try await blobs.readPrefixes(pending.map { ($0.blob, $0.count) })
        var made: [BlobID: String] = [:]
        for (entry, prefix) in zip(pending, prefixes) {
            guard let prefix else { continue }  // gone: the caller reports what it cannot read
            made[entry.blob] = MessagePreview.text(of: entry.structure ?? MessageParser.parse(prefix), in: prefix)
        }
        try await previews.savePreviews(made)
        texts.merge(made) { stored, _ in stored }
        return texts
    }
}
