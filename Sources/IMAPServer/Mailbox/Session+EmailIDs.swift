import MailStore

extension Session {
    /// How this session names messages in EMAILID (RFC 8474 §5.1): per mailbox owner, which
    /// is the logged-in user (every mailbox a session reaches is its user's own).
    var emailIDs: EmailIDs {
        EmailIDs(key: server.emailIDKey.withLock { $0 }, owner: state.user?.id ?? UserID(rawValue: 0))
    }
}
