import Foundation
import MailCore
import MailImport
import MailStore

/// Writes one source mailbox into the store keeping its identity (`ImportStore`): opens the
/// target, streams each message into an upload, and commits them in batches, each durable
/// before it is counted. Messages whose UID the target already has are not read at all.
final class MailboxImporter {
    let storage: MailStorage
    let report: ImportReport
    let maxMessageSize: UInt64
    let mailboxName: String
    private(set) var target: ImportTarget?
    /// UIDs present in the target when it was opened: a second run's messages.
    private var present: Set<UID> = []
    private var batch: [(message: ImportedMessage, upload: MessageUpload)] = []
    private var batchBytes: UInt64 = 0
    static let batchCount = 256
    static let batchByteLimit: UInt64 = 32 << 20

    init(storage: MailStorage, report: ImportReport, maxMessageSize: UInt64, mailboxName: String) {
        self.storage = storage
        self.report = report
        self.maxMessageSize = maxMessageSize
        self.mailboxName = mailboxName
    }

    /// Opens the target; false (reported) if the store refuses it.
    func open(owner: UserID, uidValidity: UIDValidity?) async throws -> Bool {
        do {
            let target = try await storage.imports.beginImport(into: MailboxPath(owner: owner, name: mailboxName),
                                                               uidValidity: uidValidity)
            self.target = target
            if !target.isFresh {
                let snapshot = try await storage.messages.open(target.mailbox.id, claimRecent: false, as: .administrator)
                present = Set(snapshot.messages.map(\.uid))
            }
            return true
        } catch let conflict as ImportConflict {
            report.skipMailbox(mailboxName, reason: conflict.description)
            return false
        }
    }

    /// Whether the message with `uid` is still to import; if not, it is counted (already
    /// imported, or a UID the target used and lost since).
    func wants(_ uid: UID, item: String) -> Bool {
        guard let target, uid < target.uidNext else { return true }
        if present.contains(uid) {
            report.alreadyPresent += 1
        } else {
            report.skip(item, in: mailboxName, reason: "UID \(uid) was used in \(mailboxName) and expunged since")
        }
        return false
    }

    /// Starts the upload of one message of about `expectedSize` bytes.
    func beginMessage(expectedSize: UInt64) async throws -> MessageUpload {
        try await storage.blobs.beginUpload(expectedSize: min(expectedSize, maxMessageSize))
    }

    /// Adds a finished upload to the batch, committing the batch when it is full.
    func add(_ upload: MessageUpload, uid: UID, flags: MessageFlags, internalDate: ZonedDateTime, item: String) async throws {
        let staged: StagedBlob
        do {
            staged = try await upload.finish()
        } catch {
            upload.discard()
            report.skip(item, in: mailboxName, reason: "cannot stage: \(error)")
            return
        }
        batch.append((ImportedMessage(uid: uid, blob: staged, flags: flags, internalDate: internalDate), upload))
        batchBytes += staged.size
        if batch.count >= Self.batchCount || batchBytes >= Self.batchByteLimit { try await commit() }
    }

    /// Commits the pending batch: after this returns, its messages are durable.
    func commit() async throws {
        guard let target, !batch.isEmpty else { return }
        let pending = batch
        batch = []
        batchBytes = 0
        defer { for entry in pending { entry.upload.discard() } }
        let outcome = try await storage.imports.importMessages(pending.map(\.message), into: target.mailbox.id)
        let sizes = Dictionary(pending.map { ($0.message.uid, $0.message.blob.size) }, uniquingKeysWith: { a, _ in a })
        report.imported(count: outcome.imported.count, bytes: outcome.imported.reduce(0) { $0 + (sizes[$1] ?? 0) })
        report.alreadyPresent += outcome.alreadyPresent.count
        for uid in outcome.belowUIDNext {
            report.skip("UID \(uid)", in: mailboxName, reason: "UID \(uid) was used in \(mailboxName) and expunged since")
        }
    }

    /// Commits what is left and carries over the source's UIDNEXT.
    func finish(uidNext: UID?) async throws {
        try await commit()
        if let target, let uidNext { _ = try await storage.imports.raiseUIDNext(of: target.mailbox.id, to: uidNext) }
    }

    /// Drops uploads not committed (a failure stopped the import).
    func abandon() {
        for entry in batch { entry.upload.discard() }
        batch = []
    }
}

/// What an import did and skipped, and its progress on a terminal: messages, bytes, rate and
/// an estimate of the time left. Without a terminal only the summary is written.
final class ImportReport {
    var imported = 0
    var importedBytes: UInt64 = 0
    var alreadyPresent = 0
    var mailboxes = 0
    private(set) var skipped: [String] = []
    private(set) var notes: [String] = []
    /// Messages and bytes the source holds, for the estimate (0 if unknown).
    var expectedMessages = 0
    var expectedBytes: UInt64 = 0
    /// Bytes of the source read so far (mbox: file offset; Maildir: files read or skipped).
    var sourceBytesDone: UInt64 = 0
    let started = Date()
    private var lastDrawn = Date.distantPast
    let interactive = isatty(STDOUT_FILENO) == 1
    var current = ""

    func imported(count: Int, bytes: UInt64) {
        imported += count
        importedBytes += bytes
        draw()
    }

    func skip(_ item: String, in mailbox: String, reason: String) {
        skipped.append("\(mailbox): \(item): \(reason)")
        draw()
    }

    /// Something worth knowing about an item that was imported anyway.
    func note(_ text: String) {
        notes.append(text)
    }

    func skipMailbox(_ mailbox: String, reason: String) {
        skipped.append("\(mailbox): not imported: \(reason)")
    }

    /// Redraws the progress line, at most a few times a second, on a terminal only.
    func draw(force: Bool = false) {
        guard interactive else { return }
        let now = Date()
        guard force || now.timeIntervalSince(lastDrawn) >= 0.25 else { return }
        lastDrawn = now
        let elapsed = max(now.timeIntervalSince(started), 0.001)
        var line = "\(current): \(imported) messages, \(Self.megabytes(importedBytes)), \(Int(Double(imported) / elapsed)) msg/s"
        if expectedBytes > 0, sourceBytesDone > 0 {
            let left = Double(expectedBytes - min(sourceBytesDone, expectedBytes)) / (Double(sourceBytesDone) / elapsed)
            line += ", ETA \(Self.duration(left))"
        } else if expectedMessages > 0 {
            line += " of \(expectedMessages)"
        }
        FileHandle.standardOutput.write(Data(("\r\u{1B}[K" + line).utf8))
    }

    /// The closing lines: what was imported, how fast, and every item skipped with its reason.
    func summary() -> String {
        let elapsed = max(Date().timeIntervalSince(started), 0.001)
        var lines: [String] = []
        if imported == 0 && skipped.isEmpty {
            lines.append("Nothing new to import (\(alreadyPresent) messages already imported).")
        } else {
            lines.append(String(format: "Imported %d messages (%@) into %d mailboxes in %.1f s: %.0f messages/s, %.2f MB/s; %d already imported, %d skipped.",
                                imported, Self.megabytes(importedBytes), mailboxes, elapsed, Double(imported) / elapsed,
                                Double(importedBytes) / 1_000_000 / elapsed, alreadyPresent, skipped.count))
        }
        lines += notes.map { "note: \($0)" }
        lines += skipped.map { "skipped: \($0)" }
        return (interactive ? "\r\u{1B}[K" : "") + lines.joined(separator: "\n")
    }

    static func megabytes(_ bytes: UInt64) -> String { String(format: "%.1f MB", Double(bytes) / 1_000_000) }

    static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite else { return "?" }
        let total = Int(seconds.rounded())
        return String(format: "%d:%02d:%02d", total / 3600, total / 60 % 60, total % 60)
    }
}
