public import IMAPSyntax

extension MailStore {
    /// The mailboxes every new account gets besides INBOX, with their special use
    /// (RFC 6154 §2), so that every client finds the same Drafts, Sent and Trash.
    public static var standardMailboxes: [(name: String, use: MailboxAttribute)] {
        [("Drafts", .drafts), ("Sent", .sent), ("Trash", .trash), ("Junk", .junk), ("Archive", .archive)]
    }

    /// Creates an account with INBOX and the standard special-use mailboxes, all subscribed.
    public func provisionAccount(name: String, credentials: PasswordCredentials) async throws -> User {
        let user = try await addUser(name: name, credentials: credentials)
        try await setSubscribed(true, name: "INBOX", of: user.id)
        for (mailbox, use) in Self.standardMailboxes {
            _ = try await createMailbox(named: mailbox, of: user.id, specialUse: use)
            try await setSubscribed(true, name: mailbox, of: user.id)
        }
        return user
    }
}

extension MailStore {
    /// The account a client names at login and its credentials: the name in its canonical
    /// form (RFC 8265 §3.3, `User.canonicalName`); nil if there is no such user or the name
    /// is not a valid user name.
    public func credentials(forLogin name: String) async throws -> (User, PasswordCredentials)? {
        guard let canonical = User.canonicalName(name) else { return nil }
        return try await credentials(forUser: canonical)
    }
}
