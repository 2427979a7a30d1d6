import IMAPSyntax
import MailCore

extension Session {
    /// Extensions a client may turn on with ENABLE (RFC 5161), by upper-case name, with the
    /// spelling the ENABLED response uses.
    static let enableable: [String: String] = [
        "CONDSTORE": "CONDSTORE", "QRESYNC": "QRESYNC", "IMAP4REV2": "IMAP4rev2",
    ].merging(Session.enableableMessageExtensions) { first, _ in first }

    /// Whether the client enabled IMAP4rev2 (RFC 9051 §3.3 / Appendix E): UTF-8 mailbox
    /// names, ESEARCH answers, no `\Recent`, a LIST response at SELECT.
    var rev2: Bool { state.session?.enabled.contains("IMAP4REV2") ?? false }

    /// What this server can do (RFC 9051 §7.2.2): only what works end to end is listed.
    var capabilities: [Capability] {
        var list: [Capability] = ["IMAP4rev1", "IMAP4rev2", "LITERAL+", "SASL-IR", "UIDPLUS", "UNSELECT", "CHILDREN",
                                   "BINARY", "IDLE", "ID", "NAMESPACE", "ENABLE", "MOVE",
                                   "CONDSTORE", "QRESYNC", "LIST-EXTENDED", "LIST-STATUS", "SPECIAL-USE",
                                   "CREATE-SPECIAL-USE", "STATUS=SIZE", "MULTIAPPEND", "ESEARCH", "SEARCHRES",
                                   "OBJECTID", "SAVEDATE", "WITHIN", "SORT", "SORT=DISPLAY", "ESORT",
                                   "THREAD=ORDEREDSUBJECT", "THREAD=REFERENCES", "THREAD=REFS", "METADATA", "METADATA-SERVER",
                                   "NOTIFY", "CONTEXT=SEARCH", "CONTEXT=SORT", "PARTIAL", "INPROGRESS",
                                   Capability("APPENDLIMIT=\(configuration.maxMessageSize)")]
            + Self.quotaCapabilities + Self.accessControlCapabilities + messageExtensionCapabilities
        if state.user != nil {
            list.append("COMPRESS=DEFLATE")  // RFC 4978: a command of the authenticated state
            // RFC 8437 §3 allows advertising it only after login; not while COMPRESS is
            // active (see `unauthenticate`).
            if !transport.compressed { list.append("UNAUTHENTICATE") }
        } else {
            if environment.tls != nil && !transport.tls { list.append("STARTTLS") }
            if !plaintextAllowed { list.append("LOGINDISABLED") }  // RFC 9051 §6.2.3, RFC 2595 §3.2
            list += offeredMechanisms.map { Capability("AUTH=\($0)") }
        }
        return list
    }

    /// CAPABILITY (RFC 9051 §6.1.1).
    func capability() -> CommandOutcome {
        send(.capability(capabilities))
        return .ok("CAPABILITY completed")
    }

    /// LOGOUT (RFC 9051 §6.1.3): BYE, then the tagged OK, then the connection closes.
    func logout() -> CommandOutcome {
        send(.condition(.bye, ResponseText("\(configuration.serverName) logging out")))
        if let selected = state.selected { deselect(selected) }
        state = .logout
        return .ok("LOGOUT completed")
    }
}
