import IMAPSyntax
import MailCore
import MailSort

/// A searching command whose result the client follows with `RETURN (UPDATE)` (RFC 5267
/// §4.3): its criteria as compiled when it ran, its requested order, and its result as the
/// client knows it now.
struct SearchContext {
    let tag: Tag
    /// UID SEARCH / UID SORT: updates name UIDs; otherwise sequence numbers (§4.3.2).
    let byUID: Bool
    let program: SearchProgram
    /// The order of SORT; nil for SEARCH, whose requested order is the mailbox's (§4.1).
    let sortCriteria: [SortCriterion]?
    /// The matching messages in the requested order.
    var result: [UID]
}

/// The update contexts of one selected mailbox (RFC 5267 §4.3), and the messages whose match
/// may have changed since the contexts were last brought up to date. They end with the
/// selection or with CANCELUPDATE.
struct SearchContexts {
    var contexts: [SearchContext] = []
    /// New messages and messages whose flags changed, not yet looked at again.
    private(set) var changed: Set<UID> = []

    func contains(tag: Tag) -> Bool { contexts.contains { $0.tag == tag } }

    /// Notes a message whose match may have changed (nothing to note without contexts).
    mutating func noteChanged(_ uid: UID) {
        if !contexts.isEmpty { changed.insert(uid) }
    }

    /// The changed messages, forgotten as they are handed out.
    mutating func takeChanged() -> Set<UID> {
        defer { changed = [] }
        return changed
    }

    /// Drops the contexts of these tags; the tags that named none.
    mutating func cancel(_ tags: [Tag]) -> [Tag] {
        let unknown = tags.filter { !contains(tag: $0) }
        contexts.removeAll { tags.contains($0.tag) }
        if contexts.isEmpty { changed = [] }
        return unknown
    }

    /// The REMOVEFROM responses for messages about to be expunged, numbered as they are before
    /// the expunge: RFC 5267 §4.3.4, "a REMOVEFROM containing message sequence numbers removed
    /// as a result of those messages being expunged MUST be sent prior to the expunge
    /// notification itself". `number` gives a message's current sequence number.
    mutating func removals(of expunged: Set<UID>, number: (UID) -> UInt32?) -> [UntaggedResponse] {
        guard !contexts.isEmpty, !expunged.isEmpty else { return [] }
        changed.subtract(expunged)
        var responses: [UntaggedResponse] = []
        for index in contexts.indices {
            let context = contexts[index]
            let updates = ContextDiff.remove(expunged, from: &contexts[index].result,
                                             ordered: context.sortCriteria != nil) { uid in
                context.byUID ? uid.rawValue : number(uid) ?? 0
            }
            if !updates.isEmpty { responses.append(.esearch(tag: context.tag, uid: context.byUID, [.removeFrom(updates)])) }
        }
        return responses
    }
}

/// How a result list changes into another, as ADDTO and REMOVEFROM pairs (RFC 5267 §4.3.3,
/// §4.3.4). Pure: values in, values out.
enum ContextDiff {
    /// Removes `leaving` from `result` and returns the REMOVEFROM pairs that tell it. In an
    /// unordered (SEARCH) result the position is 0 and the numbers go in mailbox order
    /// (§4.3.4 recommends it); in a sorted one each run of neighbouring results is one pair at
    /// its position, counted after the pairs before it are applied.
    static func remove(_ leaving: Set<UID>, from result: inout [UID], ordered: Bool,
                       number: (UID) -> UInt32) -> [ContextUpdate] {
        guard result.contains(where: leaving.contains) else { return [] }
        if !ordered {
            let gone = result.filter(leaving.contains)
            result.removeAll(where: leaving.contains)
            return [ContextUpdate(position: 0, numbers: gone.map(number).sorted())]
        }
        var updates: [ContextUpdate] = []
        var kept: [UID] = []
        var index = 0
        while index < result.count {
            guard leaving.contains(result[index]) else {
                kept.append(result[index])
                index += 1
                continue
            }
            var run: [UInt32] = []
            while index < result.count, leaving.contains(result[index]) {
                run.append(number(result[index]))
                index += 1
            }
            updates.append(ContextUpdate(position: UInt32(kept.count + 1), numbers: run))
        }
        result = kept
        return updates
    }

    /// Makes `result` the list `target` (which holds every result already there, in the same
    /// order, and the new ones) and returns the ADDTO pairs that tell it: position 0 and
    /// mailbox order for SEARCH (§4.3.3), otherwise each run of new neighbours is one pair
    /// at the position its first result takes.
    static func insert(into result: inout [UID], target: [UID], ordered: Bool,
                       number: (UID) -> UInt32) -> [ContextUpdate] {
        let present = Set(result)
        let joining = target.filter { !present.contains($0) }
        result = target
        guard !joining.isEmpty else { return [] }
        if !ordered { return [ContextUpdate(position: 0, numbers: joining.map(number).sorted())] }
        var updates: [ContextUpdate] = []
        var index = 0
        while index < target.count {
            guard !present.contains(target[index]) else {
                index += 1
                continue
            }
            let position = UInt32(index + 1)
            var run: [UInt32] = []
            while index < target.count, !present.contains(target[index]) {
                run.append(number(target[index]))
                index += 1
            }
            updates.append(ContextUpdate(position: position, numbers: run))
        }
        return updates
    }
}
