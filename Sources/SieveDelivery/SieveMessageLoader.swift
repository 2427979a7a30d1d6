import MailDelivery
import MailMessage
import Sieve

/// What a script sees of the message being delivered (RFC 5228 §2.8), within a memory bound.
///
/// A message up to `maximumWholeMessageSize` is read whole, with the structure delivery
/// already parsed. A larger one is read as its first `bodyPrefixSize` bytes, cut after the
/// last line end in them, and its structure is parsed again from that prefix: header tests
/// see the header (the whole header when it fits in the prefix), `body` tests the start of
/// the body, MIME parts beyond the prefix are not seen; `size` still tests the real size.
/// Pigeonhole reads big messages whole from disk; Tern bounds the memory instead.
enum SieveMessageLoader {
    static func load(_ message: DeliveredMessage, configuration: SieveDeliveryConfiguration) async throws -> SieveMessage {
        let size = Int(clamping: message.size)
        if size <= configuration.maximumWholeMessageSize {
            let bytes = try await message.withBytes { Array($0) }
            return SieveMessage(bytes: bytes, structure: message.structure)
        }
        let prefixSize = max(configuration.bodyPrefixSize, 1)
        let prefix = try await message.withBytes { buffer in
            let slice = buffer.prefix(prefixSize)
            guard let lastLineEnd = slice.lastIndex(of: UInt8(ascii: "\n")) else { return Array(slice) }
            return Array(slice[...lastLineEnd])
        }
        var view = SieveMessage(prefix)
        view.size = size
        return view
    }
}
