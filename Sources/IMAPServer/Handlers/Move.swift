import IMAPSyntax
import MailCore
import MailStore

extension Session {
    /// MOVE and UID MOVE (RFC 6851 §3): copy and expunge in one atomic store operation. The
    /// COPYUID goes in an untagged OK before the EXPUNGE responses (RFC 6851 §4.3). Moving into
    /// the selected mailbox itself is a copy and an expunge like any other: the messages get
    /// new UIDs, announced with EXISTS at the command's end.
    func move(_ set: SequenceSet, to wireName: MailboxName, byUID: Bool) async throws -> CommandOutcome {
        guard state.user != nil, let selected = state.selected else { return .bad("No mailbox selected") }
        if selected.readOnly { return .no("Mailbox is read-only", code: .readOnly) }
        let name = try decodeMailboxName(wireName)
        guard let destination = try await store.mailboxes.mailbox(at: try await resolveMailbox(name).path,
                                                                  as: principal) else {
            return .no("Mailbox does not exist", code: .tryCreate)
        }
        guard destination.selectable else { return .no("Mailbox cannot hold messages", code: .cannot) }
        let targets = try resolve(set, byUID: byUID, in: selected)
        let verb = byUID ? "UID MOVE" : "MOVE"
        guard !targets.isEmpty else { return .ok("\(verb) completed") }
        let (messages, source, uids, principal) = (store.messages, selected.id, targets.map(\.1), principal)
        let result = try await reportingProgress {  // RFC 9585: INPROGRESS while it runs
            try await messages.move(from: source, uids: uids, to: destination.id, as: principal)
        }
        if !result.sourceUIDs.isEmpty {
            send(.condition(.ok, ResponseText(code: .copyUID(result.uidValidity, source: result.sourceUIDs,
                                                             destination: result.destinationUIDs), "Moved")))
        }
        reportExpunged(result.sourceUIDs, in: selected)
        return .ok("\(verb) completed")
    }
}
