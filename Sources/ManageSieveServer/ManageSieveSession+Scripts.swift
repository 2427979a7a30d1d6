import IMAPServer
import MailCore
import MailStore
import ManageSieveSyntax
import Sieve

extension ManageSieveSession {
    /// The commands of the authenticated state that work on the user's scripts (RFC 5804
    /// §2.5–§2.12): what they send, response included. Store errors map to response codes
    /// here, in one place; an unexpected one is `NO (TRYLATER)` and logged.
    func runScriptCommand(_ command: ManageSieveCommand, for user: User) async throws -> [UInt8] {
        var output: [UInt8] = []
        let response: ManageSieveResponse
        do {
            response = try await scriptCommand(command, for: user, output: &output)
        } catch let error as MailStoreError {
            output = []
            response = Self.answer(to: error)
        } catch {
            output = []
            logger.error("\(command.name) failed", metadata: ["error": "\(LoggedText(String(describing: error)))"])
            response = .no("Server error, try again later", code: .tryLater)
        }
        ManageSieveEncoder.response(response, into: &output)
        if response.status == .bye {
            // The account is gone (deleted while the session ran): the session ends.
            state = .loggedOut
            isFinished = true
        }
        return output
    }

    private func scriptCommand(_ command: ManageSieveCommand, for user: User,
                               output: inout [UInt8]) async throws -> ManageSieveResponse {
        let scripts = environment.storage.sieveScripts
        switch command {
        case .haveSpace(let name, let size):
            // §2.5: would a script of this name and size fit?
            if Int(size) > configuration.maxScriptSize { return tooLarge(Int(size)) }
            if let refusal = try await scriptCountRefusal(adding: name, for: user) { return refusal }
            return .ok()
        case .putScript(let name, let content):
            // §2.6: checked like CHECKSCRIPT, then within the quotas, then stored.
            if content.count > configuration.maxScriptSize { return tooLarge(content.count) }
            if let problem = compileProblem(content) { return problem }
            if let refusal = try await scriptCountRefusal(adding: name, for: user) { return refusal }
            try await scripts.putSieveScript(named: name, content: content, of: user.id)
            logger.info("script stored", metadata: ["script": "\(LoggedText(name))", "size": "\(content.count)"])
            return .ok("Script stored")
        case .checkScript(let content):
            // §2.12: no quota check.
            return compileProblem(content) ?? .ok("Script is valid")
        case .listScripts:
            for script in try await scripts.sieveScripts(of: user.id) {
                ManageSieveEncoder.scriptListing(script.name, active: script.isActive, into: &output)
            }
            return .ok("Listscripts completed")
        case .setActive(let name):
            try await scripts.activateSieveScript(named: name, of: user.id)
            return .ok(name == nil ? "No script is active" : "Script activated")
        case .getScript(let name):
            guard let content = try await scripts.sieveScript(named: name, of: user.id) else {
                throw MailStoreError.sieveScriptNotFound(name)
            }
            ManageSieveEncoder.literalLine(content, into: &output)
            return .ok("Getscript completed")
        case .deleteScript(let name):
            try await scripts.deleteSieveScript(named: name, of: user.id)
            return .ok("Script deleted")
        case .renameScript(let from, let to):
            try await scripts.renameSieveScript(named: from, to: to, of: user.id)
            return .ok("Script renamed")
        case .authenticate, .startTLS, .logout, .capability, .noop, .unauthenticate:
            return .no("Not a script command")
        }
    }

    /// The compiler's first error as RFC 5804 §2.6 asks ("line N: reason"), or nil if the
    /// script compiles with the delivery's limits and extensions.
    private func compileProblem(_ content: [UInt8]) -> ManageSieveResponse? {
        if content.isEmpty { return .no("line 1: empty script") }  // §2.6: "SHOULD be disallowed"
        do {
            _ = try SieveScript(compiling: content, limits: configuration.sieveLimits,
                                extensions: configuration.extensions)
            return nil
        } catch {
            return .no(error.description)
        }
    }

    private func tooLarge(_ size: Int) -> ManageSieveResponse {
        .no("Script of \(size) octets is larger than the limit of \(configuration.maxScriptSize)",
            code: .quotaMaxSize)
    }

    /// `NO (QUOTA/MAXSCRIPTS)` when storing `name` would add a script past the limit.
    private func scriptCountRefusal(adding name: String, for user: User) async throws -> ManageSieveResponse? {
        let existing = try await environment.storage.sieveScripts.sieveScripts(of: user.id)
        if existing.contains(where: { $0.name.utf8.elementsEqual(name.utf8) }) { return nil }
        guard existing.count < configuration.maxScripts else {
            return .no("At most \(configuration.maxScripts) scripts", code: .quotaMaxScripts)
        }
        return nil
    }

    /// Store errors as ManageSieve response codes (RFC 5804 §1.3).
    static func answer(to error: MailStoreError) -> ManageSieveResponse {
        switch error {
        case .sieveScriptNotFound(let name):
            return .no("There is no script named \(name)", code: .nonexistent)
        case .sieveScriptExists(let name):
            return .no("A script named \(name) already exists", code: .alreadyExists)
        case .sieveScriptActive(let name):
            return .no("Script \(name) is active; deactivate it first", code: .active)
        case .userNotFound:
            return .bye("Account deleted")
        default:
            return .no("Server error, try again later", code: .tryLater)
        }
    }
}
