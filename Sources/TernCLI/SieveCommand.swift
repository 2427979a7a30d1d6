import ArgumentParser
import Foundation
import MailCore
import MailStore
import ManageSieveSyntax
import Sieve
import SQLiteMailStore

/// `tern sieve …`: manage users' Sieve scripts (what ManageSieve does for users, RFC 5804),
/// also while a server runs on the same data directory.
struct SieveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sieve", abstract: "Manage users' Sieve filtering scripts.",
        subcommands: [Put.self, List.self, Get.self, Activate.self, Delete.self, Log.self])

    struct Put: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Store a script (compiled first; a script with an error is refused).",
            discussion: "A stored script of the same name is replaced and stays active if it was.")
        @OptionGroup var common: CommonOptions
        @Argument(help: "The user name.") var user: String
        @Argument(help: "The script name.") var name: String
        @Argument(help: "The script file, or - for standard input.") var file: String

        func run() async throws {
            let settings = try common.settings()
            let name = try SieveNames.validated(name)
            let content = try readScript(file)
            guard content.count <= settings.manageSieve.maxScriptSize else {
                throw ValidationError("the script has \(content.count) bytes, more than the limit of \(settings.manageSieve.maxScriptSize)")
            }
            do {
                _ = try SieveScript(compiling: content, limits: settings.manageSieve.sieveLimits,
                                    extensions: settings.manageSieve.extensions)
            } catch {
                throw ValidationError("\(file): \(error.description)")
            }
            try await withSieveStore(settings, user: user) { storage, user in
                try await storage.sieveScripts.putSieveScript(named: name, content: content, of: user.id)
            }
            Console.line("Stored script \(name) of \(user)")
        }

        private func readScript(_ path: String) throws -> [UInt8] {
            if path == "-" { return Array(FileHandle.standardInput.readDataToEndOfFile()) }
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ValidationError("cannot read \(path)")
            }
            return Array(data)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List a user's scripts, one a line; the active one is followed by a tab and \"active\".")
        @OptionGroup var common: CommonOptions
        @Argument(help: "The user name.") var user: String

        func run() async throws {
            let scripts = try await withSieveStore(try common.settings(), user: user) { storage, user in
                try await storage.sieveScripts.sieveScripts(of: user.id)
            }
            for script in scripts { Console.line(script.isActive ? "\(script.name)\tactive" : script.name) }
        }
    }

    struct Get: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print a script.")
        @OptionGroup var common: CommonOptions
        @Argument(help: "The user name.") var user: String
        @Argument(help: "The script name.") var name: String

        func run() async throws {
            let content = try await withSieveStore(try common.settings(), user: user) { storage, user in
                try await storage.sieveScripts.sieveScript(named: name, of: user.id)
            }
            guard let content else { throw ValidationError("\(user) has no script named \(name)") }
            FileHandle.standardOutput.write(Data(content))
        }
    }

    struct Activate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make a script the one run at delivery, or (--none) run none.")
        @OptionGroup var common: CommonOptions
        @Argument(help: "The user name.") var user: String
        @Argument(help: "The script name.") var name: String?
        @ArgumentParser.Flag(name: .customLong("none"), help: "Deactivate the active script.") var none = false

        func validate() throws {
            guard (name == nil) == none else { throw ValidationError("give a script name or --none") }
        }

        func run() async throws {
            try await withSieveStore(try common.settings(), user: user) { storage, user in
                try await storage.sieveScripts.activateSieveScript(named: name, of: user.id)
            }
            Console.line(name.map { "Activated script \($0) of \(user)" } ?? "No script of \(user) is active")
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a script (not the active one).")
        @OptionGroup var common: CommonOptions
        @Argument(help: "The user name.") var user: String
        @Argument(help: "The script name.") var name: String

        func run() async throws {
            try await withSieveStore(try common.settings(), user: user) { storage, user in
                try await storage.sieveScripts.deleteSieveScript(named: name, of: user.id)
            }
            Console.line("Deleted script \(name) of \(user)")
        }
    }

    struct Log: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a user's filtering log (errors of scripts at delivery), oldest first.")
        @OptionGroup var common: CommonOptions
        @Argument(help: "The user name.") var user: String

        func run() async throws {
            let entries = try await withSieveStore(try common.settings(), user: user) { storage, user in
                try await storage.sieveScripts.sieveLog(of: user.id)
            }
            let format = ISO8601DateFormatter()
            for entry in entries {
                Console.line("\(format.string(from: Date(timeIntervalSince1970: TimeInterval(entry.date)))) \(entry.text)")
            }
        }
    }
}

/// Script names as ManageSieve takes them (RFC 5804 §1.6).
enum SieveNames {
    static func validated(_ name: String) throws -> String {
        switch ScriptName.validate(Array(name.utf8)) {
        case .success(let name): return name
        case .failure(let problem): throw ValidationError("invalid script name: \(problem)")
        }
    }
}

/// Opens the store for one action on a user's scripts, turning store errors into messages.
private func withSieveStore<T>(_ settings: Settings, user name: String,
                               _ body: (MailStorage, User) async throws -> T) async throws -> T {
    let canonical = try UserNames.canonical(name)
    let store = try SQLiteMailStore(directory: settings.dataDirectory)
    defer { store.close() }
    let storage = MailStorage(store)
    guard let user = try await storage.accounts.user(named: canonical) else {
        throw SettingsError("no user \(canonical)")
    }
    do {
        return try await body(storage, user)
    } catch MailStoreError.sieveScriptNotFound(let script) {
        throw SettingsError("\(canonical) has no script named \(script)")
    } catch MailStoreError.sieveScriptActive(let script) {
        throw SettingsError("script \(script) is active; run `tern sieve activate \(canonical) --none` first")
    }
}
