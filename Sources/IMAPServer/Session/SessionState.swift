import IMAPSyntax
import MailCore
import MailStore

/// The four states of an IMAP connection (RFC 9051 §3), each carrying what it needs.
enum SessionState {
    case notAuthenticated
    case authenticated(UserSession)
    case selected(UserSession, SelectedMailbox)
    case logout

    var session: UserSession? {
        switch self {
        case .authenticated(let session), .selected(let session, _): return session
        case .notAuthenticated, .logout: return nil
        }
    }

    var user: User? { session?.user }

    var selected: SelectedMailbox? {
        if case .selected(_, let mailbox) = self { return mailbox }
        return nil
    }

    /// Changes what the logged-in session carries, in whichever of the two states it is.
    mutating func updateSession(_ change: (inout UserSession) -> Void) {
        switch self {
        case .authenticated(var session):
            change(&session)
            self = .authenticated(session)
        case .selected(var session, let mailbox):
            change(&session)
            self = .selected(session, mailbox)
        case .notAuthenticated, .logout:
            break
        }
    }
}

/// What a logged-in session carries from login to logout: who acts, and the extensions the
/// client turned on (RFC 5161 ENABLE; RFC 7162 §3.1 CONDSTORE enabling commands).
struct UserSession {
    let user: User
    /// Extensions enabled with ENABLE, upper case.
    var enabled: Set<String> = []
    /// A CONDSTORE enabling command was issued (RFC 7162 §3.1): FETCH responses carry MODSEQ.
    var condstoreInUse = false

    init(user: User) {
        self.user = user
    }

    /// The principal every store call of this session names.
    var principal: Principal { .user(user.id) }
}

/// What the connection is waiting for from the client: one value, so that no two waits can
/// overlap (an APPEND literal during IDLE, a SASL response during a TLS switch).
enum SessionMode {
    /// The next command.
    case command
    /// The message literals of an APPEND, and the rest of its command line (RFC 3502).
    case appending(AppendInProgress)
    /// AUTHENTICATE's next client response (RFC 9051 §6.2.2).
    case authenticating(tag: Tag, SASLState)
    /// IDLE's `DONE` (RFC 2177 §3); changes are pushed meanwhile. `failure` is the answer owed
    /// if catching up on a change failed.
    case idling(tag: Tag, lastKeepalive: ContinuousClock.Instant, failure: CommandOutcome?)
    /// A new transport layer is being put in place (STARTTLS): bytes read until it is there
    /// were sent before it and are dropped (RFC 2595 §3.1).
    case switchingTransport(TransportLayer)
    /// `* BYE` went out; the connection closes once the output is flushed.
    case closed

    var isIdling: Bool {
        if case .idling = self { return true }
        return false
    }

    /// Whether unsolicited responses may go out now (waiting for a command, or in IDLE), not in
    /// the middle of an APPEND, an AUTHENTICATE exchange or a transport switch.
    var acceptsNotifications: Bool {
        switch self {
        case .command, .idling: return true
        case .appending, .authenticating, .switchingTransport, .closed: return false
        }
    }

    var isClosed: Bool {
        if case .closed = self { return true }
        return false
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
/// responses may follow it (RFC 3501 §7.4.1: never during FETCH, STORE or SEARCH, nor SORT
/// and THREAD, RFC 5256 §3; the UID forms allow them).
enum CommandRegistry {
    static func scope(of command: Command) -> CommandScope {
        switch command {
        case .capability, .noop, .logout, .id:
            return .any
        case .starttls, .authenticate, .login:
            return .notAuthenticated
        case .enable, .select, .examine, .create, .delete, .rename, .subscribe, .unsubscribe,
             .list, .lsub, .namespace, .status, .idle, .compress, .unauthenticate,
             .getQuota, .getQuotaRoot, .setQuota, .getMetadata, .setMetadata, .notify, .accessControl:
            return .authenticated
        case .check, .close, .unselect, .expunge, .uidExpunge, .search, .sort, .thread, .fetch, .store, .copy, .move,
             .cancelUpdate:
            return .selected
        }
    }

    /// Whether the command names messages by UID (RFC 3501 §6.4.8, RFC 4315, RFC 6851): a
    /// client may act on a UID it learned elsewhere (APPENDUID on another connection), so new
    /// messages are announced (EXISTS may come at any time, RFC 3501 §7.3.1) before it runs.
    static func namesMessagesByUID(_ command: Command) -> Bool {
        switch command {
        case .fetch(let c): return c.byUID
        case .store(let c): return c.byUID
        case .search(let c): return c.byUID
        case .sort(let c): return c.byUID
        case .thread(let c): return c.byUID
        case .copy(_, _, let byUID), .move(_, _, let byUID): return byUID
        case .uidExpunge: return true
        default: return false
        }
    }

    static func allowsExpungeResponses(after command: Command) -> Bool {
        switch command {
        case .fetch(let c): return c.byUID
        case .store(let c): return c.byUID
        case .search(let c): return c.byUID
        case .sort(let c): return c.byUID  // RFC 5256 §3: not during SORT, allowed in UID SORT
        case .thread(let c): return c.byUID
        default: return true
        }
    }
}
