import IMAPSyntax
import MailCore

extension Session {
    /// ID (RFC 2971 §3.1): the server names itself; what the client sends is logged, once
    /// per connection (a client identifies itself once), each field quoted and cut short
    /// (`LoggedText`), at most `loggedIDFields` of them.
    func id(_ fields: [IDField]?) -> CommandOutcome {
        if let fields, !fields.isEmpty, logBudget.firstIdentification() {
            let client = fields.prefix(Self.loggedIDFields).map { field in
                "\(LoggedText(field.name, limit: 32))=\(field.value.map { "\(LoggedText($0, limit: 64))" } ?? "NIL")"
            }.joined(separator: " ")
            logClientEvent(.info, "client identified", metadata: ["id": "\(client)"])
        }
        send(.id([IDField(name: "name", value: ServerVersion.name), IDField(name: "version", value: ServerVersion.version),
                  IDField(name: "vendor", value: ServerVersion.name),
                  IDField(name: "support-url", value: "https://github.com/tern-imap/tern")]))
        return .ok("ID completed")
    }

    /// The standard fields of RFC 2971 §3.3 are eleven.
    static let loggedIDFields = 12

    /// ENABLE (RFC 5161 §3.1): turns on the named extensions this server can enable and lists
    /// the ones newly enabled. Only valid before a mailbox is selected.
    func enable(_ names: [String]) -> CommandOutcome {
        if state.selected != nil { return .bad("ENABLE is only valid before a mailbox is selected") }
        var newlyEnabled: [String] = []
        var enabled = state.session?.enabled ?? []
        for name in names {
            let upper = name.uppercased()
            guard let spelling = Self.enableable[upper], !enabled.contains(upper) else { continue }
            enabled.insert(upper)
            newlyEnabled.append(spelling)
        }
        state.updateSession { $0.enabled = enabled }
        // ENABLE CONDSTORE or QRESYNC (which implies it, RFC 7162 §3.2.3) is a CONDSTORE
        // enabling command.
        if enabled.contains("CONDSTORE") || enabled.contains("QRESYNC") { noteCondstoreUse() }
        // IMAP4rev2 speaks UTF-8 in mailbox names and text (RFC 9051 §5.1, Appendix E 16, 24).
        if rev2 { output.encoder.utf8Enabled = true }
        if uidOnly { output.encoder.uidOnly = true }  // RFC 9586 §3.3
        send(.enabled(newlyEnabled))
        return .ok("ENABLE completed")
    }
}
