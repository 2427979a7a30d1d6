import Crypto
import MailCore
import MailStore
import Synchronization

/// EMAILIDs (RFC 8474 §5.1) of one account's messages: a keyed hash (HMAC-SHA-256 with the
/// installation's secret) of the mailbox owner and the message's content hash. The same
/// message keeps its EMAILID through COPY and MOVE within the account, as §5.1 asks, but the
/// same message in another account gets another one, and the id is no proof of which bytes
/// the server saw (§11): without the key nobody can compute it from a message, nor match
/// ids across accounts.
struct EmailIDs: Hashable, Sendable {
    /// The installation's key (`ServerSecrets`, named `secretName`).
    let key: [UInt8]
    /// The owner of the mailboxes whose messages are named.
    let owner: UserID

    static let secretName = "emailid"

    /// `M` and 24 lowercase hex digits (96 bits): objectID characters (RFC 8474 §4), starting
    /// with a letter and never differing only in case (§8.1).
    func id(of blob: BlobID) -> String {
        var message = Array("EMAILID".utf8) + [0]
        withUnsafeBytes(of: owner.rawValue.bigEndian) { message.append(contentsOf: $0) }
        message.append(contentsOf: Array(blob.rawValue.utf8))
        let mac = HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: key))
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = [UInt8(ascii: "M")]
        for byte in mac.prefix(12) {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}

/// The installation's EMAILID key, loaded from the store's secrets when the server starts
/// (`ServerSecrets`), shared by every session.
final class EmailIDKey: Sendable {
    private let key = Mutex<[UInt8]>([])

    var value: [UInt8] { key.withLock { $0 } }

    func load(from secrets: any ServerSecrets) async throws {
        let loaded = try await secrets.secret(named: EmailIDs.secretName)
        key.withLock { $0 = loaded }
    }
}
