import IMAPSyntax
import MailCore
import MailStore

extension Session {
    /// EXPUNGE (RFC 9051 §6.4.3) and UID EXPUNGE (RFC 4315 §2.1): removes `\Deleted`
    /// messages (only those in the UID set for UID EXPUNGE) and reports each removal.
    func expunge(uids set: SequenceSet?) async throws -> CommandOutcome {
        guard let selected = state.selected else { return .bad("No mailbox selected") }
        if selected.readOnly { return .no("Mailbox is read-only", code: .readOnly) }
        var uids: [UID]?
        if let set { uids = try resolve(set, byUID: true, in: selected).map(\.1) }
        if let uids, uids.isEmpty { return .ok("UID EXPUNGE completed") }
        let expunged = try await store.messages.expunge(in: selected.id, uids: uids, as: principal)
        reportExpunged(expunged, in: selected)
        var outcome = CommandOutcome.ok(set == nil ? "EXPUNGE completed" : "UID EXPUNGE completed")
        if qresyncEnabled && !expunged.isEmpty {
            // RFC 7162 §3.2.7: the new HIGHESTMODSEQ in the tagged OK.
            try await synchronize(allowExpunge: true)
            outcome.code = .highestModSeq(selected.knownModSeq)
        }
        return outcome
    }

    /// Removes messages this session expunged (EXPUNGE, MOVE) from its view and tells the
    /// client, each EXPUNGE naming the number valid at that point (RFC 9051 §7.5.1).
    func reportExpunged(_ uids: [UID], in selected: SelectedMailbox) {
        for response in selected.expungeResponses(uids, reporting: reporting()) { send(response) }
    }

    /// The messages a sequence set names, or a tagged BAD for numbers beyond the mailbox
    /// (RFC 9051 §9 seq-number).
    func resolve(_ set: SequenceSet, byUID: Bool,
                 in selected: SelectedMailbox) throws(CommandError) -> [(SequenceNumber, UID)] {
        do {
            return try selected.resolve(set, byUID: byUID)
        } catch {
            switch error {
            case .noSuchMessage: throw .bad("Invalid message sequence number")
            }
        }
    }
}
