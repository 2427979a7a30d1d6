import MailStore

extension Settings {
    /// `[metadata]` (RFC 5464 §4.1, §7): `max_size` (octets per value, at least 1024),
    /// `max_entries` (entries one user sees on one mailbox or the server, at least 10),
    /// `max_total_size` (octets of all of a user's entries, at least `max_size`). A value
    /// cannot be larger than a literal the server reads (`[limits] max_literal_size`).
    mutating func applyMetadata(_ section: TableReader, file: String) throws {
        try section.checkKeys(["max_size", "max_entries", "max_total_size"])
        var limits = server.metadata
        if let v = try section.int("max_size") {
            guard v >= MetadataLimits.minimumValueSize else {
                throw SettingsError("\(file): metadata.max_size must be at least 1024 (RFC 5464 §4.1)")
            }
            limits.maxValueSize = v
        }
        if let v = try section.int("max_entries") {
            guard v >= MetadataLimits.minimumEntries else {
                throw SettingsError("\(file): metadata.max_entries must be at least 10 (RFC 5464 §4.1)")
            }
            limits.maxEntries = v
        }
        if let v = try section.int("max_total_size") { limits.maxTotalSize = v }
        guard limits.maxTotalSize >= limits.maxValueSize else {
            throw SettingsError("\(file): metadata.max_total_size must be at least metadata.max_size")
        }
        server.metadata = limits
    }
}
