import Crypto
import MailCore
import MailMessage

/// A write to, or a second finish of, an upload that has finished.
public struct UploadFinished: Error, CustomStringConvertible {
    public var description: String { "the upload is already finished" }
}

/// The staging step every backend shares (DESIGN.md "parse once"): a new message's bytes pass
/// through here on their way to the backend's `StagingFile`, which is hashed (the blob's
/// content address), scanned for the end of the header block, and parsed once when complete.
///
/// Up to `memoryLimit` bytes are kept in memory and written in one go when the upload finishes
/// (most messages: one write and one flush, parsed from memory); a larger message is written
/// through as it arrives and parsed from the finished file, never held whole in memory.
///
/// An upload belongs to the one task that writes it.
public final class MessageUpload {
    /// Bytes kept in memory before writing through to the staging file.
    public static let memoryLimit = 64 * 1024

    private let file: any StagingFile
    private var hasher = SHA256()
    private var scanner = HeaderBoundaryScanner()
    private var pending: [UInt8] = []
    private var size: UInt64 = 0
    /// Some bytes went to the file before `finish`.
    private var spilled = false
    private var finished = false

    public init(file: any StagingFile) {
        self.file = file
    }

    /// The number of bytes written so far.
    public var byteCount: UInt64 { size }

    /// Appends the next bytes of the message.
    public func write<Bytes: Collection<UInt8>>(_ bytes: Bytes) async throws {
        guard !finished else { throw UploadFinished() }
        let copied: Void? = bytes.withContiguousStorageIfAvailable { buffer in
            consume(UnsafeRawBufferPointer(buffer))
        }
        if copied == nil { Array(bytes).withUnsafeBytes { consume($0) } }
        if pending.count >= Self.memoryLimit {
            let chunk = pending
            pending.removeAll(keepingCapacity: true)
            spilled = true
            try await file.write(chunk)
        }
    }

    private func consume(_ bytes: UnsafeRawBufferPointer) {
        hasher.update(bufferPointer: bytes)
        scanner.scan(bytes)
        size += UInt64(bytes.count)
        pending.append(contentsOf: bytes)
    }

    /// Makes the bytes durable and returns the staged blob, ready for `MessageStore.append`.
    public func finish() async throws -> StagedBlob {
        guard !finished else { throw UploadFinished() }
        finished = true
        let last = pending
        pending = []
        try await file.finish(appending: last)
        let structure: [UInt8]
        if spilled {
            structure = try await file.read { MessageParser.parse($0).encoded() }
        } else {
            structure = last.withUnsafeBytes { MessageParser.parse($0).encoded() }
        }
        let id = BlobID(rawValue: Self.hex(hasher.finalize()))
        return StagedBlob(id: id, size: size, headerSize: scanner.headerSize(total: size),
                          stagingKey: file.key, structure: structure)
    }

    /// Removes the staged bytes: the upload is abandoned, or every append using it is done.
    public func discard() {
        pending = []
        file.discard()
    }

    /// Lowercase hexadecimal, the form of a `BlobID`.
    public static func hex<S: Sequence>(_ bytes: S) -> String where S.Element == UInt8 {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
