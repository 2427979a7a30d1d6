import MailCore
import MailStore

/// SplitMix64: a small deterministic generator, so that one seed gives one workload.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// A random sequence of storage calls, the same for one seed, that writes down everything a
/// caller can observe of each result (values and errors). Two backends given the same seed
/// must write the same lines. UIDVALIDITY values depend on the clock, so they are written as
/// the order in which each value first appeared; SAVEDATE is left out. The mailboxes each call
/// announced on the store's `ChangeNotifier` are written too, in order.
final class Workload {
    private var random: SplitMix64
    private let store: MailStorage
    private var lines: [String] = []
    private var users: [User] = []
    private var mailboxIDs: [MailboxID] = []
    private var staged: [(upload: MessageUpload?, blob: StagedBlob)] = []
    private var validities: [UIDValidity: Int] = [:]
    private var highestModSeq: UInt64 = 1
    private let posted = Posted()
    private var observations: [ChangeNotifier.ObservationToken] = []

    static let names = ["a", "a/b", "a/b/c", "b", "b/a", "INBOX", "INBOX/x", "Trash", "c/d"]
    static let keywords = ["Work", "work", "$Label1", "Junk", "$Forwarded"]
    static let date = ZonedDateTime(date: CalendarDate(year: 2024, month: 5, day: 6), hour: 7, minute: 8,
                                    second: 9, zoneMinutes: -300)

    init(seed: UInt64, store: MailStorage) {
        random = SplitMix64(state: seed)
        self.store = store
    }

    /// Runs `steps` random calls and returns what was observed.
    func run(steps: Int) async throws -> [String] {
        for name in ["alice", "bob"] {
            let user = try await store.accounts.addUser(name: name, credentials: PasswordCredentials(
                password: name, salt: Array(name.utf8), iterations: 2))
            users.append(user)
            note("addUser", try await store.mailboxes.list(of: user.id, as: .administrator).map { render($0) })
            for record in try await store.mailboxes.list(of: user.id, as: .administrator) { discover(record.id) }
        }
        // Quotas (RFC 9208): bob's limits are low enough that some steps are refused.
        try await store.quotas.setQuotaLimits(QuotaLimits(storage: 1500, messages: 12, mailboxes: 6), of: users[1].id)
        for step in 0..<steps {
            let before = lines.count
            do {
                try await self.step()
            } catch let error as MailStoreError {
                lines.append("error \(error)")
            } catch {
                lines.append("error \(type(of: error))")
            }
            if lines.count == before { lines.append("(nothing)") }
            let announced = posted.take()
            lines[lines.count - 1] = "\(step): " + lines[lines.count - 1] + " posted \(announced)"
        }
        for user in users {
            note("quota \(user.name)", (try? await store.quotas.quota(of: user.id)).map { "\($0.usage)" } ?? "none")
        }
        for upload in staged.compactMap(\.upload) { upload.discard() }
        for token in observations { store.notifications.cancel(token) }
        return lines
    }

    /// Remembers a mailbox ID, to call with later (also once deleted), and records what is
    /// announced for it.
    private func discover(_ id: MailboxID) {
        guard !mailboxIDs.contains(id) else { return }
        mailboxIDs.append(id)
        let posted = self.posted
        observations.append(store.notifications.observe(id) { posted.add($0) })
    }

    // MARK: Choices

    private func chance(_ percent: Int) -> Bool { Int.random(in: 0..<100, using: &random) < percent }
    private func pick<T>(_ values: [T]) -> T { values[Int.random(in: 0..<values.count, using: &random)] }
    private var user: User { pick(users) }
    private var mailbox: MailboxID { pick(mailboxIDs) }
    private var principal: Principal { chance(80) ? .administrator : .user(user.id) }
    private var path: MailboxPath { MailboxPath(owner: user.id, name: pick(Self.names)) }

    private var uids: [UID] {
        (0..<Int.random(in: 0...4, using: &random)).map { _ in UID(UInt32.random(in: 1...14, using: &random)) }
    }

    private var flags: MessageFlags {
        var flags = MessageFlags(system: MessageFlags.System(rawValue: UInt8.random(in: 0...31, using: &random)))
        for keyword in Self.keywords where chance(20) { flags.insert(.keyword(keyword)) }
        return flags
    }

    private var modSeq: ModSeq { ModSeq(UInt64.random(in: 0...(highestModSeq + 1), using: &random)) }

    // MARK: Steps

    private func step() async throws {
        switch Int.random(in: 0..<23, using: &random) {
        case 0:
            try await note("create", store.mailboxes.create(path, specialUse: chance(30) ? .archive : nil,
                                                            as: principal), render)
        case 1:
            try await store.mailboxes.delete(path, as: principal)
            note("delete", "ok")
        case 2:
            try await store.mailboxes.rename(path, to: pick(Self.names + ["x/y", "INBOX/y"]), as: principal)
            note("rename", "ok")
        case 3:
            let owner = user
            note("list", try await store.mailboxes.list(of: owner.id, as: principal).map { render($0) })
            for record in try await store.mailboxes.list(of: owner.id, as: .administrator) { discover(record.id) }
        case 4:
            note("mailbox", try await store.mailboxes.mailbox(at: path, as: principal).map { render($0) } ?? "nil")
        case 5:
            let status = try await store.mailboxes.status(of: mailbox, as: principal)
            highestModSeq = max(highestModSeq, status.highestModSeq.rawValue)
            note("status", "\(status.messages) \(status.recent) \(status.unseen) \(status.deleted) \(status.size) "
                + "\(status.uidNext) \(validity(status.uidValidity)) \(status.highestModSeq)")
        case 6:
            let owner = user
            try await store.mailboxes.setSubscribed(chance(70), name: pick(Self.names), of: owner.id)
            try await note("subscriptions", store.mailboxes.subscriptions(of: owner.id))
        case 7, 8, 9:
            try await append()
        case 10, 11:
            try await note("store", store.messages.storeFlags(
                in: mailbox, uids: uids, operation: pick([.add, .remove, .replace]), flags: flags,
                unchangedSince: chance(30) ? modSeq : nil, as: principal), render)
        case 12:
            try await note("expunge", store.messages.expunge(in: mailbox, uids: chance(50) ? nil : uids, as: principal))
        case 13:
            try await note("copy", store.messages.copy(from: mailbox, uids: uids, to: mailbox, requireAll: chance(30),
                                                       as: principal), render)
        case 14:
            try await note("move", store.messages.move(from: mailbox, uids: uids, to: mailbox, as: principal), render)
        case 15:
            try await note("open", store.messages.open(mailbox, claimRecent: chance(50), as: principal), render)
        case 16:
            let last = chance(50) ? UID(.max) : (uids.last ?? UID(1))
            try await note("claimRecent", store.messages.claimRecent(in: mailbox, through: last, as: principal))
        case 17:
            try await note("changes", store.messages.changes(in: mailbox, since: modSeq, as: principal), render)
        case 18:
            let records = try await store.messages.records(in: mailbox, uids: uids, withStructure: chance(50),
                                                          as: principal)
            note("records", records.map { render($0) })
            for record in records {
                let reader = try await store.blobs.openBlob(record.blob)
                defer { reader.close() }
                let bytes = try await reader.read(offset: 0, count: Int(reader.size))
                note("blob", "\(reader.size) \(bytes.count == Int(record.size))")
            }
        case 19:
            note("states", try await store.messages.states(in: mailbox, uids: uids, as: principal).map { render($0) })
        case 20:
            let ghosts = try await store.messages.ghosts(in: mailbox, uids: uids, withStructure: chance(50),
                                                         as: principal)
            note("ghosts", ghosts.map { render($0) })
            for ghost in ghosts {
                let reader = try await store.blobs.openBlob(ghost.blob)
                defer { reader.close() }
                let bytes = try await reader.read(offset: 0, count: Int(reader.size))
                note("ghost blob", "\(reader.size) \(bytes.count == Int(ghost.size))")
            }
        case 21:
            // Everything or nothing: the workload runs within seconds, so no cutoff in between
            // would pick the same ghosts on both backends.
            let cutoff: Int64 = chance(50) ? .max : 0
            note("purgeGhosts", try await store.housekeeping.purgeGhosts(expungedBefore: cutoff))
        default:
            try await accounts()
        }
    }

    /// Rarely an account goes and comes back under a new ID (the old one stays in use, for
    /// `userNotFound`); otherwise credentials are replaced and read back.
    private func accounts() async throws {
        let name = pick(["alice", "bob", "nobody"])
        if chance(15) {
            try await store.accounts.deleteUser(name: name)
            let user = try await store.accounts.addUser(name: name, credentials: PasswordCredentials(
                password: name, salt: Array(name.utf8), iterations: 3))
            users.append(user)
            note("deleteUser", "\(user) \(try await store.accounts.users())")
            return
        }
        let credentials = try PasswordCredentials(password: "new", salt: Array(name.utf8), iterations: 4)
        try await store.credentials.setCredentials(credentials, forUser: name)
        note("credentials", try await store.credentials.credentials(forUser: name).map { "\($0.0) \($0.1.encoded)" } ?? "nil")
    }

    private func append() async throws {
        if staged.isEmpty || chance(40) {
            let upload = try await store.blobs.beginUpload(expectedSize: 0)
            let index = Int.random(in: 0..<6, using: &random)
            try await upload.write(Array(("Subject: sample \(index)\r\nFrom: a@example.org\r\n\r\n"
                + String(repeating: "Body line.\r\n", count: index)).utf8))
            staged.append((upload, try await upload.finish()))
        }
        if chance(10), let index = staged.indices.randomElement(using: &random) {
            staged[index].upload?.discard()
            staged[index].upload = nil
        }
        let batch = (0..<Int.random(in: 0...3, using: &random)).map { _ in
            NewMessage(blob: pick(staged).blob, flags: flags, internalDate: chance(50) ? Self.date : nil)
        }
        let result = try await store.messages.append(batch, to: mailbox, as: principal)
        note("append", "\(validity(result.uidValidity)) \(result.uids)")
    }

    // MARK: Notes

    private func note(_ what: String, _ value: some Any) {
        lines.append("\(what) \(value)")
    }

    private func note<T>(_ what: String, _ value: T, _ render: (T) -> String) {
        lines.append("\(what) \(render(value))")
    }

    private func validity(_ value: UIDValidity) -> Int {
        if let known = validities[value] { return known }
        validities[value] = validities.count
        return validities.count - 1
    }

    private func render(_ record: MailboxRecord) -> String {
        discover(record.id)
        return "[\(record.id) \(record.owner) \(record.name) \(record.selectable) \(String(describing: record.specialUse)) "
            + "\(validity(record.uidValidity))]"
    }

    private func render(_ flags: MessageFlags) -> String { "\(flags.system.rawValue)\(flags.keywords)" }

    private func render(_ state: MessageState) -> String {
        highestModSeq = max(highestModSeq, state.modSeq.rawValue)
        return "\(state.uid):\(render(state.flags)):\(state.modSeq)"
    }

    private func render(_ record: MessageRecord) -> String {
        let date = record.internalDate == Self.date ? "given" : "now"
        return "\(render(MessageState(uid: record.uid, flags: record.flags, modSeq: record.modSeq))) \(date) "
            + "\(record.size) \(record.headerSize) \(record.blob) \(record.structure?.count ?? -1)"
    }

    private func render(_ result: StoreResult) -> String {
        "\(result.messages.map { render($0) }) \(result.changedUIDs.sorted()) \(result.modified)"
    }

    private func render(_ result: CopyResult) -> String {
        "\(validity(result.uidValidity)) \(result.sourceUIDs) \(result.destinationUIDs)"
    }

    private func render(_ snapshot: MailboxSnapshot) -> String {
        highestModSeq = max(highestModSeq, snapshot.highestModSeq.rawValue)
        return "\(render(snapshot.mailbox)) \(snapshot.messages.map { render($0) }) \(snapshot.recentUIDs) "
            + "\(snapshot.uidNext) \(snapshot.highestModSeq) \(snapshot.keywords)"
    }

    private func render(_ changes: MailboxChanges) -> String {
        "\(changes.changed.map { render($0) }) \(changes.vanished) \(changes.uidNext) \(changes.highestModSeq) "
            + "\(changes.keywords) \(changes.recentUnclaimed)"
    }
}
