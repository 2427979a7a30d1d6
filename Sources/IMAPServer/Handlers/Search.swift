import Foundation
import IMAPSyntax
import MailCore
import MailStore

extension Session {
    /// SEARCH and UID SEARCH (RFC 9051 §6.4.4, RFC 3501 §6.4.4 and §6.4.8).
    ///
    /// Without result options the answer is an untagged `SEARCH` response (RFC 3501 §7.2.5)
    /// of sequence numbers, or UIDs for UID SEARCH, ascending; with `RETURN (...)` it is an
    /// `ESEARCH` response (RFC 4731 §3.1) and `SAVE` keeps the result for `$` (RFC 5182).
    ///
    ///     C: A282 SEARCH RETURN (MIN COUNT) FLAGGED SINCE 1-Feb-1994 NOT FROM "Smith"
    ///     S: * ESEARCH (TAG "A282") MIN 2 COUNT 3
    ///     S: A282 OK SEARCH completed
    ///
    /// Messages another session expunged that this session still lists are searched as they
    /// were, from their ghosts (RFC 2180 §4.1.1; see `SearchRunner`).
    ///
    /// A MODSEQ key adds the highest MODSEQ of the found messages (RFC 7162 §3.1.5). An unknown
    /// CHARSET answers `NO [BADCHARSET (UTF-8 US-ASCII)]`. Sequence numbers beyond the last
    /// message match nothing: RFC 9051 §9 asks for BAD only where commands name messages.
    func search(_ command: SearchCommand, tag: Tag) async throws -> CommandOutcome {
        guard let selected = state.selected else { return .bad("No mailbox selected") }
        // IMAP4rev2 answers every SEARCH with ESEARCH, ALL when no option is given
        // (RFC 9051 §6.4.4).
        let options = try Self.resultOptions(command.returnOptions ?? (rev2 ? [] : nil))
        let follows = options?.contains(.update) == true
        if follows, let refusal = updateRefusal(tag: tag, in: selected) { return refusal }
        let uids = selected.uids
        let program = try await compileSearch(command.key, charset: command.charset, in: selected,
                                              clearingSavedResult: options?.contains(.save) == true)
        let found = try await searchRunner(for: selected).run(program, uids: uids, recent: selected.recent)
        let wantsModSeq = command.key.mentionsModSeq
        if wantsModSeq { noteCondstoreUse() }
        let foundUIDs = found.map { uids[$0] }
        let numbers = command.byUID ? foundUIDs.map(\.rawValue) : found.map { UInt32($0 + 1) }
        var highest: ModSeq?
        if wantsModSeq && !foundUIDs.isEmpty {
            let reported = Self.modSeqMessages(options, of: foundUIDs)
            highest = try await store.messages.statesOrGhosts(in: selected.id, uids: reported, as: principal)
                .map(\.modSeq).max()
        }
        if let options {
            respondExtended(options, numbers: numbers, uids: foundUIDs, modSeq: highest,
                            tag: tag, byUID: command.byUID, in: selected)
        } else {
            send(.search(numbers, modSeq: highest))
        }
        if follows {
            follow(SearchContext(tag: tag, byUID: command.byUID, program: program, sortCriteria: nil,
                                 result: foundUIDs), in: selected)
        }
        var outcome = CommandOutcome.ok(command.byUID ? "UID SEARCH completed" : "SEARCH completed")
        outcome.includeUIDInUpdates = command.byUID
        return outcome
    }

    /// Runs search criteria over the session's view (SEARCH, SORT, THREAD) and returns the
    /// zero-based positions (sequence number - 1) of the matching messages, ascending. Criteria
    /// that cannot run (an unknown charset: `NO [BADCHARSET]`) throw the answer; with
    /// `clearingSavedResult` they also empty the saved result (RFC 5182 §2.1).
    func findMessages(_ key: SearchKey, charset: String?, in selected: SelectedMailbox,
                      clearingSavedResult: Bool) async throws -> [Int] {
        let program = try await compileSearch(key, charset: charset, in: selected, clearingSavedResult: clearingSavedResult)
        return try await searchRunner(for: selected).run(program, uids: selected.uids, recent: selected.recent)
    }

    /// The criteria compiled against the session's view as it is now (see `findMessages`).
    func compileSearch(_ key: SearchKey, charset: String?, in selected: SelectedMailbox,
                       clearingSavedResult: Bool) async throws -> SearchProgram {
        let uids = selected.uids
        var scope = SearchProgram.Scope(messageCount: UInt32(uids.count),
                                        lastUID: uids.last?.rawValue ?? (selected.uidNext.rawValue &- 1))
        scope.savedUIDs = selected.savedResult.map(\.rawValue)
        scope.emailIDs = emailIDs
        scope.now = Int64(Date().timeIntervalSince1970)  // RFC 5032 OLDER/YOUNGER count from now
        scope.savedSequenceNumbers = selected.savedResult.compactMap { selected.sequenceNumber(of: $0)?.rawValue }
        if key.mentionsThreadID { scope.threadMembers = try await threadMembers(in: selected) }
        do {
            return try SearchProgram(key, charset: charset, scope: scope)
        } catch {
            if clearingSavedResult { selected.savedResult = [] }
            throw CommandError(error.outcome)
        }
    }

    func searchRunner(for selected: SelectedMailbox) -> SearchRunner {
        var runner = SearchRunner(store: store, mailbox: selected.id, principal: principal)
        runner.pageSize = configuration.reading.pageSize
        runner.batchSize = configuration.reading.searchBatchSize
        runner.progress = { [unowned self] done, total in try await self.reportProgress(done: done, total: total) }
        return runner
    }

    /// The found messages whose highest mod-sequence the response reports (RFC 4731 §3.2): "If
    /// the SEARCH/UID SEARCH command contained a single MIN or MAX result option, the MODSEQ
    /// result option contains the mod-sequence for the found message. If [it] contained both
    /// MIN and MAX result options and no ALL/COUNT option, the MODSEQ result option contains
    /// the highest mod-sequence for the two returned messages. Otherwise the MODSEQ result
    /// option contains the highest mod-sequence for all messages being returned."
    ///
    /// With PARTIAL (RFC 9394 §3.1) the messages returned are those of the range.
    static func modSeqMessages(_ options: Set<SearchReturnOption>?, of found: [UID]) -> [UID] {
        guard let options, !options.contains(.all), !options.contains(.count) else { return found }
        var reported: [UID] = []
        if let range = options.partialRange { reported += found[range.indices(in: found.count)] }
        if options.contains(.min), let first = found.first { reported.append(first) }
        if options.contains(.max), let last = found.last { reported.append(last) }
        return reported.isEmpty ? found : reported
    }

    /// `RETURN (...)` as a set; `RETURN ()` means ALL (RFC 4731 §3.1). CONTEXT and UPDATE ask
    /// for no data themselves (RFC 5267 §4.2, §4.3): with nothing else, the ESEARCH response
    /// carries only the tag, as Dovecot's does. nil: no RETURN.
    /// "A single command MUST NOT contain more than one PARTIAL or ALL search return option"
    /// (RFC 9394 §3.1, RFC 5267 §4.4): BAD.
    static func resultOptions(_ options: [SearchReturnOption]?) throws(CommandError) -> Set<SearchReturnOption>? {
        guard let options else { return nil }
        for case .other(let name) in options { throw .bad("Unknown SEARCH result option \(name)") }
        let partials = options.filter { if case .partial = $0 { return true } else { return false } }.count
        if partials > 1 || partials == 1 && options.contains(.all) {
            throw .bad("One PARTIAL or ALL result option at most (RFC 9394 section 3.1)")
        }
        return options.isEmpty ? [.all] : Set(options)
    }

    /// The ESEARCH response (RFC 4731 §3.2) and the saved result (RFC 5182 §2.4: with MIN or
    /// MAX but neither ALL nor COUNT, only those messages are saved).
    func respondExtended(_ options: Set<SearchReturnOption>, numbers: [UInt32], uids: [UID],
                                 modSeq: ModSeq?, tag: Tag, byUID: Bool, in selected: SelectedMailbox) {
        let partial = options.partialRange.map { ($0, $0.indices(in: numbers.count)) }
        if options.contains(.save) {
            let someOnly = options.contains(.min) || options.contains(.max) || partial != nil
            if options.contains(.all) || options.contains(.count) || !someOnly {
                selected.savedResult = uids
            } else {
                // RFC 9394 §3.2 table 1: the PARTIAL results with MIN and MAX.
                var saved: Set<UID> = []
                if case let (_, indices)? = partial { saved.formUnion(uids[indices]) }
                if options.contains(.min), let first = uids.first { saved.insert(first) }
                if options.contains(.max), let last = uids.last { saved.insert(last) }
                selected.savedResult = saved.sorted()
            }
            // SAVE alone: the result is kept, not returned (RFC 5182 §2.4).
            if options.isSubset(of: [.save, .context, .update]) { return }
        }
        var data: [SearchReturnData] = []
        if options.contains(.min), let first = numbers.first { data.append(.min(first)) }
        if options.contains(.max), let last = numbers.last { data.append(.max(last)) }
        if options.contains(.all), !numbers.isEmpty { data.append(.all(Self.ranges(numbers))) }
        if case let (range, indices)? = partial { data.append(.partial(range, Array(numbers[indices]))) }
        if options.contains(.count) { data.append(.count(numbers.count)) }
        if let modSeq { data.append(.modSeq(modSeq)) }
        send(.esearch(tag: tag, uid: byUID, data))
    }

    /// Ascending numbers as compact ranges (`2,10:11`).
    private static func ranges(_ numbers: [UInt32]) -> [ClosedRange<UInt32>] {
        var ranges: [ClosedRange<UInt32>] = []
        for number in numbers {
            if let last = ranges.last, last.upperBound &+ 1 == number {
                ranges[ranges.count - 1] = last.lowerBound...number
            } else {
                ranges.append(number...number)
            }
        }
        return ranges
    }
}

extension Set<SearchReturnOption> {
    /// The range of a PARTIAL result option (RFC 9394 §3.1), if one was given.
    var partialRange: PartialRange? {
        for case .partial(let range) in self { return range }
        return nil
    }
}

extension SearchKey {
    /// Whether a MODSEQ key occurs anywhere in the criteria (RFC 7162 §3.1.5).
    var mentionsModSeq: Bool {
        switch self {
        case .modSeq: return true
        case .not(let inner): return inner.mentionsModSeq
        case .or(let left, let right): return left.mentionsModSeq || right.mentionsModSeq
        case .and(let keys): return keys.contains { $0.mentionsModSeq }
        default: return false
        }
    }
}
