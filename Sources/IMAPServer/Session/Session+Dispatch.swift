import IMAPSyntax

extension Session {
    /// Runs a command's handler (one handler per command, in `Handlers/`). Most answer at
    /// once; AUTHENTICATE and IDLE may go on with client lines.
    func dispatch(_ command: Command, tag: Tag) async throws -> CommandStep {
        switch command {
        case .capability: return .done(capability())
        case .noop: return .done(.ok("NOOP completed"))
        case .logout: return .done(logout())
        case .login(let username, let password): return .done(try await login(username, password))
        case .authenticate(let mechanism, let initial):
            return try await authenticate(tag: tag, mechanism: mechanism, initialResponse: initial)
        case .select(let name, let parameters): return .done(try await select(name, parameters, readOnly: false))
        case .examine(let name, let parameters): return .done(try await select(name, parameters, readOnly: true))
        case .create(let name, let specialUse): return .done(try await create(name, specialUse: specialUse))
        case .delete(let name): return .done(try await delete(name))
        case .rename(let from, let to): return .done(try await rename(from: from, to: to))
        case .subscribe(let name): return .done(try await subscribe(name, true))
        case .unsubscribe(let name): return .done(try await subscribe(name, false))
        case .list(let arguments): return .done(try await list(arguments))
        case .lsub(let reference, let pattern): return .done(try await lsub(reference: reference, pattern: pattern))
        case .status(let name, let attributes): return .done(try await status(name, attributes))
        case .check: return .done(.ok("CHECK completed"))
        case .close: return .done(try await close())
        case .unselect: return .done(unselect())
        case .expunge: return .done(try await expunge(uids: nil))
        case .uidExpunge(let set): return .done(try await expunge(uids: set))
        case .fetch(let arguments): return .done(try await fetch(arguments))
        case .store(let arguments): return .done(try await storeFlags(arguments))
        case .copy(let set, let mailbox, let byUID): return .done(try await copy(set, to: mailbox, byUID: byUID))
        case .id(let fields): return .done(id(fields))
        case .enable(let names): return .done(enable(names))
        case .namespace: return .done(namespace())
        case .idle: return try await idle(tag: tag)
        case .move(let set, let mailbox, let byUID): return .done(try await move(set, to: mailbox, byUID: byUID))
        case .search(let arguments): return .done(try await search(arguments, tag: tag))
        case .sort(let arguments): return .done(try await sort(arguments, tag: tag))
        case .thread(let arguments): return .done(try await thread(arguments, tag: tag))
        case .cancelUpdate(let tags): return .done(cancelUpdate(tags))
        case .starttls: return .done(startTLS())
        case .compress(let algorithm): return .done(compress(algorithm: algorithm))
        case .unauthenticate: return .done(unauthenticate())
        case .getQuota(let root): return .done(try await getQuota(root: root))
        case .getQuotaRoot(let name): return .done(try await getQuotaRoot(name))
        case .setQuota(let root, let limits): return .done(setQuota(root: root, limits: limits))
        case .getMetadata(let arguments): return .done(try await getMetadata(arguments))
        case .setMetadata(let mailbox, let entries): return .done(try await setMetadata(mailbox, entries))
        case .notify(let command): return .done(try await notify(command))
        case .accessControl(let command): return .done(try await accessControl(command))
        }
    }
}
