import MailCore
import MailStore
import Synchronization

/// Shortcuts the cases share: accounts with cheap credentials, messages written through the
/// streaming upload, and reading blobs back.
struct Fixture {
    let store: any MailStore

    init(_ store: any MailStore) { self.store = store }

    /// Few PBKDF2 rounds: the suite checks storage, not key stretching.
    static func credentials(_ password: String) throws -> PasswordCredentials {
        try PasswordCredentials(password: password, iterations: 64)
    }

    func addUser(_ name: String, password: String = "secret") async throws -> User {
        try await store.addUser(name: name, credentials: Self.credentials(password))
    }

    func mailbox(_ name: String, of user: User) async throws -> MailboxRecord {
        guard let record = try await store.mailbox(named: name, of: user.id) else {
            throw ConformanceFailure(message: "mailbox \(name) not found", location: "Fixture")
        }
        return record
    }

    func create(_ name: String, of user: User, specialUse: SpecialUse? = nil) async throws -> MailboxRecord {
        try await store.createMailbox(named: name, of: user.id, specialUse: specialUse)
    }

    func names(of user: User) async throws -> [String] {
        try await store.mailboxes(of: user.id).map(\.name)
    }

    /// Uploads bytes in chunks of `chunk` bytes.
    func stage(_ bytes: [UInt8], chunk: Int = 4096) async throws -> StagedBlob {
        let upload = try await store.beginUpload(expectedSize: UInt64(bytes.count))
        var offset = 0
        while offset < bytes.count {
            let end = min(offset + chunk, bytes.count)
            try bytes[offset..<end].withUnsafeBytes { try upload.write($0) }
            offset = end
        }
        return try await upload.finish()
    }

    func stage(_ text: String, chunk: Int = 4096) async throws -> StagedBlob {
        try await stage(Array(text.utf8), chunk: chunk)
    }

    /// Appends one message and returns its UID.
    @discardableResult
    func append(_ text: String, to mailbox: MailboxRecord, flags: [Flag] = [],
                date: ZonedDateTime? = nil) async throws -> UID {
        let staged = try await stage(text)
        let result = try await store.append(
            [NewMessage(blob: staged, flags: MessageFlags(flags), internalDate: date)], to: mailbox.id)
        try expectEqual(result.uids.count, 1, "APPENDUID of one message")
        return result.uids[0]
    }

    /// Appends `count` distinct sample messages, one APPEND each.
    @discardableResult
    func appendSamples(_ count: Int, to mailbox: MailboxRecord, flags: [Flag] = []) async throws -> [UID] {
        var uids: [UID] = []
        for index in 0..<count {
            uids.append(try await append(Self.sample(index), to: mailbox, flags: flags))
        }
        return uids
    }

    func message(_ uid: UID, in mailbox: MailboxRecord) async throws -> MessageRecord {
        let records = try await store.messages(in: mailbox.id, uids: [uid])
        guard let record = records.first, records.count == 1, record.uid == uid else {
            throw ConformanceFailure(message: "message \(uid) not found in \(mailbox.name)", location: "Fixture")
        }
        return record
    }

    func uids(in mailbox: MailboxRecord) async throws -> [UID] {
        try await store.open(mailbox.id, claimRecent: false).messages.map(\.uid)
    }

    func highestModSeq(_ mailbox: MailboxRecord) async throws -> ModSeq {
        try await store.status(of: mailbox.id).highestModSeq
    }

    /// The whole blob, read in pieces of `piece` bytes.
    func contents(of blob: BlobID, piece: Int = 1000) async throws -> [UInt8] {
        let reader = try await store.openBlob(blob)
        defer { reader.close() }
        var bytes: [UInt8] = []
        while UInt64(bytes.count) < reader.size {
            let part = try reader.read(offset: UInt64(bytes.count), count: piece)
            guard !part.isEmpty else { break }
            bytes += part
        }
        return bytes
    }

    @discardableResult
    func setFlags(_ operation: StoreOperation, _ flags: [Flag], uids: [UID], in mailbox: MailboxRecord,
                  unchangedSince: ModSeq? = nil) async throws -> StoreResult {
        try await store.storeFlags(in: mailbox.id, uids: uids, operation: operation,
                                   flags: MessageFlags(flags), unchangedSince: unchangedSince)
    }

    /// A small RFC 5322 message, different for each index.
    static func sample(_ index: Int, body: String = "Hello.\r\n") -> String {
        "From: Alice Example <alice@example.org>\r\n"
            + "To: Bob Example <bob@example.org>\r\n"
            + "Subject: Sample \(index)\r\n"
            + "Date: Mon, 7 Feb 1994 21:52:25 -0800\r\n"
            + "Message-ID: <sample-\(index)@example.org>\r\n"
            + "\r\n"
            + body
    }
}

/// Records the mailboxes a `ChangeNotifier` announces.
final class NotificationRecorder: Sendable {
    private let posted = Mutex<[MailboxID]>([])
    private let tokens = Mutex<[ChangeNotifier.ObservationToken]>([])
    let notifier: ChangeNotifier

    init(_ notifier: ChangeNotifier, watching mailboxes: [MailboxID]) {
        self.notifier = notifier
        for mailbox in mailboxes {
            let token = notifier.observe(mailbox) { id in self.posted.withLock { $0.append(id) } }
            tokens.withLock { $0.append(token) }
        }
    }

    /// The announcements since the last call.
    func take() -> [MailboxID] {
        posted.withLock { list in
            defer { list = [] }
            return list
        }
    }

    func cancel() {
        for token in tokens.withLock({ $0 }) { notifier.cancel(token) }
    }
}
