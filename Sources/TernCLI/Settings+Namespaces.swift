import IMAPServer

extension Settings {
    /// `[namespaces]` (RFC 2342): where other users' mailboxes and public folders appear.
    ///
    /// ```toml
    /// [namespaces]
    /// other_users = "Other Users"   # alice's Projects is "Other Users/alice/Projects"
    /// shared = "Shared"             # the public folder support is "Shared/support"
    /// ```
    /// A prefix is one non-empty level (no `/`); the two must differ.
    mutating func applyNamespaces(_ section: TableReader, file: String) throws {
        try section.checkKeys(["other_users", "shared"])
        var prefixes = server.namespaces
        if let v = try section.string("other_users") { prefixes.otherUsers = v }
        if let v = try section.string("shared") { prefixes.shared = v }
        for prefix in [prefixes.otherUsers, prefixes.shared] {
            guard !prefix.isEmpty, !prefix.contains("/"), prefix.uppercased() != "INBOX",
                  !prefix.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
                throw SettingsError("\(file): namespaces prefixes must be one non-empty level without / (not INBOX)")
            }
        }
        guard prefixes.otherUsers != prefixes.shared else {
            throw SettingsError("\(file): namespaces.other_users and namespaces.shared must differ")
        }
        server.namespaces = prefixes
    }
}
