import IMAPSyntax
import MailCore
import MailStore

/// How a command ends: the tagged response the session sends after catching up on other
/// sessions' changes (so untagged updates come before the tagged completion), and what
/// happens to the connection then.
struct CommandOutcome {
    var status: ResponseStatus
    var code: ResponseCode?
    var text: String
    /// Whether unsolicited FETCH responses that follow should carry UID (UID commands).
    var includeUIDInUpdates = false
    /// Close the connection with `* BYE` and this text after the tagged response (RFC 9051
    /// §7.1.5), e.g. after too many failed logins.
    var closeConnection: String?
    /// Put this layer under the session right after the tagged response (STARTTLS).
    var switchTransport: TransportLayer?

    static func ok(_ text: String, code: ResponseCode? = nil) -> CommandOutcome {
        CommandOutcome(status: .ok, code: code, text: text)
    }

    static func no(_ text: String, code: ResponseCode? = nil) -> CommandOutcome {
        CommandOutcome(status: .no, code: code, text: text)
    }

    static func bad(_ text: String, code: ResponseCode? = nil) -> CommandOutcome {
        CommandOutcome(status: .bad, code: code, text: text)
    }

    /// Storage errors mapped to response codes in one place (RFC 5530, RFC 9051 §7.1).
    init(_ error: MailStoreError) {
        switch error {
        case .mailboxNotFound(let name):
            self = .no("Mailbox does not exist: \(name)", code: .nonExistent)
        case .mailboxNotSelectable(let name):
            self = .no("Mailbox cannot be selected: \(name)", code: .cannot)
        case .mailboxExists(let name):
            self = .no("Mailbox already exists: \(name)", code: .alreadyExists)
        case .mailboxHasChildren(let name):
            self = .no("Mailbox has inferior hierarchical names: \(name)", code: .hasChildren)
        case .inboxOperationNotAllowed:
            self = .no("Not allowed on INBOX", code: .cannot)
        case .renameIntoItself:
            self = .no("Cannot rename a mailbox into itself", code: .cannot)
        case .mailboxDeleted:
            self = .no("Mailbox has been deleted", code: .nonExistent)
        case .permissionDenied:
            self = .no("Permission denied", code: .noPerm)
        case .userNotFound, .userExists:
            self = .no("Account operation failed", code: .cannot)
        case .messagesExpunged:
            self = .no("Some messages were expunged by another session", code: .expungeIssued)
        case .uidSpaceExhausted:
            self = .no("Mailbox has run out of UIDs", code: .limit)
        case .blobMissing:
            self = .no("Message data is missing", code: .corruption)
        case .binaryContentNotStorable(let offset):
            self = .no("NUL byte at offset \(offset) outside any part that can be re-encoded", code: .unknownCTE)
        case .overQuota(let exceeded):
            // RFC 9208 §4.3.1; the text as Dovecot's ("Quota exceeded (mailbox for user is full)").
            self = .no("Quota exceeded (\(exceeded.resource.rawValue) limit reached)", code: .overQuota)
        case .metadataRefused(let refusal):
            self = Self.metadataRefused(refusal)
        case .sieveScriptNotFound, .sieveScriptExists, .sieveScriptActive:
            // Sieve scripts are ManageSieve's (RFC 5804); no IMAP command reaches them.
            self = .no("Sieve script operation failed", code: .cannot)
        }
    }

    init(status: ResponseStatus, code: ResponseCode?, text: String) {
        self.status = status
        self.code = code
        self.text = text
    }
}

/// What a command handler hands back: the command is over, or it goes on with client lines.
enum CommandStep {
    /// Complete the command with this outcome.
    case done(CommandOutcome)
    /// Wait for a client line in this mode (AUTHENTICATE's next response, IDLE's DONE); the
    /// handler has sent the continuation request.
    case awaitLine(SessionMode)
}

/// A handler's early exit with a complete outcome (e.g. a bad mailbox name).
struct CommandError: Error {
    var outcome: CommandOutcome
    init(_ outcome: CommandOutcome) { self.outcome = outcome }
    static func bad(_ text: String, code: ResponseCode? = nil) -> CommandError { CommandError(.bad(text, code: code)) }
    static func no(_ text: String, code: ResponseCode? = nil) -> CommandError { CommandError(.no(text, code: code)) }
}
