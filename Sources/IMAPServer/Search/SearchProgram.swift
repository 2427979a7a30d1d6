import IMAPSyntax
import MailCore
import MailMessage
import MailStore

/// A SEARCH command's criteria, compiled against one session's view of the selected mailbox
/// (RFC 9051 §6.4.4): what the search runner evaluates, and what it will need to read.
struct SearchProgram: Sendable {
    /// The charsets named in `[BADCHARSET (...)]` (RFC 9051 §6.4.4, §7.1): the two every
    /// server must support. Others that `CharsetDecoder` converts are accepted too.
    static let advertisedCharsets = ["UTF-8", "US-ASCII"]

    let criterion: SearchCriterion
    /// The most expensive part of the criterion.
    let cost: SearchCost
    /// Whether header-only keys (HEADER, FROM, SUBJECT, SENT*, ...) occur, so that reading a
    /// message's header may decide it before its body is read.
    let usesHeader: Bool

    /// What `*` stands for in this session's view (RFC 9051 §9 `seq-number`).
    struct Scope: Sendable {
        /// The number of messages: `*` among sequence numbers.
        var messageCount: UInt32
        /// The UID of the last message (UIDNEXT - 1 when the mailbox is empty): `*` among UIDs.
        var lastUID: UInt32
        /// `$`, the saved search result (RFC 5182 §2.1), as sequence numbers and as UIDs.
        var savedSequenceNumbers: [UInt32] = []
        var savedUIDs: [UInt32] = []
        /// How the owner's EMAILIDs are made (RFC 8474 §5.1), for the EMAILID key (§6).
        var emailIDs = EmailIDs(key: [], owner: UserID(rawValue: 0))
        /// The time OLDER and YOUNGER count back from (RFC 5032 §3), seconds since 1970: the
        /// session sets it when the command runs.
        var now: Int64 = 0
        /// The view's UIDs in each thread, by THREADID (RFC 8474 §6); filled only when the
        /// criteria name one.
        var threadMembers: [String: [UInt32]] = [:]
    }

    /// Why a program cannot run.
    enum Failure: Error, Equatable {
        /// The CHARSET is not one the server converts: tagged NO with BADCHARSET.
        case badCharset(String)
        /// A key of an extension this server does not advertise, or `$`: tagged BAD.
        case unsupported(String)

        var outcome: CommandOutcome {
            switch self {
            case .badCharset(let name):
                return .no("Unsupported charset \(name)", code: .badCharset(SearchProgram.advertisedCharsets))
            case .unsupported(let reason):
                return .bad(reason)
            }
        }
    }

    /// Compiles a search key. `charset` is the command's CHARSET (RFC 9051 §6.4.4): absent
    /// means UTF-8 (RFC 9051; 8-bit bytes that are not UTF-8 are read as Windows-1252, which
    /// is what such clients send); US-ASCII, UTF-8 and every charset `CharsetDecoder` can
    /// convert are accepted, anything else is refused with BADCHARSET.
    init(_ key: SearchKey, charset: String?, scope: Scope) throws(Failure) {
        if let charset, !CharsetDecoder.canDecode(charset) { throw .badCharset(charset) }
        var compiler = Compiler(charset: charset, scope: scope)
        let criterion = try compiler.compile(key)
        self.criterion = criterion
        self.cost = criterion.cost
        self.usesHeader = criterion.usesHeader
    }
}

/// Turns `SearchKey` trees into `SearchCriterion` trees.
private struct Compiler {
    let charset: String?
    let scope: SearchProgram.Scope

    init(charset: String?, scope: SearchProgram.Scope) {
        self.charset = charset
        self.scope = scope
    }

    mutating func compile(_ key: SearchKey) throws(SearchProgram.Failure) -> SearchCriterion {
        switch key {
        case .all: return .constant(true)
        case .answered: return .systemFlag(.answered, isSet: true)
        case .deleted: return .systemFlag(.deleted, isSet: true)
        case .draft: return .systemFlag(.draft, isSet: true)
        case .flagged: return .systemFlag(.flagged, isSet: true)
        case .seen: return .systemFlag(.seen, isSet: true)
        case .unanswered: return .systemFlag(.answered, isSet: false)
        case .undeleted: return .systemFlag(.deleted, isSet: false)
        case .undraft: return .systemFlag(.draft, isSet: false)
        case .unflagged: return .systemFlag(.flagged, isSet: false)
        case .unseen: return .systemFlag(.seen, isSet: false)
        // RFC 3501 §6.4.4: NEW is RECENT UNSEEN, OLD is NOT RECENT.
        case .new: return .and([.recent(true), .systemFlag(.seen, isSet: false)])
        case .old: return .recent(false)
        case .recent: return .recent(true)
        case .keyword(let name): return .keyword(name, isSet: true)
        case .unkeyword(let name): return .keyword(name, isSet: false)
        case .bcc(let value): return .address(name: "Bcc", needle: needle(value))
        case .cc(let value): return .address(name: "Cc", needle: needle(value))
        case .from(let value): return .address(name: "From", needle: needle(value))
        case .to(let value): return .address(name: "To", needle: needle(value))
        case .subject(let value): return .header(name: "Subject", needle: needle(value))
        case .header(let name, let value): return .header(name: name, needle: needle(value))
        case .body(let value): return .body(needle(value))
        case .text(let value): return .text(needle(value))
        case .before(let date): return .internalDate(DateTest(.before, date))
        case .on(let date): return .internalDate(DateTest(.on, date))
        case .since(let date): return .internalDate(DateTest(.since, date))
        case .sentBefore(let date): return .sentDate(DateTest(.before, date))
        case .sentOn(let date): return .sentDate(DateTest(.on, date))
        case .sentSince(let date): return .sentDate(DateTest(.since, date))
        case .larger(let size): return .larger(size)
        case .smaller(let size): return .smaller(size)
        // RFC 7162 §3.1.5: a server that keeps one mod-sequence per message ignores the
        // per-flag entry name and type.
        case .modSeq(let modSeq, _): return .modSeq(modSeq.rawValue)
        case .sequenceNumbers(let set):
            return .sequenceNumbers(numbers(set, last: scope.messageCount, saved: scope.savedSequenceNumbers))
        case .uid(let set):
            return .uids(numbers(set, last: scope.lastUID, saved: scope.savedUIDs))
        case .not(let inner):
            let compiled = try compile(inner)
            if case .not(let doubled) = compiled { return doubled }
            if case .constant(let value) = compiled { return .constant(!value) }
            return .not(compiled)
        case .or(let left, let right):
            let pair = [try compile(left), try compile(right)].sorted { $0.cost < $1.cost }
            return .or(pair[0], pair[1])
        case .and(let keys):
            var criteria: [SearchCriterion] = []
            for key in keys {
                switch try compile(key) {
                case .and(let nested): criteria += nested
                case .constant(true): continue
                case let other: criteria.append(other)
                }
            }
            if criteria.isEmpty { return .constant(true) }
            if criteria.count == 1 { return criteria[0] }
            // Stable: equal costs keep the client's order.
            let ordered = criteria.enumerated().sorted {
                ($0.element.cost, $0.offset) < ($1.element.cost, $1.offset)
            }
            return .and(ordered.map(\.element))
        case .saveDateBefore(let date): return .saveDate(DateTest(.before, date))
        case .saveDateOn(let date): return .saveDate(DateTest(.on, date))
        case .saveDateSince(let date): return .saveDate(DateTest(.since, date))
        // Every message here has a save date (RFC 8514 §4).
        case .saveDateSupported: return .constant(true)
        case .emailID(let id): return .emailID(id, scope.emailIDs)
        // THREADID (RFC 8474 §6): the messages of the view in that thread.
        case .threadID(let id):
            guard let members = scope.threadMembers[id], !members.isEmpty else { return .constant(false) }
            return .uids(NumberSet(members.map { SequenceRange(single: .number($0)) }, last: scope.lastUID))
        // RFC 5032 §3: OLDER n, an INTERNALDATE at least n seconds ago; YOUNGER n, at most
        // n seconds ago (a message exactly n seconds old matches both, as in Dovecot).
        case .older(let interval): return .internalTime(TimeTest(.atOrBefore, scope.now - Int64(interval)))
        case .younger(let interval): return .internalTime(TimeTest(.atOrAfter, scope.now - Int64(interval)))
        }
    }

    /// A sequence set with `*` resolved and `$` standing for the saved result (RFC 5182 §2.1).
    private func numbers(_ set: SequenceSet, last: UInt32, saved: [UInt32]) -> NumberSet {
        switch set {
        case .ranges(let ranges): return NumberSet(ranges, last: last)
        case .lastResult: return NumberSet(saved.map { SequenceRange(single: .number($0)) }, last: last)
        }
    }

    /// A search string converted from the CHARSET to Unicode and case-folded
    /// (RFC 9051 §6.4.4: matching is case-insensitive).
    private func needle(_ bytes: [UInt8]) -> [UInt8] {
        CaseFolding.foldedUTF8(CharsetDecoder.decode(bytes, charset: charset))
    }
}
