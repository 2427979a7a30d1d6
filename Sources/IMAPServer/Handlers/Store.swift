import IMAPSyntax
import MailCore
import MailStore

extension Session {
    /// STORE and UID STORE (RFC 9051 §6.4.6): changes flags and reports the new flags of each
    /// message with an untagged FETCH unless `.SILENT` (UID STORE also reports UID).
    ///
    /// A message another session expunged, which this session has not been told of yet, is
    /// left as it was and not reported, and the command ends OK as for the others: RFC 2180
    /// §4.2 lets the server choose, and Dovecot answers OK too. The client hears of the
    /// expunge at its next command that may carry it.
    func storeFlags(_ command: StoreCommand) async throws -> CommandOutcome {
        guard let selected = state.selected else { return .bad("No mailbox selected") }
        if selected.readOnly { return .no("Mailbox is read-only", code: .readOnly) }
        for flag in command.flags {
            switch flag {
            case .recent: return .bad("\\Recent cannot be changed")
            case .extension(let name): return .bad("Unknown system flag \(name)")
            default: continue
            }
        }
        if command.unchangedSince != nil { noteCondstoreUse() }
        let targets = try resolve(command.sequenceSet, byUID: command.byUID, in: selected)
        var outcome = CommandOutcome.ok(command.byUID ? "UID STORE completed" : "STORE completed")
        outcome.includeUIDInUpdates = command.byUID
        guard !targets.isEmpty else { return outcome }
        let result = try await store.messages.storeFlags(in: selected.id, uids: targets.map(\.1),
                                                         operation: command.operation, flags: MessageFlags(command.flags),
                                                         unchangedSince: command.unchangedSince, as: principal)
        selected.noteOwnChanges(result.messages, changed: result.changedUIDs)
        if !result.changedUIDs.isEmpty && command.operation != .remove {
            for response in selected.learnKeywords(command.flags) { send(response) }
        }
        let modified = Set(result.modified)
        let reporting = self.reporting(includeUID: command.byUID)
        for message in result.messages where !modified.contains(message.uid) {
            guard let sequence = selected.sequenceNumber(of: message.uid) else { continue }
            if !command.silent {
                send(.fetch(sequence, reporting.items(for: message, flags: selected.flags(of: message))))
            } else if command.unchangedSince != nil {
                // RFC 7162 §3.1.3: with UNCHANGEDSINCE the new MODSEQ is sent even if .SILENT.
                var items: [FetchItem] = []
                if command.byUID || condstoreEnabled { items.append(.uid(message.uid)) }
                items.append(.modSeq(message.modSeq))
                send(.fetch(sequence, items))
            }
        }
        if !result.modified.isEmpty {
            // Sequence numbers for STORE, UIDs for UID STORE (RFC 7162 §3.1.3).
            outcome.code = .modified(command.byUID ? .uids(UIDSet(result.modified))
                : .sequenceNumbers(SequenceNumberSet(result.modified.compactMap(selected.sequenceNumber(of:)))))
        }
        return outcome
    }

    /// COPY and UID COPY (RFC 9051 §6.4.7) with COPYUID (RFC 4315 §3); a missing destination
    /// gets `[TRYCREATE]`.
    func copy(_ set: SequenceSet, to wireName: MailboxName, byUID: Bool) async throws -> CommandOutcome {
        guard state.user != nil, let selected = state.selected else { return .bad("No mailbox selected") }
        let name = try decodeMailboxName(wireName)
        guard let destination = try await store.mailboxes.mailbox(at: try await resolveMailbox(name).path,
                                                                  as: principal) else {
            return .no("Mailbox does not exist", code: .tryCreate)
        }
        guard destination.selectable else { return .no("Mailbox cannot hold messages", code: .cannot) }
        let targets = try resolve(set, byUID: byUID, in: selected)
        let verb = byUID ? "UID COPY" : "COPY"
        guard !targets.isEmpty else { return .ok("\(verb) completed") }
        if targets.count > configuration.saveLimit {  // RFC 9738 §3.1: nothing is copied
            let descending = targets.map(\.1).sorted(by: >)
            return saveLimitRefusal("copy", lowest: descending[configuration.saveLimit - 1])
        }
        // By sequence number, every message named must still exist (RFC 2180 §4.4.1).
        let (messages, source, uids, principal) = (store.messages, selected.id, targets.map(\.1), principal)
        let result = try await reportingProgress {  // RFC 9585: INPROGRESS while it runs
            try await messages.copy(from: source, uids: uids, to: destination.id, requireAll: !byUID, as: principal)
        }
        var outcome = CommandOutcome.ok("\(verb) completed")
        if !result.sourceUIDs.isEmpty {
            outcome.code = .copyUID(result.uidValidity, source: result.sourceUIDs,
                                    destination: result.destinationUIDs)
        }
        return outcome
    }
}
