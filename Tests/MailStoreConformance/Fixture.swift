import MailCore
import MailStore
import Synchronization

/// Shortcuts the cases share: accounts with cheap credentials, messages written through the
/// streaming upload, and reading blobs back.
struct Fixture {
    let store: MailStorage

    init(_ store: MailStorage) { self.store = store }

    /// Few PBKDF2 rounds: the suite checks storage, not key stretching.
    static func credentials(_ password: String) throws -> PasswordCredentials {
        try PasswordCredentials(password: password, iterations: 64)
    }

    func addUser(_ name: String, password: String = "secret") async throws -> User {
        try await store.accounts.addUser(name: name, credentials: Self.credentials(password))
    }

    func mailbox(_ name: String, of user: User) async throws -> MailboxRecord {
        guard let record = try await store.mailboxes.mailbox(at: MailboxPath(owner: user.id, name: name), as: .administrator) else {
            throw ConformanceFailure(message: "mailbox \(name) not found", location: "Fixture")
        }
        return record
    }

    func create(_ name: String, of user: User, specialUse: SpecialUse? = nil) async throws -> MailboxRecord {
        try await store.mailboxes.create(MailboxPath(owner: user.id, name: name), specialUse: specialUse, as: .administrator)
    }

    func names(of user: User) async throws -> [String] {
        try await store.mailboxes.list(of: user.id, as: .administrator).map(\.name)
    }

    /// Uploads bytes in chunks of `chunk` bytes.
    func stage(_ bytes: [UInt8], chunk: Int = 4096) async throws -> StagedBlob {
        try await upload(bytes, chunk: chunk).finish()
    }

    /// An upload of `bytes` in chunks of `chunk` bytes, not finished yet; `binary` for a
    /// message that came as a `literal8`.
    func upload(_ bytes: [UInt8], binary: Bool = false, chunk: Int = 4096) async throws -> MessageUpload {
        let upload = try await store.blobs.beginUpload(expectedSize: UInt64(bytes.count), binary: binary)
        var offset = 0
        while offset < bytes.count {
            let end = min(offset + chunk, bytes.count)
            try await upload.write(bytes[offset..<end])
            offset = end
        }
        return upload
    }

    func stage(_ text: String, chunk: Int = 4096) async throws -> StagedBlob {
        try await stage(Array(text.utf8), chunk: chunk)
    }

    /// Appends one message and returns its UID.
    @discardableResult
    func append(_ text: String, to mailbox: MailboxRecord, flags: [Flag] = [],
                date: ZonedDateTime? = nil) async throws -> UID {
        let staged = try await stage(text)
        let result = try await store.messages.append([NewMessage(blob: staged, flags: MessageFlags(flags), internalDate: date)], to: mailbox.id, as: .administrator)
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
        let records = try await store.messages.records(in: mailbox.id, uids: [uid], as: .administrator)
        guard let record = records.first, records.count == 1, record.uid == uid else {
            throw ConformanceFailure(message: "message \(uid) not found in \(mailbox.name)", location: "Fixture")
        }
        return record
    }

    func uids(in mailbox: MailboxRecord) async throws -> [UID] {
        try await store.messages.open(mailbox.id, claimRecent: false, as: .administrator).messages.map(\.uid)
    }

    func highestModSeq(_ mailbox: MailboxRecord) async throws -> ModSeq {
        try await store.mailboxes.status(of: mailbox.id, as: .administrator).highestModSeq
    }

    /// The whole blob, read in pieces of `piece` bytes.
    func contents(of blob: BlobID, piece: Int = 1000) async throws -> [UInt8] {
        let reader = try await store.blobs.openBlob(blob)
        defer { reader.close() }
        var bytes: [UInt8] = []
        while UInt64(bytes.count) < reader.size {
            let part = try await reader.read(offset: UInt64(bytes.count), count: piece)
            guard !part.isEmpty else { break }
            bytes += part
        }
        return bytes
    }

    @discardableResult
    func setFlags(_ operation: StoreOperation, _ flags: [Flag], uids: [UID], in mailbox: MailboxRecord,
                  unchangedSince: ModSeq? = nil) async throws -> StoreResult {
        try await store.messages.storeFlags(in: mailbox.id, uids: uids, operation: operation, flags: MessageFlags(flags), unchangedSince: unchangedSince, as: .administrator)
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
