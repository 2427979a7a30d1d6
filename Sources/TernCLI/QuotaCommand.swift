import ArgumentParser
import MailCore
import MailStore
import SQLiteMailStore

/// `tern quota …`: per-user quota limits (RFC 9208) and the repair of usage counters, also
/// while a server runs on the same data directory.
struct QuotaCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quota", abstract: "Show and set quota limits; repair usage counters.",
        subcommands: [Get.self, Set.self, Recalc.self])

    struct Get: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a user's usage and limits.")
        @OptionGroup var common: CommonOptions
        @Argument(help: "The user name.") var name: String

        func run() async throws {
            let name = try UserNames.canonical(name)
            let quota = try await withAdminStore(try common.settings()) { store in
                try await store.quota(of: try await store.requireUser(name).id)
            }
            for line in QuotaReport.lines(user: name, quota: quota) { Console.line(line) }
        }
    }

    struct Set: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set a user's limits; those not given stay as they are.",
            discussion: """
                Sizes are bytes, or with a unit B, K, M, G, T (powers of 1024): 512M, 2G. \
                "unlimited" removes a limit. Mail already stored over a lowered limit stays; \
                nothing more can be added until usage is below it.
                """)
        @OptionGroup var common: CommonOptions
        @Argument(help: "The user name.") var name: String
        @Option(help: "Storage limit (sum of message sizes), e.g. 2G, or unlimited.") var storage: String?
        @Option(help: "Message count limit, or unlimited.") var messages: String?
        @Option(help: "Mailbox count limit (INBOX and the standard mailboxes count), or unlimited.") var mailboxes: String?

        func validate() throws {
            guard storage != nil || messages != nil || mailboxes != nil else {
                throw ValidationError("Give at least one of --storage, --messages, --mailboxes.")
            }
        }

        func run() async throws {
            let name = try UserNames.canonical(name)
            func parsed(_ text: String?, _ parse: (String) throws(QuotaAmounts.Invalid) -> UInt64?,
                        option: String) throws -> UInt64?? {
                guard let text else { return nil }
                do { return .some(try parse(text)) } catch { throw ValidationError("--\(option): \(error.description)") }
            }
            let newStorage = try parsed(storage, QuotaAmounts.size, option: "storage")
            let newMessages = try parsed(messages, QuotaAmounts.count, option: "messages")
            let newMailboxes = try parsed(mailboxes, QuotaAmounts.count, option: "mailboxes")
            let quota = try await withAdminStore(try common.settings()) { store in
                let user = try await store.requireUser(name)
                var limits = try await store.quota(of: user.id).limits
                if let newStorage { limits.storage = newStorage }
                if let newMessages { limits.messages = newMessages }
                if let newMailboxes { limits.mailboxes = newMailboxes }
                try await store.setQuotaLimits(limits, of: user.id)
                return try await store.quota(of: user.id)
            }
            for line in QuotaReport.lines(user: name, quota: quota) { Console.line(line) }
        }
    }

    struct Recalc: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Recount usage from the stored messages (all users if none is named).")
        @OptionGroup var common: CommonOptions
        @Argument(help: "The user name (default: every user).") var name: String?

        func run() async throws {
            let only = try name.map(UserNames.canonical)
            try await withAdminStore(try common.settings()) { store in
                let users = if let only { [try await store.requireUser(only)] } else { try await store.users() }
                for user in users {
                    let (before, after) = try await store.recalculateQuotaUsage(of: user.id)
                    Console.line(QuotaReport.recalculation(user: user.name, before: before, after: after))
                }
            }
        }
    }
}

/// What `tern quota` prints: one line per resource, `resource: usage of limit`.
enum QuotaReport {
    static func lines(user: String, quota: Quota) -> [String] {
        ["user: \(user)"] + QuotaResource.allCases.map { resource in
            let usage = quota.usage[resource], limit = quota.limits[resource]
            let name = switch resource { case .storage: "storage"; case .message: "messages"; case .mailbox: "mailboxes" }
            guard resource == .storage else { return "\(name): \(usage) of \(limit.map(String.init) ?? "unlimited")" }
            return "\(name): \(QuotaAmounts.describe(octets: usage)) of "
                + (limit.map(QuotaAmounts.describe(octets:)) ?? "unlimited")
        }
    }

    static func recalculation(user: String, before: QuotaUsage, after: QuotaUsage) -> String {
        guard before != after else { return "\(user): usage was correct" }
        return "\(user): corrected storage \(before.storage) -> \(after.storage) bytes, "
            + "messages \(before.messages) -> \(after.messages), mailboxes \(before.mailboxes) -> \(after.mailboxes)"
    }
}

extension SQLiteMailStore {
    /// The account of a canonical name; throws `userNotFound`.
    fileprivate func requireUser(_ name: String) async throws -> User {
        guard let user = try await user(named: name) else { throw MailStoreError.userNotFound(name) }
        return user
    }
}
