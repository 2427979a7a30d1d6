import IMAPSyntax
import MailCore
import MailStore

/// The four states of an IMAP connection (RFC 9051 §3), each carrying what it needs.
enum SessionState {
    case notAuthenticated
    case authenticated(User)
    case selected(User, SelectedMailbox)
    case logout

    var user: User? {
        switch self {
        case .authenticated(let user), .selected(let user, _): return user
        case .notAuthenticated, .logout: return nil
        }
    }

    var selected: SelectedMailbox? {
        if case .selected(_, let mailbox) = self { return mailbox }
        return nil
    }
}

/// In which states a command is valid (RFC 9051 §6.1–§6.4).
enum CommandScope {
    case any
    case notAuthenticated
    /// Authenticated or selected.
    case authenticated
    case selected

    func allows(_ state: SessionState) -> Bool {
        switch (self, state) {
        case (_, .logout): return false
        case (.any, _): return true
        case (.notAuthenticated, .notAuthenticated): return true
        case (.authenticated, .authenticated), (.authenticated, .selected): return true
        case (.selected, .selected): return true
        default: return false
        }
    }

    /// The reason given when a command comes in the wrong state.
    var refusal: String {
        switch self {
        case .any: return "Not allowed now"
        case .notAuthenticated: return "Already authenticated"
        case .authenticated: return "Log in first"
        case .selected: return "Select a mailbox first"
        }
    }
}

/// The command registry: for each command its valid states, and whether untagged EXPUNGE
/// responses may follow it (RFC 3501 §7.4.1: never during FETCH, STORE or SEARCH; the UID
/// forms allow them).
enum CommandRegistry {
    static func scope(of command: Command) -> CommandScope {
        switch command {
        case .capability, .noop, .logout, .id:
            return .any
        case .starttls, .authenticate, .login:
            return .notAuthenticated
        case .enable, .select, .examine, .create, .delete, .rename, .subscribe, .unsubscribe,
             .list, .lsub, .namespace, .status, .idle:
            return .authenticated
        case .check, .close, .unselect, .expunge, .uidExpunge, .search, .fetch, .store, .copy, .move:
            return .selected
        }
    }

    static func allowsExpungeResponses(after command: Command) -> Bool {
        switch command {
        case .fetch(let c): return c.byUID
        case .store(let c): return c.byUID
        case .search(let c): return c.byUID
        default: return true
        }
    }
}
