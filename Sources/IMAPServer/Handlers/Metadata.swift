import IMAPSyntax
import MailCore
import MailStore

extension Session {
    /// GETMETADATA (RFC 5464 §4.2): one `* METADATA` response with every entry found, in name
    /// order; without DEPTH, an entry asked for that has no value comes as NIL (as Dovecot
    /// answers), so such a client always gets its response; with DEPTH, only what exists
    /// (none at all: no response, as Dovecot). With MAXSIZE, larger
    /// values are left out and the largest one's size comes in `[METADATA LONGENTRIES n]`
    /// (§4.2.1).
    func getMetadata(_ command: GetMetadataCommand) async throws -> CommandOutcome {
        let (target, displayName) = try metadataTarget(command.mailbox)
        let found = try await store.metadata.metadata(on: target, names: command.entries, depth: command.depth,
                                                      as: principal)
        var answered: [MetadataEntryValue] = []
        var longest: Int?
        for entry in found {
            if let maxSize = command.maxSize, entry.value.count > Int(maxSize) {
                longest = max(longest ?? 0, entry.value.count)
            } else {
                answered.append(MetadataEntryValue(entry: entry.name, value: entry.value))
            }
        }
        if command.depth == .zero {
            answered = Self.withMissingAsNIL(answered, asked: command.entries, found: found.map(\.name))
        }
        if !answered.isEmpty { send(.metadata(displayName, answered)) }
        return .ok("GETMETADATA completed", code: longest.map { .metadata(.longEntries(UInt64($0))) })
    }

    /// SETMETADATA (RFC 5464 §4.3): all entries change or none, within `[metadata]` limits;
    /// shared server entries are the administrator's (`NO [NOPERM]`).
    func setMetadata(_ mailbox: MailboxName, _ entries: [MetadataEntryValue]) async throws -> CommandOutcome {
        let (target, _) = try metadataTarget(mailbox)
        let changes = entries.map { MetadataChange(name: $0.entry, value: $0.value) }
        try await store.metadata.setMetadata(changes, on: target, limits: configuration.metadata, as: principal)
        return .ok("SETMETADATA completed")
    }

    /// The server (the empty name, METADATA-SERVER) or one of the user's mailboxes, and the
    /// name the response gives it.
    private func metadataTarget(_ wireName: MailboxName) throws(CommandError) -> (MetadataTarget, MailboxDisplayName) {
        guard let user = state.user else { throw .bad("Log in first") }
        if wireName.bytes.isEmpty { return (.server, "") }
        let name = try decodeMailboxName(wireName)
        return (.mailbox(MailboxPath(owner: user.id, name: name)), name)
    }
}

extension Session {
    /// `answered` with NIL for each name in `asked` that has no value (is not among `found`;
    /// one left out by MAXSIZE has a value), in name order (GETMETADATA without DEPTH, and
    /// LIST RETURN (METADATA), RFC 9590 §4).
    static func withMissingAsNIL(_ answered: [MetadataEntryValue], asked: [MetadataEntryName],
                                 found: [MetadataEntryName]) -> [MetadataEntryValue] {
        var missing = Set(asked)
        for name in found { missing.remove(name) }
        return (answered + missing.map { MetadataEntryValue(entry: $0, value: nil) }).sorted { $0.entry < $1.entry }
    }
}

extension CommandOutcome {
    /// The tagged NO for a refused SETMETADATA (RFC 5464 §4.3).
    static func metadataRefused(_ refusal: MetadataRefusal) -> CommandOutcome {
        switch refusal {
        case .valueTooLarge(let max):
            return .no("Metadata value larger than \(max) octets", code: .metadata(.maxSize(UInt64(max))))
        case .tooMany:
            return .no("Too many metadata entries", code: .metadata(.tooMany))
        case .totalTooLarge(let max):
            return .no("Metadata of this user would exceed \(max) octets", code: .metadata(.tooMany))
        case .noPrivate:
            return .no("No private metadata here", code: .metadata(.noPrivate))
        }
    }
}
