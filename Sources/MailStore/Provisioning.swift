public import MailCore

extension MailStore {
    /// The mailboxes every new account gets besides INBOX, with their special use
    /// (RFC 6154 §2), so that every client finds the same Drafts, Sent and Trash.
    public static var standardMailboxes: [(name: String, use: SpecialUse)] {
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
