public import MailCore
public import MailStore

/// Sieve scripts, the filtering log and the delivery ledger, kept in each account's
/// `UserEntry`, so that they go with the account. Names and keys compare byte for byte
/// (`BinaryName`), as the SQLite backend's BINARY collation does.
extension InMemoryMailStore {
    public func sieveScripts(of user: UserID) async throws -> [SieveScriptInfo] {
        state.withLock { state in
            guard let entry = state.users[user] else { return [] }
            return entry.sieveScripts.sorted { $0.key < $1.key }.map {
                SieveScriptInfo(name: $0.key.string, isActive: $0.key == entry.activeSieveScript,
                                size: $0.value.count)
            }
        }
    }

    public func sieveScript(named name: String, of user: UserID) async throws -> [UInt8]? {
        state.withLock { $0.users[user]?.sieveScripts[BinaryName(name)] }
    }

    public func putSieveScript(named name: String, content: [UInt8], of user: UserID) async throws {
        try withUser(user) { entry in entry.sieveScripts[BinaryName(name)] = content }
    }

    public func deleteSieveScript(named name: String, of user: UserID) async throws {
        try withUser(user) { entry in
            let key = BinaryName(name)
            guard entry.sieveScripts[key] != nil else { throw MailStoreError.sieveScriptNotFound(name) }
            guard entry.activeSieveScript != key else { throw MailStoreError.sieveScriptActive(name) }
            entry.sieveScripts[key] = nil
        }
    }

    public func renameSieveScript(named name: String, to newName: String, of user: UserID) async throws {
        try withUser(user) { entry in
            let old = BinaryName(name), new = BinaryName(newName)
            guard let content = entry.sieveScripts[old] else { throw MailStoreError.sieveScriptNotFound(name) }
            if old == new { return }
            guard entry.sieveScripts[new] == nil else { throw MailStoreError.sieveScriptExists(newName) }
            entry.sieveScripts[old] = nil
            entry.sieveScripts[new] = content
            if entry.activeSieveScript == old { entry.activeSieveScript = new }
        }
    }

    public func activateSieveScript(named name: String?, of user: UserID) async throws {
        try withUser(user) { entry in
            guard let name else {
                entry.activeSieveScript = nil
                return
            }
            guard entry.sieveScripts[BinaryName(name)] != nil else { throw MailStoreError.sieveScriptNotFound(name) }
            entry.activeSieveScript = BinaryName(name)
        }
    }

    public func activeSieveScript(of user: UserID) async throws -> (name: String, content: [UInt8])? {
        state.withLock { state in
            guard let entry = state.users[user], let active = entry.activeSieveScript,
                  let content = entry.sieveScripts[active]
            else { return nil }
            return (name: active.string, content: content)
        }
    }

    public func appendSieveLog(_ text: String, of user: UserID, at date: Int64) async throws {
        try withUser(user) { entry in
            entry.sieveLog.append(SieveLogEntry(date: date, text: text))
            let excess = entry.sieveLog.count - SieveLogEntry.capacity
            if excess > 0 { entry.sieveLog.removeFirst(excess) }
        }
    }

    public func sieveLog(of user: UserID) async throws -> [SieveLogEntry] {
        state.withLock { $0.users[user]?.sieveLog ?? [] }
    }

    // MARK: Delivery ledger

    public func claim(_ key: String, for user: UserID, until expiry: Int64, now: Int64) async throws -> Bool {
        try withUser(user) { entry in
            if let existing = entry.ledger[BinaryName(key)], existing > now { return false }
            entry.ledger[BinaryName(key)] = expiry
            return true
        }
    }

    public func isClaimed(_ key: String, for user: UserID, now: Int64) async throws -> Bool {
        state.withLock { state in
            guard let expiry = state.users[user]?.ledger[BinaryName(key)] else { return false }
            return expiry > now
        }
    }

    public func release(_ key: String, for user: UserID) async throws {
        state.withLock { state in _ = state.users[user]?.ledger.removeValue(forKey: BinaryName(key)) }
    }

    @discardableResult
    public func purgeExpiredLedgerRecords(now: Int64) async throws -> Int {
        state.withLock { state in
            var purged = 0
            for index in state.users.indices {
                let before = state.users.values[index].ledger.count
                state.users.values[index].ledger = state.users.values[index].ledger.filter { $0.value > now }
                purged += before - state.users.values[index].ledger.count
            }
            return purged
        }
    }

    /// Runs `body` on the account's entry in place, in one critical section; throws
    /// `userNotFound` if there is no such account.
    private func withUser<T>(_ user: UserID, _ body: (inout UserEntry) throws -> T) throws -> T {
        try state.withLock { state in
            guard let index = state.users.index(forKey: user) else {
                throw MailStoreError.userNotFound(String(user.rawValue))
            }
            return try body(&state.users.values[index])
        }
    }
}
