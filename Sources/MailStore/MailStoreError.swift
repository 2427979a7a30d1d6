public import MailCore

/// Every way a store operation can fail that a client should hear about. The server maps each
/// to one IMAP response code in one place (RFC 5530); anything else is a `SERVERBUG`.
public enum MailStoreError: Error, Hashable, Sendable {
    /// The named mailbox does not exist (`[NONEXISTENT]`, or `[TRYCREATE]` for APPEND/COPY/MOVE).
    case mailboxNotFound(String)
    /// The mailbox exists but is a `\Noselect` placeholder.
    case mailboxNotSelectable(String)
    /// CREATE or RENAME onto an existing name (`[ALREADYEXISTS]`).
    case mailboxExists(String)
    /// DELETE of a `\Noselect` mailbox that has children (RFC 3501 §6.3.4, `[HASCHILDREN]`).
    case mailboxHasChildren(String)
    /// An operation on INBOX that the RFC forbids (DELETE INBOX, RENAME onto INBOX): `[CANNOT]`.
    case inboxOperationNotAllowed
    /// RENAME of a mailbox into its own subtree: `[CANNOT]`.
    case renameIntoItself
    /// A selected mailbox was deleted under the session.
    case mailboxDeleted
    /// The principal may not do this to the mailbox (`[NOPERM]`, RFC 4314 §4).
    case permissionDenied
    case userNotFound(String)
    case userExists(String)
    /// Messages a command named by sequence number were expunged by another session before
    /// the command ran; nothing was done (RFC 2180 §4.4.1, `[EXPUNGEISSUED]`).
    case messagesExpunged
    /// The mailbox ran out of UIDs (2^32 - 1): `[LIMIT]`.
    case uidSpaceExhausted
    /// A blob that a message or a ghost still references is missing or unreadable: real
    /// damage, `[CORRUPTION]` (an expunge by another session is not: the ghost keeps the
    /// bytes, RFC 2180 §4.1.1).
    case blobMissing(BlobID)
    /// A `literal8` message holds a NUL byte that no re-encoding can carry (in a header, say):
    /// `[UNKNOWN-CTE]`, as RFC 3516 §4.4 answers binary content a store cannot keep.
    case binaryContentNotStorable(offset: Int)
    /// SETMETADATA over a limit, or private entries where there are none (RFC 5464 §4.3).
    case metadataRefused(MetadataRefusal)
    /// No Sieve script of that name (ManageSieve `NO (NONEXISTENT)`, RFC 5804 §1.3).
    case sieveScriptNotFound(String)
    /// A Sieve script of that name exists already (`NO (ALREADYEXISTS)`, RFC 5804 §2.11.1).
    case sieveScriptExists(String)
    /// The active Sieve script cannot be deleted (`NO (ACTIVE)`, RFC 5804 §2.10).
    case sieveScriptActive(String)
    /// The change would take the owner's quota past a limit (RFC 9208 §4.3.1 `[OVERQUOTA]`;
    /// LMTP `552 5.2.2` / `452 4.2.2`, RFC 3463).
    case overQuota(QuotaExceeded)
}
