import Crypto
import MailCore
public import MailMessage
import MailSort

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
/// A message that came as a `literal8` (RFC 3516 §4.4) is stored in the form MailMessage's
/// `BinaryConversion` gives it: parts IMAP4rev1 could not return as described are re-encoded
/// to base64, written to a second staging file a piece at a time, and that file becomes the
/// blob (its hash, header size and structure); a NUL nothing can carry refuses the message
/// with `MailStoreError.binaryContentNotStorable`.
///
/// An upload belongs to the one task that writes it.
public final class MessageUpload {
    /// Bytes kept in memory before writing through to the staging file.
    public static let memoryLimit = 64 * 1024
    /// The most converted bytes made at a time from a staged `literal8` message.
    static let conversionChunk = 1 << 20

    /// The staging file of the blob: the arriving bytes, or their converted form.
    private var file: any StagingFile
    /// Where the converted form of a `literal8` message goes; nil for other uploads.
    private let makeConvertedFile: (@Sendable () async throws -> any StagingFile)?
    private var hasher = SHA256()
    private var scanner = HeaderBoundaryScanner()
    private var pending: [UInt8] = []
    private var size: UInt64 = 0
    /// Some bytes went to the file before `finish`.
    private var spilled = false
    private var finished = false

    /// An upload into `file`. With `makeConvertedFile`, the message came as a `literal8` and
    /// is converted (see the type's comment) into a file that function makes.
    public init(file: any StagingFile,
                makeConvertedFile: (@Sendable () async throws -> any StagingFile)? = nil) {
        self.file = file
        self.makeConvertedFile = makeConvertedFile
    }

    /// The number of bytes written so far.
    public var byteCount: UInt64 { size }

    /// The staged bytes once `finish` has succeeded (nil before): how a delivery lets a filter
    /// read the whole message (`StagingFile.read`, mapped, not copied) until it is discarded.
    public var finishedContent: (any StagingFile)? { finished && stagedStructure != nil ? file : nil }

    /// The structure `finish` parsed (nil before it succeeded), so that a caller needing it
    /// does not parse the message again.
    public private(set) var stagedStructure: MessageStructure?

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
        let converts = makeConvertedFile != nil
        let parse: @Sendable (UnsafeRawBufferPointer) -> (MessageStructure, BinaryConversion.Outcome, [UInt8], String) = { buffer in
            let structure = MessageParser.parse(buffer)
            let keys = MessageSortKeys(structure: structure, message: buffer).encoded()
            let preview = MessagePreview.text(of: structure, in: buffer)
            return (structure, converts ? BinaryConversion.plan(for: structure, in: buffer) : .unchanged, keys, preview)
        }
        let (structure, outcome, sortKeys, preview) = spilled ? try await file.read(parse) : last.withUnsafeBytes(parse)
        switch outcome {
        case .unchanged:
            stagedStructure = structure
            let id = BlobID(rawValue: Self.hex(hasher.finalize()))
            return StagedBlob(id: id, size: size, headerSize: scanner.headerSize(total: size),
                              stagingKey: file.key, structure: structure.encoded(), sortKeys: sortKeys,
                              preview: preview)
        case .refused(let offset):
            throw MailStoreError.binaryContentNotStorable(offset: offset)
        case .converted(let plan):
            guard let makeConvertedFile else { preconditionFailure("only a literal8 upload is converted") }
            let staged = try await stageConverted(plan, original: spilled ? nil : last, into: try await makeConvertedFile())
            stagedStructure = try MessageStructure(decoding: staged.structure)
            return staged
        }
    }

    /// Writes the converted form of the staged message to a new staging file, a piece at a
    /// time (from `original` in memory, or from the mapped staging file), and makes it the
    /// upload's file.
    private func stageConverted(_ plan: BinaryConversionPlan, original: [UInt8]?,
                                into target: any StagingFile) async throws -> StagedBlob {
        var hasher = SHA256()
        var scanner = HeaderBoundaryScanner()
        var converter = BinaryConverter(plan: plan)
        let inMemory = plan.convertedSize <= Self.memoryLimit
        var kept: [UInt8] = []
        let structure: [UInt8]
        let sortKeys: [UInt8]
        let preview: String
        do {
            while true {
                let chunk: [UInt8]?
                if let original {
                    chunk = original.withUnsafeBytes { converter.next(from: $0, maximumCount: Self.conversionChunk) }
                } else {
                    let current = converter
                    (converter, chunk) = try await file.read { buffer in
                        var next = current
                        let chunk = next.next(from: buffer, maximumCount: Self.conversionChunk)
                        return (next, chunk)
                    }
                }
                guard let chunk else { break }
                chunk.withUnsafeBytes { bytes in
                    hasher.update(bufferPointer: bytes)
                    scanner.scan(bytes)
                }
                if inMemory { kept += chunk } else { try await target.write(chunk) }
            }
            try await target.finish(appending: kept)
            let parse: @Sendable (UnsafeRawBufferPointer) -> ([UInt8], [UInt8], String) = { buffer in
                let parsed = MessageParser.parse(buffer)
                return (parsed.encoded(), MessageSortKeys(structure: parsed, message: buffer).encoded(),
                        MessagePreview.text(of: parsed, in: buffer))
            }
            (structure, sortKeys, preview) = inMemory ? kept.withUnsafeBytes(parse) : try await target.read(parse)
        } catch {
            target.discard()
            throw error
        }
        file.discard()
        file = target
        let total = UInt64(plan.convertedSize)
        return StagedBlob(id: BlobID(rawValue: Self.hex(hasher.finalize())), size: total,
                          headerSize: scanner.headerSize(total: total), stagingKey: target.key,
                          structure: structure, sortKeys: sortKeys, preview: preview)
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
