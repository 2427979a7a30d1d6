import IMAPSyntax
import MailCore
import MailStore

/// What a command handler decides: the tagged response the session sends after catching up
/// on other sessions' changes (so untagged updates come before the tagged completion).
struct CommandOutcome {
    var status: ResponseStatus
    var code: ResponseCode?
    var text: String
    /// Whether unsolicited FETCH responses that follow should carry UID (UID commands).
    var includeUIDInUpdates = false
    /// The command is not complete yet (it waits for a continuation line or more literals):
    /// no tagged response now.
    var deferred = false

    static func ok(_ text: String, code: ResponseCode? = nil) -> CommandOutcome {
        CommandOutcome(status: .ok, code: code, text: text)
    }

    static func no(_ text: String, code: ResponseCode? = nil) -> CommandOutcome {
        CommandOutcome(status: .no, code: code, text: text)
    }

    static func bad(_ text: String, code: ResponseCode? = nil) -> CommandOutcome {
        CommandOutcome(status: .bad, code: code, text: text)
    }

    /// The command continues with client lines; its handler will answer later.
    static let deferred = CommandOutcome(status: .ok, code: nil, text: "", deferred: true)

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
        }
    }

    init(status: ResponseStatus, code: ResponseCode?, text: String,
         includeUIDInUpdates: Bool = false, deferred: Bool = false) {
        self.status = status
        self.code = code
        self.text = text
        self.includeUIDInUpdates = includeUIDInUpdates
        self.deferred = deferred
    }
}

/// A handler's early exit with a complete outcome (e.g. a bad mailbox name).
struct CommandError: Error {
    var outcome: CommandOutcome
    init(_ outcome: CommandOutcome) { self.outcome = outcome }
    static func bad(_ text: String, code: ResponseCode? = nil) -> CommandError { CommandError(.bad(text, code: code)) }
    static func no(_ text: String, code: ResponseCode? = nil) -> CommandError { CommandError(.no(text, code: code)) }
}
