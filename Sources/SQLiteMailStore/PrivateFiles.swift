#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Files and directories of the data directory that only the user Tern runs as may read: the
/// database holds every account's SCRAM keys (RFC 5802 §5.1: whoever has StoredKey and
/// ServerKey can impersonate the server, and mount a dictionary attack on the password), and
/// the blobs everyone's mail. Modes are set with `chmod` after creation, so they are exactly
/// 0600 and 0700 whatever the process's umask.
public enum PrivateFiles {
    static let fileMode: mode_t = 0o600
    static let directoryMode: mode_t = 0o700

    /// Creates `path` and its missing parents as 0700 directories. Directories that exist keep
    /// their mode: an administrator may have made the data directory for a group on purpose.
    public static func makeDirectory(_ path: String) throws {
        guard !POSIXFile.isDirectory(path) else { return }
        let parent = parentOf(path)
        if !parent.isEmpty && parent != path { try makeDirectory(parent) }
        if path.withCString({ mkdir($0, directoryMode) }) != 0 {
            if errno == EEXIST && POSIXFile.isDirectory(path) { return }
            throw FileSystemError(operation: "mkdir", path: path, code: errno)
        }
        try setMode(path, directoryMode)
    }

    /// Creates the file if it is missing and makes it 0600, also when an earlier version of
    /// Tern created it readable by others.
    public static func prepareFile(_ path: String) throws {
        let fd = try POSIXFile.open(path, flags: O_RDWR | O_CREAT, mode: fileMode)
        defer { POSIXFile.close(fd) }
        guard fchmod(fd, fileMode) == 0 else { throw FileSystemError(operation: "fchmod", path: path, code: errno) }
    }

    /// Makes an existing file 0600; a missing file is left missing.
    public static func restrictIfPresent(_ path: String) throws {
        guard POSIXFile.exists(path) else { return }
        try setMode(path, fileMode)
    }

    /// Replaces the file at `path` by `bytes`, 0600 from its first byte on (no moment in which
    /// a key is readable by others).
    public static func write(_ bytes: [UInt8], to path: String) throws {
        let fd = try POSIXFile.open(path, flags: O_WRONLY | O_CREAT | O_TRUNC, mode: fileMode)
        defer { POSIXFile.close(fd) }
        guard fchmod(fd, fileMode) == 0 else { throw FileSystemError(operation: "fchmod", path: path, code: errno) }
        try bytes.withUnsafeBytes { try POSIXFile.writeAll(fd, $0, path: path) }
        try POSIXFile.sync(fd, path: path)
    }

    private static func setMode(_ path: String, _ mode: mode_t) throws {
        guard path.withCString({ chmod($0, mode) }) == 0 else {
            throw FileSystemError(operation: "chmod", path: path, code: errno)
        }
    }

    private static func parentOf(_ path: String) -> String {
        var trimmed = Substring(path)
        while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        guard let slash = trimmed.lastIndex(of: "/") else { return "" }
        let parent = trimmed[..<slash]
        return parent.isEmpty ? "/" : String(parent)
    }
}
