#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import MailCore
import MailStore

/// Where message bytes live on disk:
///
/// - `<root>/blobs/<first 2 hex digits>/<sha256 hex>`: immutable, content-addressed blobs.
/// - `<root>/tmp/<instance>/`: uploads in progress of one open store, with a `.lock` file the
///   store holds locked (`flock`) while it is open, so another process opening the same
///   directory (the admin command while the server runs) can tell live uploads from a crashed
///   instance's leftovers.
struct BlobDirectory: Sendable {
    let blobs: String
    let tmp: String
    /// This instance's upload directory.
    let staging: String

    static let lockName = ".lock"
    /// How old an upload directory without a lock file must be before it counts as abandoned.
    static let unlockedDirectoryGraceSeconds = 60.0

    init(root: String, instance: String) {
        blobs = root + "/blobs"
        tmp = root + "/tmp"
        staging = tmp + "/" + instance
    }

    /// Whether `name` is a blob name: 64 lowercase hexadecimal digits.
    static func isBlobName(_ name: String) -> Bool {
        let utf8 = name.utf8
        return utf8.count == 64 && utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }
    }

    func subdirectory(of blob: BlobID) -> String {
        blobs + "/" + String(blob.rawValue.prefix(2))
    }

    /// The file of a blob, or nil if the name is not a valid blob name (never a path outside
    /// the blob directory).
    func path(of blob: BlobID) -> String? {
        guard Self.isBlobName(blob.rawValue) else { return nil }
        return subdirectory(of: blob) + "/" + blob.rawValue
    }

    /// Whether a staging key names a file in this instance's upload directory.
    func isStagingPath(_ key: String) -> Bool {
        let prefix = staging + "/"
        guard key.hasPrefix(prefix) else { return false }
        let name = key.dropFirst(prefix.count)
        return !name.isEmpty && !name.contains("/") && !name.contains("\0") && name != Self.lockName
    }

    /// Creates `blobs/`, `tmp/` and this instance's upload directory, and locks the latter.
    /// Returns the lock's file descriptor, held open for the store's lifetime.
    func prepare() throws -> Int32 {
        for path in [blobs, tmp, staging] { try POSIXFile.makeDirectory(path) }
        let fd = try POSIXFile.open(staging + "/" + Self.lockName, flags: O_RDWR | O_CREAT)
        guard POSIXFile.tryLock(fd) else {
            POSIXFile.close(fd)
            throw FileSystemError(operation: "flock", path: staging, code: EWOULDBLOCK)
        }
        return fd
    }

    /// Gives a staged upload its content-addressed name (a hard link, so that the same upload
    /// can be appended again, to other mailboxes, until it is discarded). If the blob is
    /// already stored (identical content), nothing changes. Returns the subdirectory whose
    /// entries changed and whether it was created, or nil if nothing new was installed; the
    /// caller makes those directories durable.
    func install(_ staged: StagedBlob) throws -> (directory: String, created: Bool)? {
        guard let target = path(of: staged.id) else { throw MailStoreError.blobMissing(staged.id) }
        if POSIXFile.exists(target) { return nil }
        guard isStagingPath(staged.stagingKey), POSIXFile.exists(staged.stagingKey) else {
            throw MailStoreError.blobMissing(staged.id)
        }
        let directory = subdirectory(of: staged.id)
        let created = try POSIXFile.makeDirectory(directory)
        try POSIXFile.link(staged.stagingKey, target)
        return (directory, created)
    }

    /// Installs every staged blob (`install`) and makes the new names durable; on failure the
    /// blobs installed here are removed again (the caller holds the write lock, so nothing can
    /// reference them yet).
    func installAll(_ staged: [StagedBlob]) throws {
        var installed: [(directory: String, created: Bool)] = []
        var fresh: [BlobID] = []
        do {
            for blob in staged {
                if let change = try install(blob) {
                    installed.append(change)
                    fresh.append(blob.id)
                }
            }
            try syncInstalled(installed)
        } catch {
            for blob in fresh { try? remove(blob) }
            throw error
        }
    }

    /// Makes installed blobs durable: fsyncs each changed subdirectory, and `blobs/` itself if
    /// a subdirectory was created.
    func syncInstalled(_ changes: [(directory: String, created: Bool)]) throws {
        var seen = Set<String>()
        var createdAny = false
        for change in changes where seen.insert(change.directory).inserted {
            try POSIXFile.syncDirectory(change.directory)
            createdAny = createdAny || change.created
        }
        if createdAny { try POSIXFile.syncDirectory(blobs) }
    }

    /// Removes a blob's file.
    func remove(_ blob: BlobID) throws {
        guard let path = path(of: blob) else { return }
        try POSIXFile.unlink(path)
    }

    /// Removes the upload directories of instances that are no longer running (their lock is
    /// free) and stray files directly in `tmp/`. This instance's uploads are left alone.
    func removeAbandonedUploads() throws {
        for name in POSIXFile.entries(of: tmp) {
            let path = tmp + "/" + name
            if path == staging { continue }
            guard POSIXFile.isDirectory(path) else {
                try POSIXFile.unlink(path)
                continue
            }
            let lockPath = path + "/" + Self.lockName
            guard let fd = try? POSIXFile.open(lockPath, flags: O_RDWR) else {
                // No lock file: an instance between creating its directory and locking it
                // (microseconds), or one killed in that moment, which left it empty for good.
                if let age = POSIXFile.age(path), age > Self.unlockedDirectoryGraceSeconds {
                    POSIXFile.removeDirectory(path)
                }
                continue
            }
            defer { POSIXFile.close(fd) }
            guard POSIXFile.tryLock(fd) else { continue }
            for entry in POSIXFile.entries(of: path) where entry != Self.lockName {
                try POSIXFile.unlink(path + "/" + entry)
            }
            try POSIXFile.unlink(lockPath)
            POSIXFile.removeDirectory(path)
        }
    }

    /// Removes this instance's upload directory (at close).
    func removeStaging() {
        for entry in POSIXFile.entries(of: staging) {
            try? POSIXFile.unlink(staging + "/" + entry)
        }
        POSIXFile.removeDirectory(staging)
    }

    /// A fresh file name in this instance's upload directory.
    func newStagingPath() -> String {
        staging + "/" + UUID().uuidString.lowercased()
    }
}
