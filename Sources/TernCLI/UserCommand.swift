import ArgumentParser
import Foundation
import IMAPServer
import MailStore
import SQLiteMailStore

/// `tern user …`: manage accounts, also while a server runs on the same data directory.
struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user", abstract: "Manage accounts.",
        subcommands: [Add.self, List.self, Delete.self, Passwd.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create an account with an INBOX.")
        @OptionGroup var common: CommonOptions
        @Argument(help: "The user name (case-insensitive; letters, digits, . _ - + @).") var name: String
        @Flag(name: .customLong("password-stdin"), help: "Read the password from the first line of standard input.")
        var passwordFromStdin = false

        func run() async throws {
            let settings = try common.settings()
            let name = try UserNames.validated(name)
            let password = try PasswordInput.read(fromStdin: passwordFromStdin, confirm: true)
            let credentials = try PasswordCredentials(password: password, iterations: settings.server.passwordIterations)
            try await withStore(settings) { store in
                _ = try await MailStorage(store).provisionAccount(name: name, credentials: credentials)
            }
            Console.line("Created user \(name)")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the accounts.")
        @OptionGroup var common: CommonOptions

        func run() async throws {
            let users = try await withStore(try common.settings()) { try await $0.users() }
            for user in users { Console.line(user.name) }
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete an account with all its mail.")
        @OptionGroup var common: CommonOptions
        @Argument(help: "The user name.") var name: String

        func run() async throws {
            let name = User.canonicalName(name)
            try await withStore(try common.settings()) { try await $0.deleteUser(name: name) }
            Console.line("Deleted user \(name)")
        }
    }

    struct Passwd: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Set an account's password.")
        @OptionGroup var common: CommonOptions
        @Argument(help: "The user name.") var name: String
        @Flag(name: .customLong("password-stdin"), help: "Read the password from the first line of standard input.")
        var passwordFromStdin = false

        func run() async throws {
            let settings = try common.settings()
            let name = User.canonicalName(name)
            let password = try PasswordInput.read(fromStdin: passwordFromStdin, confirm: true)
            let credentials = try PasswordCredentials(password: password, iterations: settings.server.passwordIterations)
            try await withStore(settings) { try await $0.setCredentials(credentials, forUser: name) }
            Console.line("Changed the password of \(name)")
        }
    }
}

/// Opens the store of the settings' data directory for one administrative action, turning
/// store errors into messages for people.
private func withStore<T>(_ settings: Settings, _ body: (SQLiteMailStore) async throws -> T) async throws -> T {
    let store = try SQLiteMailStore(directory: settings.dataDirectory)
    defer { store.close() }
    do {
        return try await body(store)
    } catch MailStoreError.userExists(let name) {
        throw SettingsError("user \(name) already exists")
    } catch MailStoreError.userNotFound(let name) {
        throw SettingsError("no user \(name)")
    }
}

enum UserNames {
    static func isValid(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 255 && name.unicodeScalars.allSatisfy { scalar in
            scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || ".-_+@".unicodeScalars.contains(scalar)
        }
    }

    static func validated(_ name: String) throws -> String {
        guard isValid(name) else {
            throw ValidationError("a user name is 1–255 letters, digits or . _ - + @")
        }
        return User.canonicalName(name)
    }
}

/// Reads a new password without echoing it, or from standard input for scripts.
enum PasswordInput {
    static func read(fromStdin: Bool, confirm: Bool) throws -> String {
        if fromStdin {
            guard let line = readLine(strippingNewline: true), !line.isEmpty else {
                throw ValidationError("no password on standard input")
            }
            return line
        }
        guard isatty(STDIN_FILENO) == 1 else {
            throw ValidationError("standard input is not a terminal: use --password-stdin")
        }
        let first = try prompt("Password: ")
        guard !first.isEmpty else { throw ValidationError("the password is empty") }
        if confirm, try prompt("Again: ") != first { throw ValidationError("the passwords differ") }
        return first
    }

    private static func prompt(_ text: String) throws -> String {
        FileHandle.standardError.write(Data(text.utf8))
        var original = termios()
        tcgetattr(STDIN_FILENO, &original)
        var silent = original
        silent.c_lflag &= ~tcflag_t(ECHO)
        tcsetattr(STDIN_FILENO, TCSANOW, &silent)
        defer {
            tcsetattr(STDIN_FILENO, TCSANOW, &original)
            FileHandle.standardError.write(Data("\n".utf8))
        }
        return readLine(strippingNewline: true) ?? ""
    }
}
