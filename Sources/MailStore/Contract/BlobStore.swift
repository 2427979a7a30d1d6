public import MailCore

/// Message bytes: immutable blobs named by their content (so one delivery to many users, or a
/// COPY, shares them), and staging for new ones. Reads and writes never block the caller's
/// thread: file work runs where blocking is allowed.
///
/// Blobs are not scoped to a principal: a `BlobID` is only learned from a message record the
/// principal could read.
public protocol BlobStore: Sendable {
    /// A place for the bytes of one new message while it arrives (an APPEND literal, an LMTP
    /// DATA stream). Use `beginUpload`, which hashes and parses what passes.
    func makeStagingFile(expectedSize: UInt64) async throws -> any StagingFile
    /// Opens a stored message's bytes; throws `blobMissing` if they are gone.
    func openBlob(_ blob: BlobID) async throws -> any BlobReader
    /// The first `count` bytes of each blob (fewer for a shorter one), nil for a blob that is
    /// gone: SEARCH's header pass over a page of messages, in one trip to where file work runs
    /// rather than one per message.
    func readPrefixes(_ requests: [(blob: BlobID, count: Int)]) async throws -> [[UInt8]?]
}

extension BlobStore {
    /// One `openBlob` and read per request: for a backend whose reads cost no trip.
    public func readPrefixes(_ requests: [(blob: BlobID, count: Int)]) async throws -> [[UInt8]?] {
        var result: [[UInt8]?] = []
        result.reserveCapacity(requests.count)
        for (blob, count) in requests {
            do {
                let reader = try await openBlob(blob)
                defer { reader.close() }
                result.append(try await reader.read(offset: 0, count: count))
            } catch MailStoreError.blobMissing {
                result.append(nil)
            }
        }
        return result
    }
}

extension BlobStore {
    /// Starts the upload of one message: the backend keeps the bytes, the staging step in front
    /// of it (the same for every backend) hashes them, finds the header's end and parses the
    /// message once when it is complete. A message that came as a `literal8` (`binary`,
    /// RFC 3516 §4.4) is converted there, into a second staging file, when parts of it could
    /// not be returned by IMAP4rev1 `BODY[]` (see `MessageUpload`).
    public func beginUpload(expectedSize: UInt64, binary: Bool = false) async throws -> MessageUpload {
        let file = try await makeStagingFile(expectedSize: expectedSize)
        guard binary else { return MessageUpload(file: file) }
        return MessageUpload(file: file) { try await self.makeStagingFile(expectedSize: expectedSize) }
    }
}

/// A backend's staging place for one upload: bytes written in order, made durable once, read
/// back once (to parse a message too large to keep in memory), then referenced by appends
/// under its `key` until discarded.
public protocol StagingFile: Sendable {
    /// Where `MessageStore.append` finds the bytes (`StagedBlob.stagingKey`).
    var key: String { get }
    /// Appends bytes.
    func write(_ bytes: [UInt8]) async throws
    /// Appends the last bytes and makes everything written durable.
    func finish(appending last: [UInt8]) async throws
    /// Runs `body` over the whole finished content, where blocking (page faults of a mapped
    /// file) is allowed.
    func read<T: Sendable>(_ body: @escaping @Sendable (UnsafeRawBufferPointer) throws -> T) async throws -> T
    /// Removes the staged bytes: an abandoned upload, or one whose appends are all done (the
    /// messages keep their own reference to the blob).
    func discard()
}

/// A fully written, durable upload. `MessageStore.append` installs it as a blob (once, however
/// many times it is appended); if it is never appended, discarding the upload or the store's
/// housekeeping removes it.
public struct StagedBlob: Hashable, Sendable {
    public var id: BlobID
    public var size: UInt64
    /// Length of the header block including its terminating empty line (see `MessageRecord`).
    public var headerSize: UInt64
    /// Where the backend keeps the staged bytes (`StagingFile.key`).
    public var stagingKey: String
    /// The message's MIME structure, parsed once when the upload finished
    /// (`MessageStructure.encoded()` of MailMessage): FETCH and SEARCH never parse it again.
    public var structure: [UInt8]
    /// The message's SORT and THREAD keys (`MessageSortKeys.encoded()` of MailSort), made from
    /// the same parse; empty when not made (the store then makes them when first needed).
    public var sortKeys: [UInt8]
    /// The message's preview text (RFC 8970, `MessagePreview` of MailMessage), made from the same
    /// parse; nil when not made (FETCH PREVIEW then makes it when first asked).
    public var preview: String?

    public init(id: BlobID, size: UInt64, headerSize: UInt64, stagingKey: String, structure: [UInt8],
                sortKeys: [UInt8] = [], preview: String? = nil) {
        self.id = id
        self.size = size
        self.headerSize = headerSize
        self.stagingKey = stagingKey
        self.structure = structure
        self.sortKeys = sortKeys
        self.preview = preview
    }
}

/// Random access to a stored message's bytes for FETCH and SEARCH; reads may be issued for any
/// range, in any order, and each returns at most `count` bytes (fewer only at the end).
public protocol BlobReader: Sendable {
    var size: UInt64 { get }
    func read(offset: UInt64, count: Int) async throws -> [UInt8]
    /// Runs `body` over the whole message without copying it into memory (a read-only mapping
    /// of the file, or bytes already held), where blocking on page faults is allowed: how
    /// SEARCH reads the text of a large message.
    func withContents<T: Sendable>(_ body: @escaping @Sendable (UnsafeRawBufferPointer) throws -> T) async throws -> T
    func close()
}
