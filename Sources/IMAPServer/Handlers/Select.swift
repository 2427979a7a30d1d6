import IMAPSyntax
import MailStore

extension Session {
    /// SELECT and EXAMINE (RFC 3501 §6.3.1–2, RFC 9051 §6.3.2–3): opens a mailbox and reports
    /// its flags, counts, UIDVALIDITY, UIDNEXT and HIGHESTMODSEQ (RFC 7162 §3.1.2.1).
    func select(_ wireName: MailboxName, _ parameters: SelectParameters, readOnly: Bool) async throws -> CommandOutcome {
        guard let user = state.user else { return .bad("Log in first") }
        // Any selected mailbox is closed first, even if the new one fails (RFC 9051 §6.3.2).
        if let previous = state.selected {
            deselect(previous)
            state = .authenticated(user)
        }
        let name = try decodeMailboxName(wireName)
        guard let record = try await store.mailbox(named: name, of: user.id) else {
            return .no("Mailbox does not exist", code: .nonExistent)
        }
        guard record.selectable else { return .no("Mailbox cannot be selected", code: .cannot) }
        let snapshot = try await store.open(record.id, claimRecent: !readOnly)
        let selected = SelectedMailbox(snapshot: snapshot, readOnly: readOnly)

        send(.flags(selected.flagList))
        let permanent: [PermanentFlag] = readOnly ? [] : selected.flagList.map(PermanentFlag.flag) + [.wildcard]
        send(.condition(.ok, ResponseText(code: .permanentFlags(permanent),
                                          readOnly ? "No permanent flags permitted" : "Flags permitted")))
        send(.exists(selected.count))
        send(.recent(selected.recent.count))
        if let firstUnseen = snapshot.messages.firstIndex(where: { !$0.flags.system.contains(.seen) }) {
            send(.condition(.ok, ResponseText(code: .unseen(SequenceNumber(UInt32(firstUnseen + 1))),
                                              "First unseen")))
        }
        send(.condition(.ok, ResponseText(code: .uidValidity(record.uidValidity), "UIDs valid")))
        send(.condition(.ok, ResponseText(code: .uidNext(snapshot.uidNext), "Predicted next UID")))
        send(.condition(.ok, ResponseText(code: .highestModSeq(snapshot.highestModSeq), "Highest")))

        observe(selected)
        state = .selected(user, selected)
        let verb = readOnly ? "EXAMINE" : "SELECT"
        return .ok("\(verb) completed", code: readOnly ? .readOnly : .readWrite)
    }

    /// CLOSE (RFC 9051 §6.4.1): silently expunges `\Deleted` messages if the mailbox was
    /// opened read-write, then returns to the authenticated state.
    func close() async throws -> CommandOutcome {
        guard let user = state.user, let selected = state.selected else { return .bad("No mailbox selected") }
        deselect(selected)
        state = .authenticated(user)
        if !selected.readOnly { _ = try await store.expunge(in: selected.id, uids: nil) }
        return .ok("CLOSE completed")
    }

    /// UNSELECT (RFC 3691): returns to the authenticated state without expunging.
    func unselect() -> CommandOutcome {
        guard let user = state.user, let selected = state.selected else { return .bad("No mailbox selected") }
        deselect(selected)
        state = .authenticated(user)
        return .ok("UNSELECT completed")
    }

    /// A wire mailbox name as a store name (modified UTF-7, INBOX, validation).
    func decodeMailboxName(_ name: MailboxName, forCreate: Bool = false) throws(CommandError) -> String {
        try MailboxNames.decode(name, utf8: output.encoder.utf8Enabled, trailingDelimiterAllowed: forCreate)
    }
}
