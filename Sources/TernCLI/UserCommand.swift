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
        @Argument(help: "The user name (letters, digits, . _ - + @; case, width and Unicode form do not matter).")
        var name: String
        @Flag(name: .customLong("password-stdin"), help: "Read the password from the first line of standard input.")
        var passwordFromStdin = false

        func run() async throws {
            let settings = try common.settings()
            let name = try UserNames.validated(name)
            let password = try PasswordInput.read(fromStdin: passwordFromStdin, confirm: true)
            let credentials = try PasswordCredentials(password: password, iterations: settings.server.passwordIterations)
            try await withAdminStore(settings) { store in
                _ = try await MailStorage(store).provisionAccount(name: name, credentials: credentials,
                                                                   quota: settings.quota.defaultLimits)
            }
            Console.line("Created user \(name)")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the accounts.")
        @OptionGroup var common: CommonOptions

        func run() async throws {
            let users = try await withAdminStore(try common.settings()) { try await $0.users() }
            for user in users { Console.line(user.name) }
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete an account with all its mail.")
        @OptionGroup var common: CommonOptions
        @Argument(help: "The user name.") var name: String

        func run() async throws {
            let name = try UserNames.canonical(name)
            try await withAdminStore(try common.settings()) { try await $0.deleteUser(name: name) }
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
            let name = try UserNames.canonical(name)
            let password = try PasswordInput.read(fromStdin: passwordFromStdin, confirm: true)
            let credentials = try PasswordCredentials(password: password, iterations: settings.server.passwordIterations)
            try await withAdminStore(settings) { try await $0.setCredentials(credentials, forUser: name) }
            Console.line("Changed the password of \(name)")
        }
    }
}

/// Opens the store of the settings' data directory for one administrative action (`tern
/// user`, `tern quota`, `tern acl`, `tern mailbox`), turning store errors into messages for
/// people.
func withAdminStore<T>(_ settings: Settings, _ body: (SQLiteMailStore) async throws -> T) async throws -> T {
    let store = try SQLiteMailStore(directory: settings.dataDirectory)
    defer { store.close() }
    do {
        return try await body(store)
    } catch MailStoreError.userExists(let name) {
        throw SettingsError("user \(name) already exists")
    } catch MailStoreError.userNotFound(let name) {
        throw SettingsError("no user \(name)")
    } catch MailStoreError.mailboxNotFound(let name) {
        throw SettingsError("no mailbox \(name)")
    } catch MailStoreError.mailboxExists(let name) {
        throw SettingsError("mailbox \(name) exists already")
    }
}

/// Which user names an account may have: the PRECIS UsernameCaseMapped form (RFC 8265 §3.3,
/// `User.canonicalName`), and within it Tern's narrower policy (RFC 8264 §5.1 lets a
/// deployment restrict further): letters and digits of any script, the marks that go with
/// them, and `.` `_` `-` `+` `@`; no other ASCII punctuation (`/` is the mailbox hierarchy
/// delimiter, `*` and `%` are LIST wildcards), and no combining mark right after an ASCII
/// letter: after NFC such a pair has no precomposed form (`İ` lower-cases to `i` and U+0307)
/// and shows as a look-alike of the plain letter.
enum UserNames {
    /// The canonical form of a new account's name, or an error saying what a name may be.
    static func validated(_ name: String) throws -> String {
        guard let canonical = User.canonicalName(name), canonical.utf8.count <= 255,
              followsPolicy(canonical) else {
            throw ValidationError("a user name is 1–255 bytes of letters, digits or . _ - + @")
        }
        return canonical
    }

    /// The canonical form of an existing account's name (for delete and passwd).
    static func canonical(_ name: String) throws -> String {
        guard let canonical = User.canonicalName(name) else {
            throw ValidationError("\(name) is not a valid user name")
        }
        return canonical
    }

    private static func followsPolicy(_ canonical: String) -> Bool {
        var previous: Unicode.Scalar?
        for scalar in canonical.unicodeScalars {
            switch scalar.properties.generalCategory {
            case .lowercaseLetter, .uppercaseLetter, .otherLetter, .modifierLetter, .decimalNumber:
                break
            case .nonspacingMark, .spacingMark:
                guard let previous, !previous.isASCII else { return false }
            default:
                guard ".-_+@".unicodeScalars.contains(scalar) else { return false }
            }
            previous = scalar
        }
        return true
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
