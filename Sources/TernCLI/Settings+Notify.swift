extension Settings {
    /// `[notify]` (RFC 5465): `max_mailboxes` (most mailboxes one NOTIFY SET may watch for
    /// message events; more get `NO [NOTIFICATIONOVERFLOW]`, §3.1) and `max_pending_events`
    /// (most events waiting for one client; more turn its NOTIFY off with
    /// `* OK [NOTIFICATIONOVERFLOW]`, §5.8).
    mutating func applyNotify(_ section: TableReader) throws {
        try section.checkKeys(["max_mailboxes", "max_pending_events"])
        if let v = try section.int("max_mailboxes") { server.notifyMaxMailboxes = v }
        if let v = try section.int("max_pending_events") { server.notifyMaxPendingEvents = v }
    }
}
