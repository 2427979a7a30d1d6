import IMAPSyntax

extension Session {
    /// The newer message extensions, each listed once it works as its RFC says: PREVIEW
    /// (RFC 8970), REPLACE (RFC 8508), LIST-METADATA (RFC 9590), UIDONLY (RFC 9586).
    static let messageExtensionCapabilities: [Capability] = ["PREVIEW", "REPLACE", "LIST-METADATA", "UIDONLY"]

    /// What ENABLE turns on among them (RFC 5161), by upper-case name: UIDONLY (RFC 9586 §3.1).
    static let enableableMessageExtensions: [String: String] = ["UIDONLY": "UIDONLY"]
}
