import IMAPSyntax
import MailCore
import MailStore

extension Session {
    /// LIST-METADATA (RFC 9590 §3): after the LIST response of a selectable mailbox, one
    /// `* METADATA` response with the entries asked for, as GETMETADATA without DEPTH answers
    /// them (an entry without a value is NIL). A mailbox whose entries cannot be read gets no
    /// METADATA response, which §3 allows ("it MAY drop the corresponding METADATA response").
    func sendListMetadata(_ entries: [MetadataEntryName], of record: MailboxRecord, user: User) async {
        let target = MetadataTarget.mailbox(MailboxPath(owner: user.id, name: record.name))
        guard let found = try? await store.metadata.metadata(on: target, names: entries, depth: .zero, as: principal)
        else { return }
        let values = found.map { MetadataEntryValue(entry: $0.name, value: $0.value) }
        send(.metadata(record.name, Self.withMissingAsNIL(values, asked: entries, found: found.map(\.name))))
    }
}
