#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Crypto
import MailCore
import MailMessage
import MailStore
import Synchronization

/// Misuse of an upload or reader after it was finished, aborted or closed.
struct BlobHandleClosed: Error, CustomStringConvertible {
    var path: String
    var description: String { "blob file \(path) is already closed" }
}

/// An upload written straight to a file in the store's upload directory, hashing and finding
/// the header boundary as the bytes pass, so nothing is read twice and nothing is held in memory.
final class FileBlobUpload: BlobUpload {
    private struct State {
        var fd: Int32
        var hasher = SHA256()
        var scanner = HeaderBoundaryScanner()
        var size: UInt64 = 0
        var finished = false
    }

    let path: String
    private let state: Mutex<State>

    init(path: String) throws {
        self.path = path
        let fd = try POSIXFile.open(path, flags: O_WRONLY | O_CREAT | O_EXCL)
        state = Mutex(State(fd: fd))
    }

    deinit {
        // Dropped without finish or abort: the partial file is of no use to anyone.
        state.withLock { state in
            guard state.fd >= 0 else { return }
            POSIXFile.close(state.fd)
            try? POSIXFile.unlink(path)
        }
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        try state.withLock { state in
            guard state.fd >= 0 else { throw BlobHandleClosed(path: path) }
            try POSIXFile.writeAll(state.fd, bytes, path: path)
            state.hasher.update(bufferPointer: bytes)
            state.scanner.scan(bytes)
            state.size += UInt64(bytes.count)
        }
    }

    func finish() async throws -> StagedBlob {
        try state.withLock { state in
            guard state.fd >= 0 else { throw BlobHandleClosed(path: path) }
            try POSIXFile.sync(state.fd, path: path)
            POSIXFile.close(state.fd)
            state.fd = -1
            state.finished = true
            let id = BlobID(rawValue: BlobDirectory.hex(state.hasher.finalize()))
            return StagedBlob(id: id, size: state.size,
                              headerSize: state.scanner.headerSize(total: state.size),
                              stagingKey: path,
                              structure: try Self.parseStructure(path: path, size: state.size))
        }
    }

    /// Parses the finished file once (DESIGN.md "parse once"), reading it through a private
    /// read-only mapping so that a large message is not copied into memory.
    private static func parseStructure(path: String, size: UInt64) throws -> [UInt8] {
        guard size > 0 else { return MessageParser.parse([UInt8]()).encoded() }
        let fd = try POSIXFile.open(path, flags: O_RDONLY)
        defer { POSIXFile.close(fd) }
        guard let base = mmap(nil, Int(size), PROT_READ, MAP_PRIVATE, fd, 0), base != MAP_FAILED else {
            throw FileSystemError(operation: "mmap", path: path, code: errno)
        }
        defer { munmap(base, Int(size)) }
        return MessageParser.parse(UnsafeRawBufferPointer(start: base, count: Int(size))).encoded()
    }

    func abort() {
        state.withLock { state in
            if state.fd >= 0 {
                POSIXFile.close(state.fd)
                state.fd = -1
            }
            if !state.finished { try? POSIXFile.unlink(path) }
        }
    }
}

/// Reads a stored blob with `pread`, so that reads at any offset need no shared file position.
final class FileBlobReader: BlobReader {
    let size: UInt64
    private let path: String
    private let fd: Mutex<Int32>

    /// Opens a blob file; nil if it does not exist.
    init?(path: String) throws {
        let descriptor: Int32
        do {
            descriptor = try POSIXFile.open(path, flags: O_RDONLY)
        } catch let error as FileSystemError where error.code == ENOENT {
            return nil
        }
        do {
            size = try POSIXFile.size(descriptor, path: path)
        } catch {
            POSIXFile.close(descriptor)
            throw error
        }
        self.path = path
        fd = Mutex(descriptor)
    }

    deinit {
        fd.withLock { if $0 >= 0 { POSIXFile.close($0) } }
    }

    func read(offset: UInt64, count: Int) throws -> [UInt8] {
        guard count > 0, offset < size else { return [] }
        let wanted = Int(min(UInt64(count), size - offset))
        return try fd.withLock { fd in
            guard fd >= 0 else { throw BlobHandleClosed(path: path) }
            return try POSIXFile.read(fd, offset: offset, count: wanted, path: path)
        }
    }

    func close() {
        fd.withLock { fd in
            if fd >= 0 { POSIXFile.close(fd) }
            fd = -1
        }
    }
}
