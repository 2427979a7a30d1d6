#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import MailCore
import MailStore
import NIOPosix
import Synchronization

/// Misuse of a staging file or reader after it was finished, discarded or closed.
struct BlobHandleClosed: Error, CustomStringConvertible {
    var path: String
    var description: String { "blob file \(path) is already closed" }
}

/// The threads where the store's file work runs (writes, fsync, reads, mapped parsing), so
/// that it never blocks the threads that serve connections. Owned by one store and shut down
/// with it.
final class FileIO: Sendable {
    private let pool: NIOThreadPool

    init(threads: Int) {
        pool = NIOThreadPool(numberOfThreads: max(1, threads))
        pool.start()
    }

    func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await pool.runIfActive(body)
    }

    /// Stops the threads once the work already queued is done.
    func shutDown() {
        pool.shutdownGracefully { _ in }
    }
}

/// An upload's bytes in a file of the store's upload directory (`tmp/<instance>/`): created
/// and written by the first trip to the file threads that has bytes to write (for most
/// messages the only one, which also syncs it), and linked into `blobs/` by each append that
/// uses them.
final class FileStagingFile: StagingFile {
    let key: String
    private let io: FileIO
    /// `notCreated` until the first write, then the open descriptor; `closed` once finished
    /// or discarded.
    private let descriptor: Mutex<Int32>
    private static let notCreated: Int32 = -2
    private static let closed: Int32 = -1

    init(path: String, io: FileIO) {
        key = path
        self.io = io
        descriptor = Mutex(Self.notCreated)
    }

    deinit {
        // Dropped without finish or discard: nobody can use the partial file.
        descriptor.withLock { fd in
            guard fd >= 0 else { return }
            POSIXFile.close(fd)
            try? POSIXFile.unlink(key)
        }
    }

    /// The descriptor to write to, creating the file on first use. Blocks: runs on the file
    /// threads.
    private func openDescriptor() throws -> Int32 {
        try descriptor.withLock { fd in
            if fd == Self.notCreated { fd = try POSIXFile.open(key, flags: O_WRONLY | O_CREAT | O_EXCL) }
            guard fd >= 0 else { throw BlobHandleClosed(path: key) }
            return fd
        }
    }

    func write(_ bytes: [UInt8]) async throws {
        try await io.run { [self] in
            let fd = try openDescriptor()
            try bytes.withUnsafeBytes { try POSIXFile.writeAll(fd, $0, path: key) }
        }
    }

    func finish(appending last: [UInt8]) async throws {
        try await io.run { [self] in
            let fd = try openDescriptor()
            try last.withUnsafeBytes { try POSIXFile.writeAll(fd, $0, path: key) }
            try POSIXFile.sync(fd, path: key)
        }
        descriptor.withLock { fd in
            POSIXFile.close(fd)
            fd = Self.closed
        }
    }

    /// Maps the finished file privately and read-only, so that a large message is parsed
    /// without being copied into memory.
    func read<T: Sendable>(_ body: @escaping @Sendable (UnsafeRawBufferPointer) throws -> T) async throws -> T {
        let path = key
        return try await io.run { try FileMapping.withMapped(path: path, body) }
    }

    func discard() {
        let created = descriptor.withLock { fd in
            let created = fd != Self.notCreated
            if fd >= 0 { POSIXFile.close(fd) }
            fd = Self.closed
            return created
        }
        if created { try? POSIXFile.unlink(key) }
    }
}

/// A whole file mapped read-only for the length of one call.
enum FileMapping {
    static func withMapped<T>(path: String, _ body: (UnsafeRawBufferPointer) throws -> T) throws -> T {
        let fd = try POSIXFile.open(path, flags: O_RDONLY)
        defer { POSIXFile.close(fd) }
        return try withMapped(fd, path: path, body)
    }

    /// Maps an open file (which stays readable even if its name was removed meanwhile).
    static func withMapped<T>(_ fd: Int32, path: String, _ body: (UnsafeRawBufferPointer) throws -> T) throws -> T {
        let size = Int(try POSIXFile.size(fd, path: path))
        guard size > 0 else { return try body(UnsafeRawBufferPointer(start: nil, count: 0)) }
        guard let base = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), base != MAP_FAILED else {
            throw FileSystemError(operation: "mmap", path: path, code: errno)
        }
        defer { munmap(base, size) }
        return try body(UnsafeRawBufferPointer(start: base, count: size))
    }
}

/// Reads a stored blob. A small blob (most messages) is read whole when it is opened, in the
/// same trip to the file threads, and served from memory; a larger one is read with `pread`
/// on the file threads, piece by piece, as FETCH streams it.
final class FileBlobReader: BlobReader {
    let size: UInt64
    private let path: String
    private let io: FileIO
    private let contents: [UInt8]?
    private let descriptor: Mutex<Int32>

    /// Opens a blob file; nil if it does not exist.
    static func open(path: String, io: FileIO, wholeUpTo limit: UInt64) async throws -> FileBlobReader? {
        try await io.run {
            let fd: Int32
            do {
                fd = try POSIXFile.open(path, flags: O_RDONLY)
            } catch let error as FileSystemError where error.code == ENOENT {
                return nil
            }
            do {
                let size = try POSIXFile.size(fd, path: path)
                guard size <= limit else { return FileBlobReader(path: path, io: io, size: size, fd: fd) }
                defer { POSIXFile.close(fd) }
                let bytes = try POSIXFile.read(fd, offset: 0, count: Int(size), path: path)
                return FileBlobReader(path: path, io: io, size: UInt64(bytes.count), contents: bytes)
            } catch {
                POSIXFile.close(fd)
                throw error
            }
        }
    }

    /// The first `count` bytes of a blob file (fewer if it is shorter); nil if it does not
    /// exist. Blocks: call it on the file threads.
    static func readPrefix(of path: String, count: Int) throws -> [UInt8]? {
        let fd: Int32
        do {
            fd = try POSIXFile.open(path, flags: O_RDONLY)
        } catch let error as FileSystemError where error.code == ENOENT {
            return nil
        }
        defer { POSIXFile.close(fd) }
        return try POSIXFile.read(fd, offset: 0, count: count, path: path)
    }

    private init(path: String, io: FileIO, size: UInt64, fd: Int32 = -1, contents: [UInt8]? = nil) {
        self.path = path
        self.io = io
        self.size = size
        self.contents = contents
        descriptor = Mutex(fd)
    }

    deinit {
        descriptor.withLock { if $0 >= 0 { POSIXFile.close($0) } }
    }

    func read(offset: UInt64, count: Int) async throws -> [UInt8] {
        guard count > 0, offset < size else { return [] }
        let wanted = Int(min(UInt64(count), size - offset))
        if let contents {
            let start = Int(offset)
            return Array(contents[start..<start + wanted])
        }
        let fd = descriptor.withLock { $0 }
        guard fd >= 0 else { throw BlobHandleClosed(path: path) }
        let path = self.path
        return try await io.run { try POSIXFile.read(fd, offset: offset, count: wanted, path: path) }
    }

    func withContents<T: Sendable>(_ body: @escaping @Sendable (UnsafeRawBufferPointer) throws -> T) async throws -> T {
        if let contents { return try contents.withUnsafeBytes(body) }
        let fd = descriptor.withLock { $0 }
        guard fd >= 0 else { throw BlobHandleClosed(path: path) }
        let path = self.path
        return try await io.run { try FileMapping.withMapped(fd, path: path, body) }
    }

    func close() {
        descriptor.withLock { fd in
            if fd >= 0 { POSIXFile.close(fd) }
            fd = -1
        }
    }
}
