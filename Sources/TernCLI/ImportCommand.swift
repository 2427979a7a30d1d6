import ArgumentParser
import Foundation
import MailCore
import MailImport
import MailStore
import SQLiteMailStore

/// `tern import`: brings a user's mail over from another server keeping UIDVALIDITY and UIDs,
/// so that clients find their messages where they left them. Works on a running server's
/// data directory: its sessions see the new mail (the server watches the store for changes
/// made by other processes). A second run imports only what is new.
///
/// Exit status: 0 when something was imported or nothing needed to be; 1 when nothing could
/// be imported although there was something to import, or the store failed.
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import", abstract: "Import mail keeping UIDVALIDITY and UIDs.",
        subcommands: [Maildir.self, Mbox.self])

    struct Maildir: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import a (Dovecot) Maildir: every folder, with UIDs, flags, keywords and subscriptions.")
        @OptionGroup var common: CommonOptions
        @Argument(help: "The Maildir's root (INBOX's cur/new/tmp are in it).") var path: String
        @Option(name: .customLong("user"), help: "The account to import into (it must exist).") var user: String
        @Option(name: .customLong("layout"), help: "maildir++ (folders .Sent, .Lists.debian) or fs (nested directories); default: detected.")
        var layout: String?

        func run() async throws {
            let layout = try self.layout.map { name in
                guard let value = MaildirFolderName.Layout(rawValue: name) else { throw ValidationError("--layout must be maildir++ or fs") }
                return value
            }
            let source = try MaildirSource(root: path, layout: layout)
            try await ImportRun.perform(common: common, userName: user) { storage, owner, report, maxSize in
                try await Self.importMaildir(source, storage: storage, owner: owner, report: report, maxMessageSize: maxSize)
            }
        }

        static func importMaildir(_ source: MaildirSource, storage: MailStorage, owner: UserID, report: ImportReport,
                                  maxMessageSize: UInt64) async throws {
            let folders = source.folders().map { ($0, source.contents(of: $0)) }
            report.expectedMessages = folders.reduce(0) { $0 + $1.1.messages.count }
            report.expectedBytes = folders.reduce(0) { $0 + $1.1.messages.reduce(0) { $0 + $1.size } }
            for (folder, contents) in folders {
                for problem in contents.problems { report.skip(problem, in: folder.name, reason: "left out") }
                let importer = MailboxImporter(storage: storage, report: report, maxMessageSize: maxMessageSize, mailboxName: folder.name)
                report.current = folder.name
                guard try await importer.open(owner: owner, uidValidity: contents.uidValidity) else { continue }
                report.mailboxes += 1
                do {
                    for message in contents.messages {
                        defer { report.sourceBytesDone += message.size }
                        guard importer.wants(message.uid, item: message.path) else { continue }
                        guard message.size <= maxMessageSize else {
                            report.skip(message.path, in: folder.name, reason: "\(message.size) bytes, over the \(maxMessageSize)-byte message size limit")
                            continue
                        }
                        guard let upload = try await copy(message.path, importer: importer, report: report, folder: folder.name,
                                                          size: message.size, maxMessageSize: maxMessageSize) else { continue }
                        try await importer.add(upload, uid: message.uid, flags: message.flags,
                                               internalDate: ZonedDateTime(secondsSince1970: message.mtime), item: message.path)
                    }
                    try await importer.finish(uidNext: contents.uidNext)
                } catch {
                    importer.abandon()
                    throw error
                }
            }
            for name in source.subscriptions() {
                try await storage.mailboxes.setSubscribed(true, name: name, of: owner)
            }
        }

        /// Streams one file into an upload, LF line ends made CRLF; nil (reported) if the file
        /// cannot be read or grows past the limit.
        private static func copy(_ path: String, importer: MailboxImporter, report: ImportReport, folder: String,
                                 size: UInt64, maxMessageSize: UInt64) async throws -> MessageUpload? {
            guard let handle = FileHandle(forReadingAtPath: path) else {
                report.skip(path, in: folder, reason: "cannot open: \(String(cString: strerror(errno)))")
                return nil
            }
            defer { try? handle.close() }
            let upload = try await importer.beginMessage(expectedSize: size + size / 32)
            var converter = CRLFConverter()
            do {
                while let chunk = try handle.read(upToCount: 1 << 16), !chunk.isEmpty {
                    try await upload.write(converter.convert(chunk))
                    if upload.byteCount > maxMessageSize {
                        upload.discard()
                        report.skip(path, in: folder, reason: "over the \(maxMessageSize)-byte message size limit")
                        return nil
                    }
                }
            } catch {
                upload.discard()
                report.skip(path, in: folder, reason: "cannot read: \(error)")
                return nil
            }
            return upload
        }
    }

    struct Mbox: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import an mbox file into one mailbox (flags from Status/X-Status/X-Keywords; UIDs from X-UID/X-IMAPbase if present).")
        @OptionGroup var common: CommonOptions
        @Argument(help: "The mbox file.") var file: String
        @Option(name: .customLong("user"), help: "The account to import into (it must exist).") var user: String
        @Option(name: .customLong("mailbox"), help: "The mailbox to import into (created if missing).") var mailbox: String
        @Option(name: .customLong("format"), help: "mboxrd (default: >From unquoted), mboxo, or mboxcl2 (Content-Length).")
        var format: String = "mboxrd"

        func run() async throws {
            guard let format = MboxSplitter.Format(rawValue: format) else { throw ValidationError("--format must be mboxrd, mboxo or mboxcl2") }
            let name = mailbox.uppercased() == "INBOX" ? "INBOX" : mailbox
            guard let handle = FileHandle(forReadingAtPath: file) else { throw SettingsError("cannot open \(file)") }
            defer { try? handle.close() }
            let total = (try? FileManager.default.attributesOfItem(atPath: file)[.size] as? UInt64) ?? 0
            try await ImportRun.perform(common: common, userName: user) { storage, owner, report, maxSize in
                report.expectedBytes = total
                report.current = name
                let reader = MboxImport(importer: MailboxImporter(storage: storage, report: report, maxMessageSize: maxSize,
                                                                  mailboxName: name), owner: owner, report: report)
                var splitter = MboxSplitter(format: format)
                do {
                    while let chunk = try handle.read(upToCount: 1 << 16), !chunk.isEmpty {
                        report.sourceBytesDone += UInt64(chunk.count)
                        for event in splitter.feed(chunk) { try await reader.handle(event) }
                    }
                    for event in splitter.finish() { try await reader.handle(event) }
                    try await reader.finish()
                } catch {
                    reader.importer.abandon()
                    throw error
                }
            }
        }
    }
}

/// Opening the store, finding the user, running an import, and reporting it.
enum ImportRun {
    static func perform(common: CommonOptions, userName: String,
                        _ body: (MailStorage, UserID, ImportReport, UInt64) async throws -> Void) async throws {
        let settings = try common.settings()
        let store = try SQLiteMailStore(directory: settings.dataDirectory)
        defer { store.close() }
        let storage = MailStorage(store)
        guard let canonical = User.canonicalName(userName), let user = try await storage.accounts.user(named: canonical) else {
            throw SettingsError("no user \(userName) (create it first: tern user add)")
        }
        let report = ImportReport()
        do {
            try await body(storage, user.id, report, settings.server.maxMessageSize)
        } catch {
            Console.line(report.summary())
            FileHandle.standardError.write(Data("tern import: the store failed: \(error)\n".utf8))
            throw ExitCode(1)
        }
        Console.line(report.summary())
        if report.imported == 0 && report.alreadyPresent == 0 && !report.skipped.isEmpty { throw ExitCode(1) }
    }
}

/// The mbox side of an import: turns splitter events into uploads with UIDs. UIDs come from
/// `X-UID` when the file carries Dovecot's `X-IMAPbase` (with its UIDVALIDITY and UIDNEXT);
/// otherwise the messages are numbered 1, 2, ... in file order, so that a second run finds the
/// same UIDs. A message whose `X-UID` is missing or out of order takes the next UID.
final class MboxImport {
    let importer: MailboxImporter
    let owner: UserID
    let report: ImportReport
    private var opened = false
    private var usable = true
    private var ordinal = 0
    private var lastUID: UInt32 = 0
    private var sourceUIDNext: UInt32?
    private var keepsUIDs = false
    /// The message being read: its upload (nil while skipped), UID, flags and date.
    private var current: (upload: MessageUpload?, uid: UID, flags: MessageFlags, date: ZonedDateTime, item: String)?
    private var converter = CRLFConverter()

    init(importer: MailboxImporter, owner: UserID, report: ImportReport) {
        self.importer = importer
        self.owner = owner
        self.report = report
    }

    func handle(_ event: MboxSplitter.Event) async throws {
        switch event {
        case .garbage(let count):
            report.skip("\(count) bytes", in: importer.mailboxName, reason: "not in a message (before the first From line)")
        case .start(let from, let header):
            ordinal += 1
            if !opened {
                opened = true
                keepsUIDs = header.uidValidity != nil
                sourceUIDNext = header.nextUID
                usable = try await importer.open(owner: owner, uidValidity: header.uidValidity.map { UIDValidity($0) })
                if usable { report.mailboxes += 1 }
            }
            let item = "message \(ordinal) (From \(from.sender))"
            var uid = UInt32(ordinal)
            if keepsUIDs {
                if let given = header.uid, given > lastUID { uid = given } else { uid = lastUID + 1 }
            }
            lastUID = uid
            converter = CRLFConverter()
            var upload: MessageUpload?
            if usable && importer.wants(UID(uid), item: item) {
                upload = try await importer.beginMessage(expectedSize: 64 << 10)
            }
            current = (upload, UID(uid), header.flags, from.date, item)
        case .content(let bytes):
            guard let upload = current?.upload else { return }
            try await upload.write(converter.convert(bytes))
            if upload.byteCount > importer.maxMessageSize, let item = current?.item {
                upload.discard()
                current?.upload = nil
                report.skip(item, in: importer.mailboxName, reason: "over the \(importer.maxMessageSize)-byte message size limit")
            }
        case .end(let truncated):
            guard let message = current else { return }
            current = nil
            guard let upload = message.upload else { return }
            if truncated {
                report.note("\(importer.mailboxName): \(message.item): truncated by the end of the file, imported as it is")
            }
            try await importer.add(upload, uid: message.uid, flags: message.flags, internalDate: message.date, item: message.item)
        }
    }

    func finish() async throws {
        guard usable, opened else { return }
        try await importer.finish(uidNext: sourceUIDNext.map { UID(max($0, lastUID + 1)) } ?? UID(lastUID + 1))
    }
}
