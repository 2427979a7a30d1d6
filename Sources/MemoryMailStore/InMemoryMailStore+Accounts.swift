import MailCore
public import MailStore

/// Stored credentials that do not decode (`PasswordCredentials(encoded:)` refuses them).
struct MalformedCredentials: Error, CustomStringConvertible {
    var user: String
    var description: String { "stored credentials of user \(user) are malformed" }
}

extension InMemoryMailStore {
    /// Creates the account with its INBOX (RFC 9051 §5.1: every user has one). The name is
    /// stored as given: the caller canonicalises it (`User.canonicalName`).
    public func addUser(name: String, credentials: PasswordCredentials) async throws -> User {
        let now = Self.now()
        return try state.withLock { state in
            guard state.userIDs[BinaryName(name)] == nil else { throw MailStoreError.userExists(name) }
            let uidValidity = try state.allocateUIDValidities(1, now: now)[0]
            state.lastUserID += 1
            let user = User(id: UserID(rawValue: state.lastUserID), name: name)
            state.users[user.id] = UserEntry(user: user, credentials: credentials.encoded)
            state.userIDs[BinaryName(name)] = user.id
            state.insertMailbox(owner: user.id, name: "INBOX", selectable: true, specialUse: nil,
                                uidValidity: uidValidity)
            return user
        }
    }

    /// Removes the account with its mailboxes, messages and subscriptions, then the blobs no
    /// one else references; sessions with one of its mailboxes selected are told, mailbox by
    /// mailbox in name order.
    public func deleteUser(name: String) async throws {
        let removed: [MailboxID] = try state.withLock { state in
            guard let id = state.userIDs[BinaryName(name)],
                  let mailboxes = state.users[id]?.mailboxes.sorted(by: { $0.key < $1.key }).map(\.value)
            else { throw MailStoreError.userNotFound(name) }
            state.userIDs[BinaryName(name)] = nil
            state.users[id] = nil
            for mailbox in mailboxes { state.removeMailbox(mailbox) }
            state.removeAccessEntries(of: name)
            state.metadata.removeUser(id)
            return mailboxes
        }
        post(removed)
    }

    public func users() async throws -> [User] {
        state.withLock { state in
            // The owner of public folders is no account (`AccessGate.publicOwnerName`).
            state.userIDs.sorted { $0.key < $1.key }.compactMap { state.users[$0.value]?.user }
                .filter { $0.name != AccessGate.publicOwnerName }
        }
    }

    public func user(named name: String) async throws -> User? {
        state.withLock { state in state.userIDs[BinaryName(name)].flatMap { state.users[$0]?.user } }
    }

    public func credentials(forUser name: String) async throws -> (User, PasswordCredentials)? {
        let found: (User, String)? = state.withLock { state in
            guard let id = state.userIDs[BinaryName(name)], let entry = state.users[id] else { return nil }
            return (entry.user, entry.credentials)
        }
        guard let (user, encoded) = found else { return nil }
        guard let credentials = PasswordCredentials(encoded: encoded) else { throw MalformedCredentials(user: name) }
        return (user, credentials)
    }

    public func setCredentials(_ credentials: PasswordCredentials, forUser name: String) async throws {
        try state.withLock { state in
            guard let id = state.userIDs[BinaryName(name)], let index = state.users.index(forKey: id) else {
                throw MailStoreError.userNotFound(name)
            }
            state.users.values[index].credentials = credentials.encoded
        }
    }

    /// Compares and replaces under the one lock (a re-key never undoes a password change).
    public func replaceCredentials(_ expected: PasswordCredentials, with replacement: PasswordCredentials,
                                   forUser name: String) async throws -> Bool {
        state.withLock { state in
            guard let id = state.userIDs[BinaryName(name)], let index = state.users.index(forKey: id),
                  state.users.values[index].credentials == expected.encoded
            else { return false }
            state.users.values[index].credentials = replacement.encoded
            return true
        }
    }

    /// Made of random bytes at the first call and kept for the store's lifetime.
    public func secret(named name: String) async throws -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        let fresh = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return state.withLock { state in
            if let existing = state.secrets[name] { return existing }
            state.secrets[name] = fresh
            return fresh
        }
    }
}
