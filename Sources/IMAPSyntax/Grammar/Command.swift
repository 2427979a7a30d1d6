public import MailCore

/// A client command tag (`tag` in RFC 9051 §9): any ASTRING-CHAR except `+`.
public typealias Tag = String

/// A fully parsed command with its tag (`command` in RFC 9051 §9). APPEND is not here: its
/// message literals are streamed, so the framer delivers it as `AppendEvent`s instead.
public struct TaggedCommand: Hashable, Sendable {
    public var tag: Tag
    public var command: Command
    public init(tag: Tag, command: Command) {
        self.tag = tag
        self.command = command
    }
}

/// Every command of RFC 3501 §6 and RFC 9051 §6, plus the extension commands and parameters
/// that the server implements or will implement (ID, ENABLE, MOVE, UID EXPUNGE, CONDSTORE and
/// QRESYNC parameters, LIST-EXTENDED, ESEARCH, CREATE-SPECIAL-USE).
public enum Command: Hashable, Sendable {
    // MARK: Any state (RFC 9051 §6.1)
    case capability
    case noop
    case logout
    /// `ID` (RFC 2971 §3.1): field/value pairs, or nil for `ID NIL`.
    case id([IDField]?)

    // MARK: Not authenticated (RFC 9051 §6.2)
    case starttls
    case authenticate(mechanism: String, initialResponse: SASLInitialResponse?)
    case login(username: String, password: String)

    // MARK: Authenticated (RFC 9051 §6.3)
    case enable([String])
    case select(MailboxName, SelectParameters)
    case examine(MailboxName, SelectParameters)
    case create(MailboxName, specialUse: [MailboxAttribute])
    case delete(MailboxName)
    case rename(from: MailboxName, to: MailboxName)
    case subscribe(MailboxName)
    case unsubscribe(MailboxName)
    case list(ListCommand)
    case lsub(reference: MailboxName, pattern: MailboxPattern)
    case namespace
    case status(MailboxName, [StatusAttribute])
    case idle
    /// `COMPRESS algorithm` (RFC 4978 §3), the algorithm's name upper case.
    case compress(algorithm: String)
    /// `UNAUTHENTICATE` (RFC 8437 §2).
    case unauthenticate
    /// `GETQUOTA quota-root-name` (RFC 9208 §4.1.1).
    case getQuota(root: String)
    /// `GETQUOTAROOT mailbox` (RFC 9208 §4.1.2).
    case getQuotaRoot(MailboxName)
    /// `SETQUOTA quota-root-name (resource limit ...)` (RFC 9208 §4.1.3).
    case setQuota(root: String, limits: [QuotaLimitRequest])
    /// `GETMETADATA` (RFC 5464 §4.2).
    case getMetadata(GetMetadataCommand)
    /// `SETMETADATA mailbox (entry value ...)` (RFC 5464 §4.3); an empty mailbox is the server.
    case setMetadata(MailboxName, [MetadataEntryValue])
    /// `NOTIFY SET ...` / `NOTIFY NONE` (RFC 5465 §3.1).
    case notify(NotifyCommand)
    /// SETACL, DELETEACL, GETACL, LISTRIGHTS, MYRIGHTS (RFC 4314 §3).
    case accessControl(AccessControlCommand)

    // MARK: Selected (RFC 9051 §6.4)
    case check
    case close
    case unselect
    case expunge
    /// `UID EXPUNGE` (RFC 4315 §2.1).
    case uidExpunge(SequenceSet)
    case search(SearchCommand)
    /// SORT and UID SORT (RFC 5256 §3, RFC 5267 §3, RFC 5957).
    case sort(SortCommand)
    /// THREAD and UID THREAD (RFC 5256 §3).
    case thread(ThreadCommand)
    case fetch(FetchCommand)
    case store(StoreCommand)
    case copy(SequenceSet, MailboxName, byUID: Bool)
    /// `MOVE` / `UID MOVE` (RFC 6851 §3).
    case move(SequenceSet, MailboxName, byUID: Bool)
    /// `CANCELUPDATE "tag" ...` (RFC 5267 §4.3.5).
    case cancelUpdate([Tag])

    /// The command name as a client would write it, for logs and responses.
    public var name: String {
        switch self {
        case .capability: return "CAPABILITY"
        case .noop: return "NOOP"
        case .logout: return "LOGOUT"
        case .id: return "ID"
        case .starttls: return "STARTTLS"
        case .authenticate: return "AUTHENTICATE"
        case .login: return "LOGIN"
        case .enable: return "ENABLE"
        case .select: return "SELECT"
        case .examine: return "EXAMINE"
        case .create: return "CREATE"
        case .delete: return "DELETE"
        case .rename: return "RENAME"
        case .subscribe: return "SUBSCRIBE"
        case .unsubscribe: return "UNSUBSCRIBE"
        case .list: return "LIST"
        case .lsub: return "LSUB"
        case .namespace: return "NAMESPACE"
        case .status: return "STATUS"
        case .idle: return "IDLE"
        case .compress: return "COMPRESS"
        case .unauthenticate: return "UNAUTHENTICATE"
        case .getQuota: return "GETQUOTA"
        case .getQuotaRoot: return "GETQUOTAROOT"
        case .setQuota: return "SETQUOTA"
        case .getMetadata: return "GETMETADATA"
        case .setMetadata: return "SETMETADATA"
        case .notify: return "NOTIFY"
        case .accessControl(let command): return command.name
        case .check: return "CHECK"
        case .close: return "CLOSE"
        case .unselect: return "UNSELECT"
        case .expunge: return "EXPUNGE"
        case .uidExpunge: return "UID EXPUNGE"
        case .search(let c): return c.byUID ? "UID SEARCH" : "SEARCH"
        case .sort(let c): return c.byUID ? "UID SORT" : "SORT"
        case .thread(let c): return c.byUID ? "UID THREAD" : "THREAD"
        case .fetch(let c): return c.byUID ? "UID FETCH" : "FETCH"
        case .store(let c): return c.byUID ? "UID STORE" : "STORE"
        case .copy(_, _, let byUID): return byUID ? "UID COPY" : "COPY"
        case .move(_, _, let byUID): return byUID ? "UID MOVE" : "MOVE"
        case .cancelUpdate: return "CANCELUPDATE"
        }
    }
}

/// One `field value` pair of the ID command (RFC 2971 §3.1); a NIL value is nil.
public struct IDField: Hashable, Sendable {
    public var name: String
    public var value: String?
    public init(name: String, value: String?) {
        self.name = name
        self.value = value
    }
}

/// `initial-resp` (RFC 4959 §3): `=` is an empty response, otherwise base64 text.
public enum SASLInitialResponse: Hashable, Sendable {
    case empty
    case base64(String)
}

/// `select-param` (RFC 7162 §3.1.8 CONDSTORE, §3.2.5 QRESYNC).
public struct SelectParameters: Hashable, Sendable {
    public var condstore: Bool
    public var qresync: QResyncParameters?
    public init(condstore: Bool = false, qresync: QResyncParameters? = nil) {
        self.condstore = condstore
        self.qresync = qresync
    }
}

/// `QRESYNC (uidvalidity modseq [known-uids] [seq-match-data])` (RFC 7162 §3.2.5).
public struct QResyncParameters: Hashable, Sendable {
    public var uidValidity: UIDValidity
    public var modSeq: ModSeq
    public var knownUIDs: SequenceSet?
    /// `(known-sequence-set known-uid-set)`.
    public var sequenceMatch: (sequences: SequenceSet, uids: SequenceSet)?

    public init(uidValidity: UIDValidity, modSeq: ModSeq, knownUIDs: SequenceSet? = nil,
                sequenceMatch: (sequences: SequenceSet, uids: SequenceSet)? = nil) {
        self.uidValidity = uidValidity
        self.modSeq = modSeq
        self.knownUIDs = knownUIDs
        self.sequenceMatch = sequenceMatch
    }

    public static func == (a: Self, b: Self) -> Bool {
        a.uidValidity == b.uidValidity && a.modSeq == b.modSeq && a.knownUIDs == b.knownUIDs
            && a.sequenceMatch?.sequences == b.sequenceMatch?.sequences
            && a.sequenceMatch?.uids == b.sequenceMatch?.uids
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(uidValidity)
        hasher.combine(modSeq)
        hasher.combine(knownUIDs)
    }
}

/// `list` (RFC 9051 §6.3.9, RFC 5258 §3): LIST with selection options, one or more patterns
/// and return options.
public struct ListCommand: Hashable, Sendable {
    public var selectionOptions: [ListSelectionOption]
    public var reference: MailboxName
    public var patterns: [MailboxPattern]
    public var returnOptions: [ListReturnOption]
    /// Whether the command used any RFC 5258 syntax (selection options, several patterns in
    /// parentheses, or RETURN): such a command gets extended responses.
    public var isExtended: Bool

    public init(selectionOptions: [ListSelectionOption] = [], reference: MailboxName,
                patterns: [MailboxPattern], returnOptions: [ListReturnOption] = [],
                isExtended: Bool = false) {
        self.selectionOptions = selectionOptions
        self.reference = reference
        self.patterns = patterns
        self.returnOptions = returnOptions
        self.isExtended = isExtended
    }
}

/// `search` (RFC 9051 §6.4.4, RFC 4731 §3.1 ESEARCH).
public struct SearchCommand: Hashable, Sendable {
    /// nil when no `RETURN (...)` was given: a classic `* SEARCH` answer (or ESEARCH in rev2).
    public var returnOptions: [SearchReturnOption]?
    public var charset: String?
    public var key: SearchKey
    public var byUID: Bool

    public init(returnOptions: [SearchReturnOption]? = nil, charset: String? = nil,
                key: SearchKey, byUID: Bool = false) {
        self.returnOptions = returnOptions
        self.charset = charset
        self.key = key
        self.byUID = byUID
    }
}

/// `fetch` (RFC 9051 §6.4.5), with the RFC 7162 modifiers.
public struct FetchCommand: Hashable, Sendable {
    public var sequenceSet: SequenceSet
    public var attributes: [FetchAttribute]
    public var modifiers: [FetchModifier]
    public var byUID: Bool

    public init(sequenceSet: SequenceSet, attributes: [FetchAttribute],
                modifiers: [FetchModifier] = [], byUID: Bool = false) {
        self.sequenceSet = sequenceSet
        self.attributes = attributes
        self.modifiers = modifiers
        self.byUID = byUID
    }
}

/// `store` (RFC 9051 §6.4.6), with UNCHANGEDSINCE (RFC 7162 §3.1.3).
public struct StoreCommand: Hashable, Sendable {
    public var sequenceSet: SequenceSet
    public var unchangedSince: ModSeq?
    public var operation: StoreOperation
    public var silent: Bool
    public var flags: [Flag]
    public var byUID: Bool

    public init(sequenceSet: SequenceSet, unchangedSince: ModSeq? = nil,
                operation: StoreOperation, silent: Bool, flags: [Flag], byUID: Bool = false) {
        self.sequenceSet = sequenceSet
        self.unchangedSince = unchangedSince
        self.operation = operation
        self.silent = silent
        self.flags = flags
        self.byUID = byUID
    }
}

/// The options before one message literal of APPEND (RFC 3501 §6.3.11, RFC 3502 MULTIAPPEND).
public struct AppendMessageOptions: Hashable, Sendable {
    public var flags: [Flag]
    public var internalDate: ZonedDateTime?
    public init(flags: [Flag] = [], internalDate: ZonedDateTime? = nil) {
        self.flags = flags
        self.internalDate = internalDate
    }
}
