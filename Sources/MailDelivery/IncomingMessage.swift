import MailStore

/// One message on its way in (an LMTP DATA or BDAT stream, `tern deliver`'s stdin): its
/// bytes go straight into one upload, behind the trace headers, and are never held whole in
/// memory. Bytes past the size limit are not stored: the message is then refused as a whole
/// (`552 5.3.4`). Belongs to the one task that writes it.
public final class IncomingMessage {
    let upload: MessageUpload
    /// The most message bytes accepted (trace headers not counted).
    public let limit: UInt64
    /// Message bytes received so far, including those past the limit.
    public private(set) var receivedSize: UInt64 = 0
    private var discarded = false

    init(upload: MessageUpload, limit: UInt64, trace: [UInt8]) async throws {
        self.upload = upload
        self.limit = limit
        do {
            try await upload.write(trace)
        } catch {
            upload.discard()
            throw error
        }
    }

    /// More bytes went in than the limit allows.
    public var isTooLarge: Bool { receivedSize > limit }

    /// Appends the next bytes of the message (the limit is enforced here: what goes past it is
    /// counted, not stored).
    public func write<Bytes: Collection<UInt8>>(_ bytes: Bytes) async throws {
        let before = receivedSize
        receivedSize += UInt64(bytes.count)
        guard !discarded, before <= limit else { return }
        if receivedSize > limit {
            // Nothing more is kept: the message will be refused and discarded.
            upload.discard()
            discarded = true
            return
        }
        try await upload.write(bytes)
    }

    /// Drops the staged bytes (a refused, aborted or finished delivery).
    public func discard() {
        guard !discarded else { return }
        discarded = true
        upload.discard()
    }
}
