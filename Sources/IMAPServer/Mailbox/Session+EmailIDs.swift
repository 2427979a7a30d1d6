import MailCore
import MailStore

extension Session {
    /// How this session names messages in EMAILID (RFC 8474 §5.1): per owner of the selected
    /// mailbox (or of the session's own mailboxes), with the installation's key.
    var emailIDs: EmailIDs {
        EmailIDs(key: environment.emailIDKey.value,
                 owner: state.selected?.record.owner ?? state.user?.id ?? UserID(rawValue: 0))
    }
}
