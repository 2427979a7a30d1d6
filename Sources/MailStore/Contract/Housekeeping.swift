/// Work a store needs done from time to time, apart from any session: what the server's
/// background jobs call (DESIGN: services, background jobs). Every call is idempotent, so
/// that several nodes sharing one store may all run it.
public protocol Housekeeping: Sendable {
    /// Forgets the ghosts of messages expunged before `cutoff` (seconds since 1970; see
    /// `MessageStore`) and removes the blobs that neither a message nor a ghost references
    /// any more. Returns how many ghosts were forgotten.
    ///
    /// A ghost lets a session that has not yet been told of an expunge fetch the message
    /// (RFC 2180 §4.1.1). A session is told at its next command other than FETCH, STORE or
    /// SEARCH (RFC 3501 §7.4.1), or at once in IDLE, and is logged out after the autologout
    /// timer (§5.4): the caller picks a cutoff older than that.
    @discardableResult
    func purgeGhosts(expungedBefore cutoff: Int64) async throws -> Int

    /// Forgets the `DeliveryLedger` records that expired at or before `now` (seconds since
    /// 1970). Returns how many were forgotten.
    @discardableResult
    func purgeExpiredLedgerRecords(now: Int64) async throws -> Int
}
