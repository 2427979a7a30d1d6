#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A failed system call, with the operation and path it concerned. Never shown to clients:
/// the server turns it into `NO [SERVERBUG]` and logs it.
struct FileSystemError: Error, CustomStringConvertible {
    var operation: String
    var path: String
    var code: Int32

    var description: String { "\(operation) \(path): \(String(cString: strerror(code)))" }
}

/// The few POSIX file operations the blob store needs, with EINTR and short transfers handled.
enum POSIXFile {
    static func open(_ path: String, flags: Int32, mode: mode_t = 0o600) throws -> Int32 {
        while true {
            let fd = path.withCString { sysOpen($0, flags | O_CLOEXEC, mode) }
            if fd >= 0 { return fd }
            if errno != EINTR { throw FileSystemError(operation: "open", path: path, code: errno) }
        }
    }

    static func close(_ fd: Int32) {
        _ = sysClose(fd)
    }

    /// Writes every byte of `bytes`, retrying short writes.
    static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, path: String) throws {
        guard var base = bytes.baseAddress else { return }
        var remaining = bytes.count
        while remaining > 0 {
            let written = sysWrite(fd, base, remaining)
            if written < 0 {
                if errno == EINTR { continue }
                throw FileSystemError(operation: "write", path: path, code: errno)
            }
            remaining -= written
            base += written
        }
    }

    /// Reads up to `count` bytes at `offset`; fewer only at the end of the file.
    static func read(_ fd: Int32, offset: UInt64, count: Int, path: String) throws -> [UInt8] {
        guard count > 0 else { return [] }
        var result = [UInt8](repeating: 0, count: count)
        var filled = 0
        try result.withUnsafeMutableBytes { buffer in
            while filled < count {
                let got = sysPread(fd, buffer.baseAddress! + filled, count - filled,
                                      off_t(offset) + off_t(filled))
                if got < 0 {
                    if errno == EINTR { continue }
                    throw FileSystemError(operation: "pread", path: path, code: errno)
                }
                if got == 0 { break }
                filled += got
            }
        }
        if filled < count { result.removeSubrange(filled...) }
        return result
    }

    static func sync(_ fd: Int32, path: String) throws {
        while fsync(fd) != 0 {
            if errno != EINTR { throw FileSystemError(operation: "fsync", path: path, code: errno) }
        }
    }

    /// Makes a directory's entries (a rename into it, a new file) durable.
    static func syncDirectory(_ path: String) throws {
        let fd = try open(path, flags: O_RDONLY | O_DIRECTORY)
        defer { close(fd) }
        try sync(fd, path: path)
    }

    /// The size of an open file.
    static func size(_ fd: Int32, path: String) throws -> UInt64 {
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            throw FileSystemError(operation: "fstat", path: path, code: errno)
        }
        return UInt64(info.st_size)
    }

    static func exists(_ path: String) -> Bool {
        var info = stat()
        return path.withCString { stat($0, &info) } == 0
    }

    /// Creates a directory; tells whether it was created (false if it existed).
    @discardableResult
    static func makeDirectory(_ path: String) throws -> Bool {
        if path.withCString({ mkdir($0, 0o700) }) == 0 { return true }
        if errno == EEXIST { return false }
        throw FileSystemError(operation: "mkdir", path: path, code: errno)
    }

    /// Gives a file a second name (a hard link); the new name must not exist.
    static func link(_ from: String, _ to: String) throws {
        let result = from.withCString { a in to.withCString { b in sysLink(a, b) } }
        guard result == 0 else { throw FileSystemError(operation: "link", path: to, code: errno) }
    }

    /// Removes a file; a file already gone is not an error.
    static func unlink(_ path: String) throws {
        if path.withCString({ sysUnlink($0) }) == 0 || errno == ENOENT { return }
        throw FileSystemError(operation: "unlink", path: path, code: errno)
    }

    /// Removes an empty directory; one that is gone or not empty is left alone.
    static func removeDirectory(_ path: String) {
        _ = path.withCString { rmdir($0) }
    }

    /// The names in a directory, without `.` and `..`; empty if it cannot be read.
    static func entries(of path: String) -> [String] {
        guard let dir = opendir(path) else { return [] }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: Int(NAME_MAX) + 1) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// Seconds since the path was last modified; nil if it cannot be read.
    static func age(_ path: String) -> Double? {
        var info = stat()
        guard path.withCString({ lstat($0, &info) }) == 0 else { return nil }
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Double(now.tv_sec - info.st_mtim.tv_sec) + Double(now.tv_nsec - info.st_mtim.tv_nsec) / 1e9
    }

    static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        guard path.withCString({ lstat($0, &info) }) == 0 else { return false }
        return (info.st_mode & S_IFMT) == S_IFDIR
    }

    /// Takes an exclusive advisory lock without waiting; false if another holder has it.
    static func tryLock(_ fd: Int32) -> Bool {
        flock(fd, LOCK_EX | LOCK_NB) == 0
    }
}

// The C functions under names that do not collide with `POSIXFile`'s own methods.
private func sysOpen(_ path: UnsafePointer<CChar>, _ flags: Int32, _ mode: mode_t) -> Int32 {
    open(path, flags, mode)
}
private func sysClose(_ fd: Int32) -> Int32 { close(fd) }
private func sysWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    write(fd, buffer, count)
}
private func sysPread(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int,
                         _ offset: off_t) -> Int {
    pread(fd, buffer, count, offset)
}
private func sysLink(_ from: UnsafePointer<CChar>, _ to: UnsafePointer<CChar>) -> Int32 {
    link(from, to)
}
private func sysUnlink(_ path: UnsafePointer<CChar>) -> Int32 { unlink(path) }
