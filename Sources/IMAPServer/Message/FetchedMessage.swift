import IMAPSyntax
import MailCore
import MailMessage
import MailStore

/// Where a FETCH section's bytes come from: a range of the stored message, or bytes computed
/// from it (selected header fields, a decoded BINARY part).
enum SectionSource {
    case range(Range<UInt64>)
    case bytes([UInt8])

    /// The number of bytes (BINARY.SIZE, RFC 3516 §4.2).
    var count: UInt64 {
        switch self {
        case .range(let range): return UInt64(range.count)
        case .bytes(let bytes): return UInt64(bytes.count)
        }
    }
}

/// One message being answered in a FETCH: its record, and what is loaded for it at most once
/// per response (the decoded structure, the open blob).
struct FetchedMessage {
    let record: MessageRecord
    /// The message's preview text (RFC 8970), when the FETCH asks for it and one is kept or made.
    var preview: String?
    private var decoded: MessageStructure?
    private var reader: (any BlobReader)?

    init(record: MessageRecord) {
        self.record = record
    }

    mutating func close() {
        reader?.close()
        reader = nil
    }

    mutating func blob(_ store: MailStorage) async throws -> any BlobReader {
        if let reader { return reader }
        let opened = try await store.blobs.openBlob(record.blob)
        reader = opened
        return opened
    }

    /// The structure parsed when the message was stored. A missing or unreadable stored form
    /// (which only a damaged database can produce) is rebuilt from the message bytes.
    mutating func structure(_ store: MailStorage) async throws -> MessageStructure {
        if let decoded { return decoded }
        var structure: MessageStructure
        if let stored = record.structure, let value = try? MessageStructure(decoding: stored) {
            structure = value
        } else {
            let bytes = try await blob(store).read(offset: 0, count: Int(record.size))
            structure = MessageParser.parse(bytes)
        }
        decoded = structure
        return structure
    }

    /// The bytes a `BODY[section]` names (RFC 9051 §6.4.5). A part that does not exist gives
    /// an empty string, as Dovecot answers.
    mutating func source(of section: SectionSpecifier, store: MailStorage) async throws -> SectionSource {
        if section.part.isEmpty {
            switch section.text {
            case nil: return .range(0..<record.size)
            case .header?: return .range(0..<record.headerSize)
            case .text?: return .range(record.headerSize..<record.size)
            case .headerFields(let names)?:
                return .bytes(try await selectFields(names, excluding: false, in: 0..<record.headerSize, store: store))
            case .headerFieldsNot(let names)?:
                return .bytes(try await selectFields(names, excluding: true, in: 0..<record.headerSize, store: store))
            case .mime?: return .bytes([])
            }
        }
        let structure = try await self.structure(store)
        let range: Range<Int>?
        switch section.text {
        case nil: range = structure.range(of: section.part, .full)
        case .header?: range = structure.range(of: section.part, .header)
        case .text?: range = structure.range(of: section.part, .text)
        case .mime?: range = structure.range(of: section.part, .mime)
        case .headerFields(let names)?, .headerFieldsNot(let names)?:
            guard let header = structure.range(of: section.part, .header) else { return .bytes([]) }
            let excluding: Bool
            if case .headerFieldsNot = section.text { excluding = true } else { excluding = false }
            return .bytes(try await selectFields(names, excluding: excluding,
                                                 in: UInt64(header.lowerBound)..<UInt64(header.upperBound), store: store))
        }
        guard let range else { return .bytes([]) }
        return .range(UInt64(range.lowerBound)..<UInt64(range.upperBound))
    }

    /// `HEADER.FIELDS (…)` / `HEADER.FIELDS.NOT (…)` of a header block: the chosen fields in
    /// message order and the empty line (RFC 3501 §6.4.5).
    private mutating func selectFields(_ names: [String], excluding: Bool, in range: Range<UInt64>,
                                       store: MailStorage) async throws -> [UInt8] {
        let header = try await blob(store).read(offset: range.lowerBound, count: range.count)
        return HeaderFieldSelection(names: names, excluding: excluding).select(from: header)
    }

    /// The content of `BINARY[part]` (RFC 3516 §4.1): the part's body with its transfer
    /// encoding undone; nil for an encoding this server cannot undo (`[UNKNOWN-CTE]`). The
    /// whole message, or a part whose encoding is already binary-safe, is sent as stored.
    mutating func decodedPart(_ part: SectionPart, store: MailStorage) async throws -> SectionSource? {
        guard !part.isEmpty else { return .range(0..<record.size) }
        let structure = try await self.structure(store)
        guard let entity = structure.part(at: part), let body = structure.range(of: part, .full) else {
            return .bytes([])
        }
        switch entity.transferEncoding.lowercased() {
        case "7bit", "8bit", "binary":
            return .range(UInt64(body.lowerBound)..<UInt64(body.upperBound))
        case "base64", "quoted-printable":
            let bytes = try await blob(store).read(offset: UInt64(body.lowerBound), count: body.count)
            return .bytes(bytes.withUnsafeBytes { TransferDecoder.decode($0, encoding: entity.transferEncoding) })
        default:
            return nil
        }
    }
}
