import IMAPSyntax
import MailCore
import MailSort
import MailStore

extension Session {
    /// SORT and UID SORT (RFC 5256 §3), with the keys of SORT=DISPLAY (RFC 5957) and the
    /// return options of ESORT (RFC 5267 §3.1).
    ///
    ///     C: A283 SORT (SUBJECT REVERSE DATE) UTF-8 ALL
    ///     S: * SORT 5 3 4 1 2
    ///     S: A283 OK SORT completed
    ///     C: E01 UID SORT RETURN (MIN COUNT) (DATE) UTF-8 UNSEEN
    ///     S: * ESEARCH (TAG "E01") UID MIN 23 COUNT 3
    ///
    /// The search criteria run as SEARCH runs them (`SearchRunner`); the found messages are
    /// ordered by the keys stored when each was delivered (`MailStorage.sortInputs`), ties by
    /// sequence number. With RETURN the answer is an ESEARCH response whose ALL lists the
    /// messages in sort order, ranges only where numbers ascend (§3.2), and whose MIN and MAX
    /// are the first and last in sort order ("the lowest sorted message"). An unknown charset
    /// answers `NO [BADCHARSET]`; an unknown key is a syntax error (`BAD`).
    func sort(_ command: SortCommand, tag: Tag) async throws -> CommandOutcome {
        guard let selected = state.selected else { return .bad("No mailbox selected") }
        let options = try Self.resultOptions(command.returnOptions)
        let follows = options?.contains(.update) == true
        if follows, let refusal = updateRefusal(tag: tag, in: selected) { return refusal }
        let program = try await compileSearch(command.key, charset: command.charset, in: selected,
                                              clearingSavedResult: options?.contains(.save) == true)
        let found = try await searchRunner(for: selected).run(program, uids: selected.uids, recent: selected.recent)
        let criteria = command.criteria.map { SortCriterion(SortKey($0.key), reverse: $0.reverse) }
        let foundUIDs = found.map { selected.uids[$0] }
        let inputs = try await store.sortInputs(in: selected.id, uids: foundUIDs,
                                                sequences: found.map { UInt32($0 + 1) }, as: principal,
                                                pageSize: configuration.reading.pageSize)
        let order = MessageSorter.order(inputs.map(\.message), by: criteria)
        let sortedUIDs = order.map { inputs[$0].uid }
        let numbers = order.map { command.byUID ? inputs[$0].uid.rawValue : inputs[$0].message.sequence }
        var highest: ModSeq?
        if command.key.mentionsModSeq {
            noteCondstoreUse()
            if !sortedUIDs.isEmpty {
                highest = try await store.messages.statesOrGhosts(
                    in: selected.id, uids: Self.modSeqMessages(options, of: sortedUIDs).sorted(), as: principal)
                    .map(\.modSeq).max()
            }
        }
        if let options {
            respondExtended(options, numbers: numbers, uids: sortedUIDs, modSeq: highest, tag: tag,
                            byUID: command.byUID, in: selected)
        } else {
            send(.sort(numbers, modSeq: highest))
        }
        if follows {
            follow(SearchContext(tag: tag, byUID: command.byUID, program: program, sortCriteria: criteria,
                                 result: sortedUIDs), in: selected)
        }
        var outcome = CommandOutcome.ok(command.byUID ? "UID SORT completed" : "SORT completed")
        outcome.includeUIDInUpdates = command.byUID
        return outcome
    }

    /// THREAD and UID THREAD (RFC 5256 §3): ORDEREDSUBJECT and REFERENCES.
    ///
    ///     C: A284 THREAD REFERENCES UTF-8 ALL
    ///     S: * THREAD (2)(3 6 (4 23)(44 7 96))
    ///     S: A284 OK THREAD completed
    ///
    /// An algorithm the server does not know answers `BAD` (as Dovecot does), an unknown
    /// charset `NO [BADCHARSET]`.
    func thread(_ command: ThreadCommand, tag: Tag) async throws -> CommandOutcome {
        guard let selected = state.selected else { return .bad("No mailbox selected") }
        guard let algorithm = ThreadAlgorithm(rawValue: command.algorithm) else {
            return .bad("Unknown threading algorithm \(command.algorithm)")
        }
        let found = try await findMessages(command.key, charset: command.charset, in: selected,
                                           clearingSavedResult: false)
        if command.key.mentionsModSeq { noteCondstoreUse() }
        let foundUIDs = found.map { selected.uids[$0] }
        let inputs = try await store.sortInputs(in: selected.id, uids: foundUIDs,
                                                sequences: found.map { UInt32($0 + 1) }, as: principal,
                                                pageSize: configuration.reading.pageSize)
        let threads = MessageThreader.threads(inputs.map(\.message), by: algorithm)
        func node(_ thread: MessageThread) -> ThreadNode {
            let number = thread.message.map { command.byUID ? inputs[$0].uid.rawValue : inputs[$0].message.sequence }
            return ThreadNode(number: number, children: thread.children.map(node))
        }
        send(.thread(threads.map(node)))
        var outcome = CommandOutcome.ok(command.byUID ? "UID THREAD completed" : "THREAD completed")
        outcome.includeUIDInUpdates = command.byUID
        return outcome
    }
}

extension SortKey {
    init(_ key: SortCommand.Key) {
        switch key {
        case .arrival: self = .arrival
        case .cc: self = .cc
        case .date: self = .date
        case .from: self = .from
        case .size: self = .size
        case .subject: self = .subject
        case .to: self = .to
        case .displayFrom: self = .displayFrom
        case .displayTo: self = .displayTo
        }
    }
}
