import MailStore
import Synchronization

/// Use of a staging file or blob reader after it was finished, discarded or closed.
struct MemoryHandleClosed: Error, CustomStringConvertible {
    var key: String
    var description: String { "in-memory upload or blob \(key) is already finished or closed" }
}

/// An upload's bytes, kept in the store's state under `key` (`StoreState.uploads`) so that
/// `append` finds them by `StagedBlob.stagingKey` in the same critical section that installs
/// the blob. Bytes are appended until `finish`; the upload stays appendable until `discard`.
/// Dropped unfinished, it is removed (nobody can finish it); dropped finished, it stays until
/// the store goes, as a staged file stays until the embedded store closes.
final class MemoryStagingFile: StagingFile {
    let key: String
    private let store: InMemoryMailStore

    init(key: String, store: InMemoryMailStore) {
        self.key = key
        self.store = store
    }

    deinit {
        let key = self.key
        store.state.withLock { state in
            if state.uploads[key]?.finished == false { state.uploads[key] = nil }
        }
    }

    func write(_ bytes: [UInt8]) async throws {
        try append(bytes, finishing: false)
    }

    func finish(appending last: [UInt8]) async throws {
        try append(last, finishing: true)
    }

    private func append(_ bytes: [UInt8], finishing: Bool) throws {
        let key = self.key
        try store.state.withLock { state in
            guard let index = state.uploads.index(forKey: key), !state.uploads.values[index].finished else {
                throw MemoryHandleClosed(key: key)
            }
            state.uploads.values[index].bytes.append(contentsOf: bytes)
            if finishing { state.uploads.values[index].finished = true }
        }
    }

    /// Runs `body` over the bytes written so far (all of them once finished).
    func read<T: Sendable>(_ body: @escaping @Sendable (UnsafeRawBufferPointer) throws -> T) async throws -> T {
        let key = self.key
        let bytes = try store.state.withLock { state in
            guard let upload = state.uploads[key] else { throw MemoryHandleClosed(key: key) }
            return upload.bytes
        }
        return try bytes.withUnsafeBytes(body)
    }

    func discard() {
        let key = self.key
        store.state.withLock { state in state.uploads[key] = nil }
    }
}

/// Reads a blob's bytes from memory. The reader holds the bytes it was opened on, so that,
/// as with an open file, it stays readable if the blob is removed meanwhile. Reading after
/// `close` is a caller's mistake and throws.
final class MemoryBlobReader: BlobReader {
    let size: UInt64
    private let bytes: [UInt8]
    private let closed = Mutex(false)

    init(bytes: [UInt8]) {
        self.bytes = bytes
        size = UInt64(bytes.count)
    }

    func read(offset: UInt64, count: Int) async throws -> [UInt8] {
        guard !closed.withLock({ $0 }) else { throw MemoryHandleClosed(key: "reader") }
        guard count > 0, offset < size else { return [] }
        let start = Int(offset)
        return Array(bytes[start..<(start + min(count, bytes.count - start))])
    }

    func withContents<T: Sendable>(_ body: @escaping @Sendable (UnsafeRawBufferPointer) throws -> T) async throws -> T {
        guard !closed.withLock({ $0 }) else { throw MemoryHandleClosed(key: "reader") }
        return try bytes.withUnsafeBytes(body)
    }

    func close() {
        closed.withLock { $0 = true }
    }
}
