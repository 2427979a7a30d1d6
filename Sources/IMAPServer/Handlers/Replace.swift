import IMAPSyntax
import MailCore
import MailStore

/// The message a REPLACE names, resolved in the selected mailbox when its literal is announced.
struct ReplacedMessage {
    let selected: SelectedMailbox
    let uid: UID
    let byUID: Bool
}

extension Session {
    /// REPLACE and UID REPLACE (RFC 8508 §3.2–3.3): the message named, before its replacement's
    /// bytes are accepted. A sequence number beyond the mailbox is a `BAD` (RFC 9051 §9
    /// seq-number); a UID no message has, a `NO`. The selected mailbox must be writable (the
    /// rights of STORE and EXPUNGE, §4.1).
    func replacedMessage(_ target: ReplaceTarget) throws(CommandError) -> ReplacedMessage {
        guard let selected = state.selected else { throw .bad("No mailbox selected") }
        if uidOnly && !target.byUID { throw CommandError(Self.uidRequired) }  // RFC 9586 §3
        if selected.readOnly { throw .no("Mailbox is read-only", code: .readOnly) }
        let targets = try resolve(.ranges([SequenceRange(single: target.message)]), byUID: target.byUID, in: selected)
        guard let (_, uid) = targets.first else { throw .no("No message with that UID to replace") }
        return ReplacedMessage(selected: selected, uid: uid, byUID: target.byUID)
    }

    /// The replacement arrived: append and expunge in one store step (§3.4), then the
    /// APPENDUID in an untagged OK before the EXPUNGE (§4.3), and the tagged OK. Nothing is
    /// reported if it fails (§3.4: "any untagged EXPUNGE response MUST NOT be sent until all
    /// actions are successfully completed").
    func replaceEnd(_ append: AppendInProgress, replacing replaced: ReplacedMessage) async throws -> CommandOutcome {
        let verb = replaced.byUID ? "UID REPLACE" : "REPLACE"
        guard let message = append.messages.first, append.messages.count == 1 else {
            return .bad("\(verb) takes one message")
        }
        guard state.selected === replaced.selected else { return .no("The mailbox was closed meanwhile") }
        do {
            let result = try await store.replacing.replace(replaced.uid, in: replaced.selected.id, with: message,
                                                           to: append.mailbox.id, as: principal)
            send(.condition(.ok, ResponseText(code: .appendUID(result.uidValidity, UIDSet(result.uids)),
                                              "Replacement Message ready")))
            reportExpunged([replaced.uid], in: replaced.selected)
            var outcome = CommandOutcome.ok("\(verb) completed")
            outcome.includeUIDInUpdates = replaced.byUID
            return outcome
        } catch MailStoreError.messagesExpunged {
            return .no("The message to replace was expunged meanwhile", code: .expungeIssued)
        } catch {
            return try outcome(for: error, in: verb)
        }
    }
}
