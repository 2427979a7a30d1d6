public import MailCore

/// Short-lived per-user records of delivery: duplicate suppression (key "dup:<message-id>")
/// and vacation tracking (key "vacation:<handle>:<address>", RFC 5230 §4.2). Deleting a user
/// removes its records; `Housekeeping.purgeExpiredLedgerRecords` forgets expired ones.
public protocol DeliveryLedger: Sendable {
    /// Records `key` for `user` until `expiry` (seconds since 1970). Returns false, changing
    /// nothing, when an unexpired record of the key exists (expired ones are replaced).
    func claim(_ key: String, for user: UserID, until expiry: Int64, now: Int64) async throws -> Bool
    /// Whether an unexpired record of `key` exists.
    func isClaimed(_ key: String, for user: UserID, now: Int64) async throws -> Bool
    /// Forgets a record (a delivery that claimed it then failed).
    func release(_ key: String, for user: UserID) async throws
}
