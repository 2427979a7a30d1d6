import IMAPSyntax
import MailCore
import MailStore
import Synchronization

/// Set by the store's change notifier, read and cleared by the session: "the selected
/// mailbox changed since you last looked".
final class ChangeFlag: Sendable {
    private let flag = Atomic<Bool>(false)

    /// Marks a change; true if the flag was clear (the session should be woken).
    func raise() -> Bool {
        flag.exchange(true, ordering: .acquiringAndReleasing) == false
    }

    /// Clears the flag and tells whether it was set.
    func take() -> Bool {
        flag.exchange(false, ordering: .acquiringAndReleasing)
    }
}

/// One session's view of its selected mailbox (RFC 3501 §2.3.1.2, RFC 2180 §4): the map from
/// sequence numbers to UIDs stays as this client knows it until the session may tell it of
/// changes; other sessions' changes are learned from the store by MODSEQ.
final class SelectedMailbox {
    let record: MailboxRecord
    let readOnly: Bool
    /// Whether `\Recent` is reported (IMAP4rev1) or not (IMAP4rev2, RFC 9051 Appendix E 12).
    var reportsRecent = true
    /// The user's rights on the mailbox at SELECT (RFC 4314): PERMANENTFLAGS lists only the
    /// flags they let the user change.
    var rights = AccessRights.all
    /// UIDs in sequence-number order: `uids[n - 1]` is message n.
    private(set) var uids: [UID]
    private(set) var recent: Set<UID>
    private(set) var knownModSeq: ModSeq
    private(set) var uidNext: UID
    private(set) var keywords: [String]
    /// Expunged by others but not yet reported (EXPUNGE is withheld during FETCH/STORE/SEARCH).
    private var pendingVanished: Set<UID> = []
    /// Flag changes this session made and already reported, by the MODSEQ they got.
    private var ownChanges: [UID: ModSeq] = [:]
    /// `$`: the result of the last `SEARCH RETURN (SAVE)` (RFC 5182 §2.1), kept as UIDs so it
    /// survives renumbering; expunged messages leave it.
    var savedResult: [UID] = []
    /// The searching commands the client follows with `RETURN (UPDATE)` (RFC 5267 §4.3).
    var searchContexts = SearchContexts()
    /// Thread numbers learned so far (THREADID, RFC 8474 §5.2; `Session+ThreadIDs.swift`).
    var threadNumbers: [UID: Int64] = [:]
    let changeFlag = ChangeFlag()
    var observation: ChangeNotifier.ObservationToken?

    init(snapshot: MailboxSnapshot, readOnly: Bool) {
        record = snapshot.mailbox
        self.readOnly = readOnly
        uids = snapshot.messages.map(\.uid)
        recent = Set(snapshot.recentUIDs)
        knownModSeq = snapshot.highestModSeq
        uidNext = snapshot.uidNext
        keywords = snapshot.keywords
    }

    var id: MailboxID { record.id }
    var count: Int { uids.count }

    func uid(at sequence: SequenceNumber) -> UID { uids[Int(sequence.rawValue) - 1] }

    func sequenceNumber(of uid: UID) -> SequenceNumber? {
        let index = lowerBound(uid)
        guard index < uids.count, uids[index] == uid else { return nil }
        return SequenceNumber(UInt32(index + 1))
    }

    func isRecent(_ uid: UID) -> Bool { recent.contains(uid) }

    var hasPendingExpunges: Bool { !pendingVanished.isEmpty }

    /// Whether another session expunged the message and this one has not said so yet.
    func isPendingExpunge(_ uid: UID) -> Bool { pendingVanished.contains(uid) }

    /// The messages a sequence set names, in ascending order, without duplicates
    /// (RFC 9051 §9 `sequence-set`). Sequence numbers beyond the mailbox are an error
    /// (a tagged BAD); UIDs that do not exist are skipped.
    func resolve(_ set: SequenceSet, byUID: Bool) throws(SequenceError) -> [(SequenceNumber, UID)] {
        guard case .ranges(let ranges) = set else {
            // `$` names the saved messages, by number or by UID alike (RFC 5182 §2.1).
            return savedResult.compactMap { uid in sequenceNumber(of: uid).map { ($0, uid) } }
        }
        var result: [(SequenceNumber, UID)] = []
        var ascending = true
        if byUID {
            let last = uids.last?.rawValue ?? (uidNext.rawValue &- 1)
            for range in ranges {
                let bounds = range.resolved(last: last)
                var index = lowerBound(UID(bounds.lowerBound))
                while index < uids.count, uids[index].rawValue <= bounds.upperBound {
                    if let previous = result.last, previous.1 >= uids[index] { ascending = false }
                    result.append((SequenceNumber(UInt32(index + 1)), uids[index]))
                    index += 1
                }
            }
        } else {
            let last = UInt32(uids.count)
            for range in ranges {
                let bounds = range.resolved(last: last)
                guard last > 0, bounds.upperBound <= last else { throw .noSuchMessage }
                for n in bounds {
                    if let previous = result.last, previous.0.rawValue >= n { ascending = false }
                    result.append((SequenceNumber(n), uids[Int(n) - 1]))
                }
            }
        }
        if !ascending {
            result.sort { $0.1 < $1.1 }
            var unique: [(SequenceNumber, UID)] = []
            unique.reserveCapacity(result.count)
            for item in result where unique.last?.1 != item.1 { unique.append(item) }
            result = unique
        }
        return result
    }

    enum SequenceError: Error {
        /// A sequence number above the message count (or any on an empty mailbox).
        case noSuchMessage
    }

    /// Records flag changes this session made and reported itself, so that catching up on
    /// changes does not report them twice.
    func noteOwnChanges(_ states: [MessageState], changed: Set<UID>) {
        for state in states where changed.contains(state.uid) {
            ownChanges[state.uid] = state.modSeq
            searchContexts.noteChanged(state.uid)
        }
    }

    /// Removes expunged messages from the view and returns the responses that report them:
    /// EXPUNGE per message, or one VANISHED once QRESYNC is enabled (RFC 7162 §3.2.10),
    /// after the REMOVEFROM of the update contexts that held them (RFC 5267 §4.3.4).
    func expungeResponses(_ expunged: [UID], reporting: UpdateReporting) -> [UntaggedResponse] {
        let present = expunged.filter { sequenceNumber(of: $0) != nil }
        let removals = searchContexts.removals(of: Set(present)) { self.sequenceNumber(of: $0)?.rawValue }
        let numbers = removeExpunged(present)
        guard !numbers.isEmpty else { return removals }
        if reporting.vanished { return removals + [.vanished(earlier: false, UIDSet(present))] }
        return removals + numbers.map { .expunge($0) }
    }

    /// Removes messages this session expunged itself and returns their sequence numbers in
    /// the order EXPUNGE responses must name them (each number valid after the ones before).
    func removeExpunged(_ expunged: [UID]) -> [SequenceNumber] {
        var numbers: [SequenceNumber] = []
        for uid in expunged.sorted(by: >) {
            guard let sequence = sequenceNumber(of: uid) else { continue }
            uids.remove(at: Int(sequence.rawValue) - 1)
            recent.remove(uid)
            if let index = savedResult.firstIndex(of: uid) { savedResult.remove(at: index) }
            pendingVanished.remove(uid)
            numbers.append(sequence)
        }
        return numbers
    }

    /// Whether the changes hold messages this view has not seen yet.
    func hasNewMessages(in changes: MailboxChanges) -> Bool {
        (changes.changed.last?.uid ?? UID(0)) > (uids.last ?? UID(0))
    }

    /// Applies what the store reports changed and returns the untagged responses that tell
    /// the client (RFC 3501 §7.3.1 EXISTS and RECENT, §7.4.1 EXPUNGE, §7.4.2 FETCH FLAGS).
    /// `claimedRecent` are the new messages this session claimed as `\Recent`.
    func apply(_ changes: MailboxChanges, claimedRecent: [UID], allowExpunge: Bool,
               reporting: UpdateReporting) -> [UntaggedResponse] {
        var responses: [UntaggedResponse] = []
        let lastKnown = uids.last ?? UID(0)
        for uid in changes.vanished where sequenceNumber(of: uid) != nil { pendingVanished.insert(uid) }
        if allowExpunge && !pendingVanished.isEmpty {
            responses += expungeResponses(Array(pendingVanished), reporting: reporting)
        }
        var added = 0
        for state in changes.changed {
            if !searchContexts.contexts.isEmpty && (state.uid > lastKnown || !pendingVanished.contains(state.uid)) {
                searchContexts.noteChanged(state.uid)
            }
            if state.uid > lastKnown {
                uids.append(state.uid)
                added += 1
            } else if ownChanges[state.uid] != state.modSeq, !pendingVanished.contains(state.uid),
                      let sequence = sequenceNumber(of: state.uid) {
                responses.append(.fetch(sequence, reporting.items(for: state, flags: flags(of: state))))
            }
        }
        if changes.keywords.contains(where: { k in !keywords.contains { $0.caseInsensitiveEquals(k) } }) {
            keywords = changes.keywords
            responses.insert(contentsOf: flagsResponses, at: 0)
        }
        recent.formUnion(claimedRecent)
        if added > 0 {
            responses.append(.exists(uids.count))
            if reporting.recent { responses.append(.recent(recent.count)) }
        }
        ownChanges.removeAll()
        knownModSeq = max(knownModSeq, changes.highestModSeq)
        uidNext = max(uidNext, changes.uidNext)
        return responses
    }

    /// The flags of a message as this session reports them, `\Recent` included.
    func flags(of state: MessageState) -> [Flag] {
        flags(state.flags, uid: state.uid)
    }

    func flags(_ flags: MessageFlags, uid: UID) -> [Flag] {
        var result = flags.flags
        if reportsRecent && recent.contains(uid) { result.append(.recent) }
        return result
    }

    /// Adds keywords this session is about to set and returns the FLAGS and PERMANENTFLAGS
    /// responses that announce them, to go before any FETCH that shows them (RFC 3501 §7.2.6);
    /// nothing if every keyword is known.
    func learnKeywords(_ flags: [Flag]) -> [UntaggedResponse] {
        var grew = false
        for case .keyword(let keyword) in flags where !keywords.contains(where: { $0.caseInsensitiveEquals(keyword) }) {
            keywords.append(keyword)
            grew = true
        }
        return grew ? flagsResponses : []
    }

    /// FLAGS (RFC 9051 §7.3.5) and, read-write, PERMANENTFLAGS (§7.1): what SELECT says of the
    /// flags, and what is said again when a new keyword appears.
    var flagsResponses: [UntaggedResponse] {
        var responses: [UntaggedResponse] = [.flags(flagList)]
        if !readOnly {
            // RFC 4314 §4: \Seen needs `s`, \Deleted `t`, the others and new keywords `w`.
            let permanent = flagList.filter { rights.permitted(MessageFlags([$0])) != MessageFlags() }
                .map(PermanentFlag.flag) + (rights.contains(.write) ? [.wildcard] : [])
            responses.append(.condition(.ok, ResponseText(code: .permanentFlags(permanent), "Flags permitted")))
        }
        return responses
    }

    /// The FLAGS response list (RFC 9051 §7.3.5): system flags and the mailbox's keywords.
    var flagList: [Flag] {
        [.answered, .flagged, .deleted, .seen, .draft] + keywords.map(Flag.keyword)
    }

    private func lowerBound(_ uid: UID) -> Int {
        var low = 0, high = uids.count
        while low < high {
            let mid = (low + high) / 2
            if uids[mid] < uid { low = mid + 1 } else { high = mid }
        }
        return low
    }
}

/// How untagged updates are written for this session (RFC 7162 §3.1, §3.2.4, §3.2.10).
struct UpdateReporting {
    /// FETCH responses carry UID: UID commands, and always once CONDSTORE is in use.
    var includeUID: Bool
    /// FETCH responses carry MODSEQ once a CONDSTORE enabling command was issued.
    var includeModSeq: Bool
    /// Expunges are reported as VANISHED once QRESYNC is enabled.
    var vanished: Bool
    /// RECENT responses are sent (not in IMAP4rev2, RFC 9051 Appendix E 12).
    var recent: Bool

    /// The items of an unsolicited FETCH for a message whose flags changed.
    func items(for state: MessageState, flags: [Flag]) -> [FetchItem] {
        var items: [FetchItem] = [.flags(flags)]
        if includeUID || includeModSeq { items.append(.uid(state.uid)) }
        if includeModSeq { items.append(.modSeq(state.modSeq)) }
        return items
    }
}
