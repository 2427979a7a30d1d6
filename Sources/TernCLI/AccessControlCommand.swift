import ArgumentParser
import MailCore
import MailStore
import SQLiteMailStore

/// `tern acl …`: the access control lists of mailboxes (RFC 4314), set by the administrator,
/// also while a server runs on the same data directory. A mailbox is named by its owner and
/// its name among the owner's mailboxes (`alice Projects`), or with `--shared` by the name
/// of a public folder (`--shared support`).
struct AccessControlCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "acl", abstract: "Show and change who may do what to a mailbox (RFC 4314).",
        subcommands: [Get.self, Set.self, Delete.self])

    struct Get: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a mailbox's access control list.",
            discussion: "tern acl get alice Projects | tern acl get --shared support")
        @OptionGroup var common: CommonOptions
        @ArgumentParser.Flag(help: "The mailbox is a public folder (no owner is given).") var shared = false
        @Argument(help: "OWNER MAILBOX, or MAILBOX with --shared.") var words: [String]

        func run() async throws {
            let lines = try await withAdminStore(try common.settings()) { store in
                let target = try await MailboxTarget(words, shared: shared, extra: 0, store: store)
                let list = try await store.accessControlList(of: target.path, as: .administrator)
                return AccessReport.lines(list, ownerName: target.ownerName)
            }
            for line in lines { Console.line(line) }
        }
    }

    struct Set: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set the rights of an identifier on a mailbox.",
            discussion: """
                IDENTIFIER is a user name, anyone or authenticated; -NAME is a negative entry \
                (rights taken away). RIGHTS are letters of RFC 4314 (l r s w i p k x t e a; c and d \
                as the obsolete groups), replacing the entry's, or with + / - added or removed. \
                Example: tern acl set --shared support bob lrswite
                """)
        @OptionGroup var common: CommonOptions
        @ArgumentParser.Flag(help: "The mailbox is a public folder (no owner is given).") var shared = false
        @Argument(help: "OWNER MAILBOX IDENTIFIER RIGHTS, or MAILBOX IDENTIFIER RIGHTS with --shared.")
        var words: [String]

        func run() async throws {
            let lines = try await withAdminStore(try common.settings()) { store in
                let target = try await MailboxTarget(words, shared: shared, extra: 2, store: store)
                let (identifier, negative) = try AccessArguments.identifier(words[words.count - 2])
                let change = try AccessArguments.change(words[words.count - 1])
                let current = try await store.accessControlList(of: target.path, as: .administrator).entries
                    .first { $0.identifier == identifier && $0.negative == negative }?.rights ?? []
                try await store.setAccess(AccessEntry(identifier: identifier, negative: negative,
                                                      rights: change.applied(to: current)),
                                          on: target.path, as: .administrator)
                let list = try await store.accessControlList(of: target.path, as: .administrator)
                return AccessReport.lines(list, ownerName: target.ownerName)
            }
            for line in lines { Console.line(line) }
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove an identifier's entry from a mailbox.")
        @OptionGroup var common: CommonOptions
        @ArgumentParser.Flag(help: "The mailbox is a public folder (no owner is given).") var shared = false
        @Argument(help: "OWNER MAILBOX IDENTIFIER, or MAILBOX IDENTIFIER with --shared.") var words: [String]

        func run() async throws {
            try await withAdminStore(try common.settings()) { store in
                let target = try await MailboxTarget(words, shared: shared, extra: 1, store: store)
                let (identifier, negative) = try AccessArguments.identifier(words[words.count - 1])
                try await store.removeAccess(identifier, negative: negative, on: target.path, as: .administrator)
            }
        }
    }
}

/// `tern mailbox …`: mailboxes the administrator makes, today public folders.
struct MailboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mailbox", abstract: "Create mailboxes (public folders).", subcommands: [Create.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a mailbox: a public folder with --shared, or one of a user's.",
            discussion: """
                A public folder belongs to no user and appears to clients under the shared \
                namespace (Shared/NAME). Nobody can see it until rights are granted: \
                tern acl set --shared NAME anyone lr
                """)
        @OptionGroup var common: CommonOptions
        @ArgumentParser.Flag(help: "Create a public folder.") var shared = false
        @Argument(help: "OWNER NAME, or NAME with --shared.") var words: [String]

        func run() async throws {
            try await withAdminStore(try common.settings()) { store in
                let target = try await MailboxTarget(words, shared: shared, extra: 0, store: store, creating: true)
                guard MailboxNamesForCLI.isValid(target.path.name) else {
                    throw ValidationError("invalid mailbox name \(target.path.name)")
                }
                _ = try await store.create(target.path, specialUse: nil, as: .administrator)
            }
        }
    }
}

/// The mailbox a `tern acl` or `tern mailbox` command names.
private struct MailboxTarget {
    var path: MailboxPath
    /// The owner's name; nil for a public folder.
    var ownerName: String?

    /// Reads `[OWNER] MAILBOX` from the start of `words`, followed by `extra` more words.
    init(_ words: [String], shared: Bool, extra: Int, store: SQLiteMailStore, creating: Bool = false) async throws {
        let expected = (shared ? 1 : 2) + extra
        guard words.count == expected else {
            throw ValidationError("expected \(expected) arguments, got \(words.count)")
        }
        if shared {
            guard let owner = try await store.publicOwner(creating: creating) else {
                throw MailStoreError.mailboxNotFound(words[0])
            }
            self.init(path: MailboxPath(owner: owner, name: words[0]), ownerName: nil)
        } else {
            let name = try UserNames.canonical(words[0])
            guard let user = try await store.user(named: name) else { throw MailStoreError.userNotFound(name) }
            let mailbox = words[1].uppercased() == "INBOX" ? "INBOX" : words[1]
            self.init(path: MailboxPath(owner: user.id, name: mailbox), ownerName: user.name)
        }
    }

    private init(path: MailboxPath, ownerName: String?) {
        self.path = path
        self.ownerName = ownerName
    }
}

/// Mailbox names the command line accepts: the rules of IMAP's (no empty level, no `.`/`..`,
/// no control characters).
private enum MailboxNamesForCLI {
    static func isValid(_ name: String) -> Bool {
        guard !name.isEmpty, !name.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
            return false
        }
        return name.split(separator: "/", omittingEmptySubsequences: false)
            .allSatisfy { !$0.isEmpty && $0 != "." && $0 != ".." }
    }
}

/// Identifiers and rights as an administrator writes them (RFC 4314 §2, §3.1).
enum AccessArguments {
    static func identifier(_ text: String) throws -> (AccessIdentifier, negative: Bool) {
        let negative = text.hasPrefix("-")
        let name = negative ? String(text.dropFirst()) : text
        guard !name.isEmpty else { throw ValidationError("empty identifier") }
        switch AccessIdentifier(name) {
        case .user(let user):
            return (.user(try UserNames.canonical(user)), negative)
        case let special:
            return (special, negative)
        }
    }

    /// `RIGHTS`, `+RIGHTS` or `-RIGHTS`.
    static func change(_ text: String) throws -> AccessRightsChange {
        guard let change = AccessRightsChange(text) else {
            throw ValidationError("rights are letters of l r s w i p k x t e a c d, after an optional + or -")
        }
        return change
    }
}

/// What `tern acl` prints: one `identifier rights` line per entry, the owner first.
enum AccessReport {
    static func lines(_ list: AccessControlList, ownerName: String?) -> [String] {
        var lines: [String] = []
        if let ownerName, !list.entries.contains(where: { $0.identifier == .user(ownerName) }) {
            lines.append("\(ownerName) \(AccessRights.all.description) (owner)")
        }
        for entry in list.entries { lines.append("\(entry.writtenIdentifier) \(entry.rights.description)") }
        return lines
    }
}
