import ArgumentParser
import Foundation
import MailCore
import MailStore
import SQLiteMailStore

/// `tern metadata …`: the administrator's view of METADATA (RFC 5464): the shared server
/// entries that users read but may not set (`/shared/comment`, `/shared/admin`, RFC 5464
/// §3.2.1.1), and any mailbox's entries, also while a server runs on the same data directory.
struct MetadataCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metadata", abstract: "Read and set METADATA entries of the server or of a mailbox.",
        subcommands: [SetEntry.self, GetEntries.self])

    /// Where: the server, or `--user` and `--mailbox` (whose private entries are the owner's).
    struct Target: ParsableArguments {
        @Option(help: "The owner of the mailbox (with --mailbox); without both, the server's entries.")
        var user: String?
        @Option(help: "The mailbox (with --user).")
        var mailbox: String?
    }

    struct SetEntry: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set",
            abstract: "Set an entry, e.g. /shared/admin mailto:postmaster@example.org; without a value, remove it.")
        @OptionGroup var common: CommonOptions
        @OptionGroup var target: Target
        @Argument(help: "The entry name (/shared/... or /private/...).") var entry: String
        @Argument(help: "The value (UTF-8 text).") var value: String?

        func run() async throws {
            let settings = try common.settings()
            let name = try entryName(entry)
            try await withMetadata(settings, target) { storage, target in
                try await storage.metadata.setMetadata([MetadataChange(name: name, value: value.map { Array($0.utf8) })],
                                                       on: target, limits: settings.server.metadata, as: .administrator)
            }
            Console.line(value == nil ? "Removed \(name)" : "Set \(name)")
        }
    }

    struct GetEntries: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "get",
            abstract: "Print the entries at and below a name (default /shared), one `name<TAB>value` a line.")
        @OptionGroup var common: CommonOptions
        @OptionGroup var target: Target
        @Argument(help: "The entry name.") var entry = "/shared"

        func run() async throws {
            let name = try entryName(entry)
            let entries = try await withMetadata(try common.settings(), target) { storage, target in
                try await storage.metadata.metadata(on: target, names: [name], depth: .infinity, as: .administrator)
            }
            for entry in entries { Console.line("\(entry.name)\t\(String(decoding: entry.value, as: UTF8.self))") }
        }
    }
}

private func entryName(_ text: String) throws -> MetadataEntryName {
    guard let name = MetadataEntryName(text) else {
        throw ValidationError("\(text) is no entry name: /private/... or /shared/..., without *, %, // or a final / (RFC 5464 §3.2)")
    }
    return name
}

private func withMetadata<T>(_ settings: Settings, _ target: MetadataCommand.Target,
                             _ body: (MailStorage, MetadataTarget) async throws -> T) async throws -> T {
    let store = try SQLiteMailStore(directory: settings.dataDirectory)
    defer { store.close() }
    let storage = MailStorage(store)
    let resolved: MetadataTarget
    switch (target.user, target.mailbox) {
    case (nil, nil):
        resolved = .server
    case (let user?, let mailbox?):
        let canonical = try UserNames.canonical(user)
        guard let owner = try await storage.accounts.user(named: canonical) else { throw SettingsError("no user \(canonical)") }
        resolved = .mailbox(MailboxPath(owner: owner.id, name: mailbox.uppercased() == "INBOX" ? "INBOX" : mailbox))
    default:
        throw ValidationError("--user and --mailbox go together")
    }
    do {
        return try await body(storage, resolved)
    } catch MailStoreError.mailboxNotFound(let name) {
        throw SettingsError("no mailbox \(name)")
    } catch MailStoreError.metadataRefused(let refusal) {
        throw SettingsError("refused: \(refusal)")
    }
}
