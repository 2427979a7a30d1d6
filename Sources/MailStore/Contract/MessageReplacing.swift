public import MailCore

/// REPLACE and UID REPLACE (RFC 8508 §3.4): one message replaced by a new one in a single
/// step, as if by APPEND, `STORE +FLAGS.SILENT \Deleted` and `UID EXPUNGE` of that message
/// alone, without the intermediate states.
public protocol MessageReplacing: Sendable {
    /// Appends `message` to `destination` and expunges `uid` from `source` (whatever its
    /// flags), all or nothing: another session sees both changes or neither. The expunge
    /// leaves a tombstone and a ghost like any other (RFC 8508 §4.5, RFC 2180 §4.1.1). The
    /// quota is checked on the net change (§3.4: "only the net quota consumption is
    /// considered"). Throws `messagesExpunged` if `uid` is no longer in `source`, and what
    /// `append` throws.
    func replace(_ uid: UID, in source: MailboxID, with message: NewMessage, to destination: MailboxID,
                 as principal: Principal) async throws -> AppendResult
}
