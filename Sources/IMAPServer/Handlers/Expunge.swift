import IMAPSyntax
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
        let expunged = try await store.expunge(in: selected.id, uids: uids)
        for sequence in selected.removeExpunged(expunged) { send(.expunge(sequence)) }
        return .ok(set == nil ? "EXPUNGE completed" : "UID EXPUNGE completed")
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
            case .savedResultUnsupported: throw .bad("$ needs SEARCHRES, which is not supported")
            }
        }
    }
}
