import IMAPSyntax
import MailCore
import MailStore

/// A search key compiled for evaluation (RFC 9051 §6.4.4, RFC 3501 §6.4.4): strings converted
/// from the command's CHARSET and case-folded once, `*` resolved against the session's view,
/// dates reduced to day numbers, derived keys (NEW, OLD, UNSEEN, ...) spelled out in
/// primitives, and the operands of AND and OR ordered cheapest first.
indirect enum SearchCriterion: Hashable, Sendable {
    case constant(Bool)
    /// A message sequence number set (RFC 9051 §6.4.4 `<sequence set>`).
    case sequenceNumbers(NumberSet)
    /// `UID <sequence set>`.
    case uids(NumberSet)
    /// RECENT (true) or OLD (false): whether the session sees the message as `\Recent`.
    case recent(Bool)
    /// A system flag set (ANSWERED, DELETED, ...) or not set (UNANSWERED, UNDELETED, ...).
    case systemFlag(MessageFlags.System, isSet: Bool)
    /// KEYWORD (true) or UNKEYWORD (false); keywords compare ASCII case-insensitively.
    case keyword(String, isSet: Bool)
    /// BEFORE, ON, SINCE: the INTERNALDATE's calendar date in its own zone.
    case internalDate(DateTest)
    /// OLDER, YOUNGER (RFC 5032 §3): the INTERNALDATE as an instant, against a moment.
    case internalTime(TimeTest)
    /// SENTBEFORE, SENTON, SENTSINCE: the Date: field's calendar date in its own zone.
    case sentDate(DateTest)
    /// LARGER: RFC822.SIZE greater than the number.
    case larger(UInt64)
    /// SMALLER: RFC822.SIZE less than the number.
    case smaller(UInt64)
    /// MODSEQ: the message's mod-sequence is at least the number (RFC 7162 §3.1.5).
    case modSeq(UInt64)
    /// SAVEDBEFORE, SAVEDON, SAVEDSINCE (RFC 8514 §4): the save date's calendar day in UTC.
    case saveDate(DateTest)
    /// EMAILID (RFC 8474 §6): the message's content identifier.
    case emailID(String, EmailIDs)
    /// HEADER and SUBJECT: a field with this name (ASCII case-insensitive)
    /// whose decoded value contains the case-folded needle; an empty needle asks only that
    /// the field exists.
    case header(name: String, needle: [UInt8])
    /// FROM, TO, CC, BCC: the address field with this name contains the case-folded needle in
    /// its decoded text or in its parsed addresses (RFC 9051 §6.4.4 "envelope structure's
    /// FROM field"); an empty needle asks only that the field exists.
    case address(name: String, needle: [UInt8])
    /// BODY: the decoded text of the body contains the case-folded needle.
    case body([UInt8])
    /// TEXT: the decoded header or body text contains the case-folded needle.
    case text([UInt8])
    case not(SearchCriterion)
    case or(SearchCriterion, SearchCriterion)
    case and([SearchCriterion])

    /// What evaluating this criterion needs, the most expensive part of it.
    var cost: SearchCost {
        switch self {
        case .constant, .sequenceNumbers, .uids, .recent: return .view
        case .systemFlag, .keyword, .internalDate, .internalTime, .larger, .smaller, .modSeq, .saveDate, .emailID:
            return .metadata
        case .header, .address, .sentDate: return .header
        case .body, .text: return .body
        case .not(let inner): return inner.cost
        case .or(let left, let right): return max(left.cost, right.cost)
        case .and(let criteria): return criteria.map(\.cost).max() ?? .view
        }
    }

    /// Whether the criterion holds keys on header fields (HEADER, FROM, SUBJECT, SENT*, ...)
    /// that a read of the header alone decides. TEXT does not count: it mostly needs the body,
    /// and reading the whole message checks the header first anyway.
    var usesHeader: Bool {
        switch self {
        case .header, .address, .sentDate: return true
        case .not(let inner): return inner.usesHeader
        case .or(let left, let right): return left.usesHeader || right.usesHeader
        case .and(let criteria): return criteria.contains { $0.usesHeader }
        default: return false
        }
    }
}

/// What a criterion needs to be decided, in increasing order of cost: the session's view
/// (sequence numbers, UIDs, `\Recent`), the stored metadata (flags, dates, size, MODSEQ), the
/// message's header bytes, or the whole message with its MIME structure.
enum SearchCost: Int, Comparable, Sendable {
    case view, metadata, header, body

    static func < (lhs: SearchCost, rhs: SearchCost) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// A comparison of a calendar date with the date of a search key (RFC 9051 §6.4.4: BEFORE is
/// earlier than the date, ON within it, SINCE within or later), on days since 1970.
struct DateTest: Hashable, Sendable {
    enum Relation: Hashable, Sendable { case before, on, since }
    var relation: Relation
    var day: Int

    init(_ relation: Relation, _ date: CalendarDate) {
        self.relation = relation
        self.day = date.daysSince1970
    }

    func matches(day other: Int) -> Bool {
        switch relation {
        case .before: return other < day
        case .on: return other == day
        case .since: return other >= day
        }
    }
}

/// A comparison of an instant with a moment (seconds since 1970), both ends included: OLDER
/// is at or before `now - interval`, YOUNGER at or after it (RFC 5032 §3).
struct TimeTest: Hashable, Sendable {
    enum Relation: Hashable, Sendable { case atOrBefore, atOrAfter }
    var relation: Relation
    var moment: Int64

    init(_ relation: Relation, _ moment: Int64) {
        self.relation = relation
        self.moment = moment
    }

    func matches(_ instant: Int64) -> Bool {
        switch relation {
        case .atOrBefore: return instant <= moment
        case .atOrAfter: return instant >= moment
        }
    }
}

/// A set of numbers (sequence numbers or UIDs) as sorted, disjoint, non-adjacent ranges.
struct NumberSet: Hashable, Sendable {
    private(set) var ranges: [ClosedRange<UInt32>]

    /// The set a `sequence-set` names once `*` stands for `last` (RFC 9051 §9 `seq-number`).
    init(_ ranges: [SequenceRange], last: UInt32) {
        let sorted = ranges.map { $0.resolved(last: last) }.sorted { $0.lowerBound < $1.lowerBound }
        var merged: [ClosedRange<UInt32>] = []
        for range in sorted {
            if let previous = merged.last, UInt64(range.lowerBound) <= UInt64(previous.upperBound) + 1 {
                merged[merged.count - 1] = previous.lowerBound...max(previous.upperBound, range.upperBound)
            } else {
                merged.append(range)
            }
        }
        self.ranges = merged
    }

    func contains(_ value: UInt32) -> Bool {
        var low = 0, high = ranges.count - 1
        while low <= high {
            let mid = (low + high) / 2
            if ranges[mid].upperBound < value {
                low = mid + 1
            } else if ranges[mid].lowerBound > value {
                high = mid - 1
            } else {
                return true
            }
        }
        return false
    }
}
