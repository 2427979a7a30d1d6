import IMAPSyntax
import MailCore

extension Session {
    /// The newer message extensions, each listed once it works as its RFC says: PREVIEW
    /// (RFC 8970), REPLACE (RFC 8508), LIST-METADATA (RFC 9590), UIDONLY (RFC 9586),
    /// SAVELIMIT (RFC 9738 §3: the limit is enforced on COPY and APPEND only).
    var messageExtensionCapabilities: [Capability] {
        ["PREVIEW", "REPLACE", "LIST-METADATA", "UIDONLY", Capability("SAVELIMIT=\(configuration.saveLimit)")]
    }

    /// What ENABLE turns on among them (RFC 5161), by upper-case name: UIDONLY (RFC 9586 §3.1).
    static let enableableMessageExtensions: [String: String] = ["UIDONLY": "UIDONLY"]

    /// `NO [MESSAGELIMIT n uid]` (RFC 9738 §3.1) for a COPY of more messages than the
    /// limit: nothing is copied; `lowest` is the lowest UID that would have been processed,
    /// highest first (omitted when not known, as for APPEND).
    func saveLimitRefusal(_ verb: String, lowest: UID?) -> CommandOutcome {
        let limit = configuration.saveLimit
        return .no("Too many messages to \(verb), try a smaller subset",
                   code: .other("MESSAGELIMIT", lowest.map { "\(limit) \($0.rawValue)" } ?? "\(limit)"))
    }
}
