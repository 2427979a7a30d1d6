import MailStore

/// Drops a second delivery of one message to one user within the configured window
/// (`[lmtp] duplicate_window`), by Message-ID, as Dovecot's duplicate database does: an MTA
/// that retries after a lost connection must not file the message twice. The record lives in
/// the store's `DeliveryLedger` under `dup:<message-id>`.
struct DuplicateSuppression: Sendable {
    let configuration: DeliveryConfiguration
    let storage: MailStorage

    private func key(_ messageID: String?) -> String? {
        guard configuration.duplicateWindowSeconds > 0, let messageID, !messageID.isEmpty else { return nil }
        return "dup:" + messageID
    }

    /// True if the message was delivered to `user` within the window; otherwise records it
    /// (forgotten again with `forget` if this delivery fails).
    func isDuplicate(messageID: String?, for user: User, now: Int64) async throws -> Bool {
        guard let key = key(messageID) else { return false }
        let claimed = try await storage.ledger.claim(key, for: user.id, until: now + configuration.duplicateWindowSeconds,
                                                     now: now)
        return !claimed
    }

    /// Forgets the record made for a delivery that did not store the message.
    func forget(messageID: String?, for user: User) async {
        guard let key = key(messageID) else { return }
        try? await storage.ledger.release(key, for: user.id)
    }
}
