public import MailCore

/// An upload in progress: a message being written as it arrives (an APPEND literal or an LMTP
/// DATA stream), never held whole in memory.
public protocol BlobUpload: Sendable {
    /// Appends bytes to the upload.
    func write(_ bytes: UnsafeRawBufferPointer) throws
    /// Makes the bytes durable and returns the finished blob, ready for `MailStore.append`.
    func finish() async throws -> StagedBlob
    /// Abandons the upload and removes what was written.
    func abort()
}

/// A fully written, durable upload that no message references yet. `MailStore.append` takes
/// it over; if it is dropped instead, the store's housekeeping reclaims it.
public struct StagedBlob: Hashable, Sendable {
    public var id: BlobID
    public var size: UInt64
    /// Length of the header block including its terminating empty line (see `MessageRecord`).
    public var headerSize: UInt64
    /// Backend-specific location of the staged bytes (a temporary file path for SQLite).
    public var stagingKey: String
    /// The message's MIME structure, parsed once when the upload finished
    /// (`MessageStructure.encoded()` of MailMessage): FETCH and SEARCH never parse it again.
    public var structure: [UInt8]

    public init(id: BlobID, size: UInt64, headerSize: UInt64, stagingKey: String, structure: [UInt8]) {
        self.id = id
        self.size = size
        self.headerSize = headerSize
        self.stagingKey = stagingKey
        self.structure = structure
    }
}

/// Random access to a stored message's bytes for FETCH; reads may be issued for any range, in
/// any order, and each returns at most `count` bytes (fewer only at the end).
public protocol BlobReader: Sendable {
    var size: UInt64 { get }
    func read(offset: UInt64, count: Int) throws -> [UInt8]
    func close()
}

/// Tracks where the header block of a message ends while its bytes stream past:
/// the first empty line (CRLF CRLF, or LF LF for bare-LF input) ends it.
public struct HeaderBoundaryScanner: Sendable {
    /// 1 = at the start of a line, 2 = after CR at the start of a line, 0 = inside a line.
    private var state: UInt8 = 1
    private var consumed: UInt64 = 0
    /// nil until the end of the header block has been seen.
    public private(set) var headerSize: UInt64?

    public init() {}

    public mutating func scan(_ bytes: UnsafeRawBufferPointer) {
        guard headerSize == nil else { return }
        for (index, byte) in bytes.enumerated() {
            switch (state, byte) {
            case (1, UInt8(ascii: "\n")), (2, UInt8(ascii: "\n")):
                headerSize = consumed + UInt64(index) + 1
                return
            case (1, UInt8(ascii: "\r")): state = 2
            case (_, UInt8(ascii: "\n")): state = 1
            default: state = 0
            }
        }
        consumed += UInt64(bytes.count)
    }

    /// The header size for a message of `total` bytes: the whole message if no empty line came.
    public func headerSize(total: UInt64) -> UInt64 { headerSize ?? total }
}
