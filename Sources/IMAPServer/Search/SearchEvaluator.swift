import IMAPSyntax
import MailCore
import MailStore

/// What is known of one message while a search runs: always its place in the session's view;
/// its stored metadata once read; its text once read. A criterion that needs more than is
/// known evaluates to nil ("not yet decided").
struct SearchSubject {
    var sequence: UInt32
    var uid: UInt32
    var isRecent: Bool
    var record: MessageRecord?
    var content: SearchContent?

    init(sequence: UInt32, uid: UInt32, isRecent: Bool, record: MessageRecord? = nil,
         content: SearchContent? = nil) {
        self.sequence = sequence
        self.uid = uid
        self.isRecent = isRecent
        self.record = record
        self.content = content
    }
}

extension SearchCriterion {
    /// Evaluates the criterion with three-valued logic (true, false, nil = needs more of the
    /// message): AND is false as soon as one operand is false, OR true as soon as one is true,
    /// NOT keeps "undecided". Operands are tried in order (cheapest first), and evaluation stops
    /// at the first that decides, so an expensive operand is often never looked at.
    func evaluate(_ subject: SearchSubject) -> Bool? {
        switch self {
        case .constant(let value):
            return value
        case .sequenceNumbers(let set):
            return set.contains(subject.sequence)
        case .uids(let set):
            return set.contains(subject.uid)
        case .recent(let wanted):
            return subject.isRecent == wanted
        case .systemFlag(let flag, let isSet):
            return subject.record.map { $0.flags.system.contains(flag) == isSet }
        case .keyword(let name, let isSet):
            return subject.record.map { $0.flags.contains(.keyword(name)) == isSet }
        case .internalDate(let test):
            return subject.record.map { test.matches(day: $0.internalDate.date.daysSince1970) }
        case .internalTime(let test):
            return subject.record.map { test.matches($0.internalDate.secondsSince1970) }
        case .larger(let size):
            return subject.record.map { $0.size > size }
        case .smaller(let size):
            return subject.record.map { $0.size < size }
        case .modSeq(let modSeq):
            return subject.record.map { $0.modSeq.rawValue >= modSeq }
        case .saveDate(let test):
            return subject.record.map { test.matches(day: ZonedDateTime(secondsSince1970: $0.saveDate).date.daysSince1970) }
        case .emailID(let id, let ids):
            return subject.record.map { ids.id(of: $0.blob) == id }
        case .sentDate(let test):
            guard let record = subject.record, let content = subject.content else { return nil }
            // Like Dovecot, a message whose Date: field is missing or unparseable is dated by
            // its INTERNALDATE, so that SENTBEFORE/SENTSINCE partition the mailbox.
            let day = content.sentDate?.daysSince1970 ?? record.internalDate.date.daysSince1970
            return test.matches(day: day)
        case .header(let name, let needle):
            return subject.content?.header(named: name, contains: needle)
        case .address(let name, let needle):
            return subject.content?.addresses(named: name, contains: needle)
        case .body(let needle):
            return subject.content?.body(contains: needle)
        case .text(let needle):
            return subject.content?.text(contains: needle)
        case .not(let inner):
            return inner.evaluate(subject).map(!)
        case .or(let left, let right):
            let first = left.evaluate(subject)
            if first == true { return true }
            let second = right.evaluate(subject)
            if second == true { return true }
            return first == false && second == false ? false : nil
        case .and(let criteria):
            var undecided = false
            for criterion in criteria {
                switch criterion.evaluate(subject) {
                case false?: return false
                case nil: undecided = true
                case true?: continue
                }
            }
            return undecided ? nil : true
        }
    }
}
