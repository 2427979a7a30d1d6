import IMAPSyntax
import MailStore

extension Session {
    /// SEARCH and UID SEARCH (RFC 9051 §6.4.4, RFC 3501 §6.4.4 and §6.4.8): one untagged
    /// `SEARCH` response (RFC 3501 §7.2.5) listing the matching messages' sequence numbers, or
    /// their UIDs for UID SEARCH, ascending; `* SEARCH` alone when nothing matches.
    ///
    ///     C: A282 SEARCH FLAGGED SINCE 1-Feb-1994 NOT FROM "Smith"
    ///     S: * SEARCH 2 84 882
    ///     S: A282 OK SEARCH completed
    ///
    /// Result options (`RETURN (...)`, ESEARCH, RFC 4731) are not advertised and answer BAD;
    /// so do keys of extensions that are not advertised. An unknown CHARSET answers
    /// `NO [BADCHARSET (UTF-8 US-ASCII)]`.
    ///
    /// Sequence numbers beyond the last message match nothing rather than failing the
    /// command: RFC 9051 §9 (`seq-number`) asks for BAD where COPY, FETCH and STORE name
    /// messages; a search key only narrows the result.
    func search(_ command: SearchCommand) async throws -> CommandOutcome {
        guard let selected = state.selected else { return .bad("No mailbox selected") }
        if command.returnOptions != nil {
            return .bad("SEARCH RETURN needs ESEARCH, which is not supported")
        }
        let uids = selected.uids
        let scope = SearchProgram.Scope(messageCount: UInt32(uids.count),
                                        lastUID: uids.last?.rawValue ?? (selected.uidNext.rawValue &- 1))
        let program: SearchProgram
        do {
            program = try SearchProgram(command.key, charset: command.charset, scope: scope)
        } catch {
            return error.outcome
        }
        let found = try await SearchRunner(store: store, mailbox: selected.id)
            .run(program, uids: uids, recent: selected.recent)
        let numbers = command.byUID ? found.map { uids[$0].rawValue } : found.map { UInt32($0 + 1) }
        send(.search(numbers, modSeq: nil))
        var outcome = CommandOutcome.ok(command.byUID ? "UID SEARCH completed" : "SEARCH completed")
        outcome.includeUIDInUpdates = command.byUID
        return outcome
    }
}
