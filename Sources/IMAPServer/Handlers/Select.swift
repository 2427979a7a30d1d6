import IMAPSyntax
import MailCore
import MailStore

extension Session {
    /// SELECT and EXAMINE (RFC 3501 §6.3.1–2, RFC 9051 §6.3.2–3): opens a mailbox and reports
    /// its flags, counts, UIDVALIDITY, UIDNEXT and HIGHESTMODSEQ (RFC 7162 §3.1.2.1).
    func select(_ wireName: MailboxName, _ parameters: SelectParameters, readOnly: Bool) async throws -> CommandOutcome {
        guard let user = state.user else { return .bad("Log in first") }
        if parameters.qresync != nil && !qresyncEnabled {
            return .bad("QRESYNC parameter needs ENABLE QRESYNC first")  // RFC 7162 §3.2.5
        }
        // Any selected mailbox is closed first, even if the new one fails (RFC 9051 §6.3.2);
        // with QRESYNC the client is told where the old mailbox's responses end (§3.2.11).
        if leaveSelectedState() {
            if qresyncEnabled || rev2 {
                send(.condition(.ok, ResponseText(code: .closed, "Previous mailbox closed")))
            }
        }
        if parameters.condstore || parameters.qresync != nil { noteCondstoreUse() }
        let name = try decodeMailboxName(wireName)
        let path = try await resolveMailbox(name).path
        guard let record = try await store.mailboxes.mailbox(at: path, as: principal) else {
            return .no("Mailbox does not exist", code: .nonExistent)
        }
        guard record.selectable else { return .no("Mailbox cannot be selected", code: .cannot) }
        // RFC 4314 §4: without a right that changes the mailbox, it opens read-only.
        let rights = try await store.accessControl.rights(on: path, as: principal)
        let opensReadOnly = readOnly || rights.isDisjoint(with: [.keepSeen, .write, .deleteMessages, .expunge])
        let snapshot = try await store.messages.open(record.id, claimRecent: !opensReadOnly, as: principal)
        let selected = SelectedMailbox(snapshot: snapshot, readOnly: opensReadOnly)
        selected.reportsRecent = !rev2
        selected.rights = rights

        for response in selected.flagsResponses { send(response) }
        if opensReadOnly {
            send(.condition(.ok, ResponseText(code: .permanentFlags([]), "No permanent flags permitted")))
        }
        send(.exists(selected.count))
        if rev2 {
            // RFC 9051 §6.3.2: the mailbox's LIST response; RECENT and UNSEEN are gone.
            send(.list(try await listResponse(for: record, named: name, of: user)))
        } else {
            send(.recent(selected.recent.count))
        }
        if !rev2, !uidOnly, let firstUnseen = snapshot.messages.firstIndex(where: { !$0.flags.system.contains(.seen) }) {
            send(.condition(.ok, ResponseText(code: .unseen(SequenceNumber(UInt32(firstUnseen + 1))),
                                              "First unseen")))
        }
        send(.condition(.ok, ResponseText(code: .uidValidity(record.uidValidity), "UIDs valid")))
        send(.condition(.ok, ResponseText(code: .uidNext(snapshot.uidNext), "Predicted next UID")))
        send(.condition(.ok, ResponseText(code: .highestModSeq(snapshot.highestModSeq), "Highest")))
        send(.condition(.ok, ResponseText(code: .mailboxID(MailboxNames.objectID(of: record)), "Mailbox ID")))

        observe(selected)
        if let session = state.session { state = .selected(session, selected) }
        if let qresync = parameters.qresync, qresync.uidValidity == record.uidValidity {
            try await resynchronize(selected, from: qresync)
        }
        let verb = readOnly ? "EXAMINE" : "SELECT"
        return .ok("\(verb) completed", code: opensReadOnly ? .readOnly : .readWrite)
    }

    /// Quick resynchronisation at SELECT (RFC 7162 §3.2.5.1): what was expunged and what
    /// changed since the client's MODSEQ, limited to the UIDs it knows, as if it had sent
    /// `UID FETCH known-uids (FLAGS) (CHANGEDSINCE modseq VANISHED)`.
    private func resynchronize(_ selected: SelectedMailbox, from parameters: QResyncParameters) async throws {
        let known: (UID) -> Bool
        if let set = parameters.knownUIDs {
            try await reportVanishedEarlier(since: parameters.modSeq, within: set, in: selected)
            guard case .ranges(let ranges) = set else { return }
            let bounds = ranges.map { $0.resolved(last: selected.uidNext.rawValue &- 1) }
            known = { uid in bounds.contains { $0.contains(uid.rawValue) } }
        } else {
            try await reportVanishedEarlier(since: parameters.modSeq, in: selected) { _ in true }
            known = { _ in true }
        }
        let changed = try await store.messages.changes(in: selected.id, since: parameters.modSeq, as: principal).changed
        let reporting = self.reporting(includeUID: true)
        for state in changed where known(state.uid) {
            guard let sequence = selected.sequenceNumber(of: state.uid) else { continue }
            send(.fetch(sequence, reporting.items(for: state, flags: selected.flags(of: state))))
        }
    }

    /// CLOSE (RFC 9051 §6.4.1): silently expunges `\Deleted` messages if the mailbox was
    /// opened read-write, then returns to the authenticated state.
    func close() async throws -> CommandOutcome {
        guard let selected = state.selected else { return .bad("No mailbox selected") }
        leaveSelectedState()
        if !selected.readOnly {
            do {
                _ = try await store.messages.expunge(in: selected.id, uids: nil, as: principal)
            } catch MailStoreError.permissionDenied {
                // RFC 4314 §4: without `e`, CLOSE closes and expunges nothing, with OK.
            }
        }
        return .ok("CLOSE completed")
    }

    /// UNSELECT (RFC 3691): returns to the authenticated state without expunging.
    func unselect() -> CommandOutcome {
        guard leaveSelectedState() else { return .bad("No mailbox selected") }
        return .ok("UNSELECT completed")
    }

    /// A wire mailbox name as a store name (modified UTF-7, INBOX, validation).
    func decodeMailboxName(_ name: MailboxName, forCreate: Bool = false) throws(CommandError) -> String {
        try MailboxNames.decode(name, utf8: output.encoder.utf8Enabled, trailingDelimiterAllowed: forCreate)
    }
}
