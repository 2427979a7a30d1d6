import IMAPSyntax
import MailCore
import MailSort
import MailStore

extension Session {
    /// Why a searching command's UPDATE cannot start: RFC 5267 §4.3, "An attempt to use
    /// UPDATE where a tag is already in use with a previous searching command that itself
    /// used UPDATE SHALL result in the server rejecting the searching command with a BAD
    /// response." nil: it can.
    func updateRefusal(tag: Tag, in selected: SelectedMailbox) -> CommandOutcome? {
        guard selected.searchContexts.contains(tag: tag) else { return nil }
        return .bad("Tag reuse: \(tag) already names a SEARCH or SORT with UPDATE")
    }

    /// Starts following a searching command's result (RFC 5267 §4.3), or refuses with
    /// `* NO [NOUPDATE "tag"]` once the session holds as many contexts as configured
    /// (§4.3.1: the other return options are still honoured).
    func follow(_ context: SearchContext, in selected: SelectedMailbox) {
        guard selected.searchContexts.contexts.count < max(1, configuration.reading.updateContexts) else {
            send(.condition(.no, ResponseText(code: .noUpdate(context.tag), "Too many update contexts")))
            return
        }
        selected.searchContexts.contexts.append(context)
    }

    /// CANCELUPDATE (RFC 5267 §4.3.5): no more updates for these searching commands. A tag
    /// that names no update context answers NO (as Dovecot does), and then nothing is
    /// cancelled.
    ///
    ///     C: B04 CANCELUPDATE "B01"
    ///     S: B04 OK No further updates.
    func cancelUpdate(_ tags: [Tag]) -> CommandOutcome {
        guard let selected = state.selected else { return .bad("No mailbox selected") }
        if let unknown = tags.first(where: { !selected.searchContexts.contains(tag: $0) }) {
            return .no("Unknown tag: no SEARCH or SORT with UPDATE has the tag \(unknown)")
        }
        _ = selected.searchContexts.cancel(tags)
        return .ok("No further updates")
    }

    /// Brings the update contexts up to date with the messages that arrived or whose flags
    /// changed since they were last looked at, and sends `* ESEARCH (TAG ..) REMOVEFROM ..
    /// ADDTO ..` for each context whose result changed (RFC 5267 §4.3.3, §4.3.4). Runs after
    /// the EXISTS and FETCH responses that carry the change have gone out, so the sequence
    /// numbers it names are valid ("an ADDTO containing message sequence numbers added as a
    /// result of those messages being delivered or appended MUST be sent after the EXISTS
    /// notification itself"). Expunged messages leave the contexts earlier, in
    /// `SelectedMailbox.expungeResponses`.
    ///
    /// Only the changed messages are searched again (messages never change, only their flags
    /// do); a SORT context that gained messages reads the stored sort keys of its result to
    /// place them. Sequence numbers in the criteria count as they do now, not as when the
    /// command ran.
    func refreshSearchContexts() async throws {
        guard let selected = state.selected, !selected.searchContexts.contexts.isEmpty else { return }
        let changed = selected.searchContexts.takeChanged()
        let positions = changed.compactMap { uid -> Int? in
            guard !selected.isPendingExpunge(uid), let sequence = selected.sequenceNumber(of: uid) else { return nil }
            return Int(sequence.rawValue) - 1
        }.sorted()
        guard !positions.isEmpty else { return }
        let looked = Set(positions.map { selected.uids[$0] })
        var runner = searchRunner(for: selected)
        runner.progress = nil  // between commands too (IDLE): no command to report on
        for index in selected.searchContexts.contexts.indices {
            var context = selected.searchContexts.contexts[index]
            let matched = Set(try await runner.run(context.program, uids: selected.uids, recent: selected.recent,
                                                   among: positions).map { selected.uids[$0] })
            let members = Set(context.result)
            let leaving = looked.intersection(members).subtracting(matched)
            let joining = matched.subtracting(members)
            guard !leaving.isEmpty || !joining.isEmpty else { continue }
            let byUID = context.byUID
            let number: (UID) -> UInt32 = { uid in
                byUID ? uid.rawValue : selected.sequenceNumber(of: uid)?.rawValue ?? 0
            }
            var data: [SearchReturnData] = []
            let removed = ContextDiff.remove(leaving, from: &context.result, ordered: context.sortCriteria != nil,
                                             number: number)
            if !removed.isEmpty { data.append(.removeFrom(removed)) }
            if !joining.isEmpty {
                let target = try await resultOrder(context.result + joining, by: context.sortCriteria, in: selected)
                data.append(.addTo(ContextDiff.insert(into: &context.result, target: target,
                                                      ordered: context.sortCriteria != nil, number: number)))
            }
            selected.searchContexts.contexts[index] = context
            send(.esearch(tag: context.tag, uid: context.byUID, data))
        }
    }

    /// The messages in the requested order: mailbox order for SEARCH, the sort order (ties by
    /// sequence number, RFC 5256 §3) for SORT, from the stored sort keys.
    private func resultOrder(_ uids: [UID], by criteria: [SortCriterion]?,
                             in selected: SelectedMailbox) async throws -> [UID] {
        let ascending = uids.sorted()
        guard let criteria else { return ascending }
        let inputs = try await store.sortInputs(in: selected.id, uids: ascending,
                                                sequences: ascending.map { selected.sequenceNumber(of: $0)?.rawValue ?? 0 },
                                                as: principal, pageSize: configuration.reading.pageSize)
        return MessageSorter.order(inputs.map(\.message), by: criteria).map { inputs[$0].uid }
    }
}
