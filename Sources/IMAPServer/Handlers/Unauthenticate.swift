import IMAPSyntax

extension Session {
    /// UNAUTHENTICATE (RFC 8437 §3): back to the not-authenticated state on the same
    /// connection. The selected mailbox is left without EXPUNGE responses; everything the login
    /// brought goes with it (§4.1): ENABLEd extensions, CONDSTORE use, the saved search result
    /// (it belongs to the selected mailbox), the UTF-8 encoding IMAP4rev2 turned on, the
    /// connection's place in the user's count. TLS stays; the time to log in starts again.
    ///
    /// While COMPRESS is active the command is not advertised and gets BAD (which §3 allows for
    /// a command not advertised): §4.1 ends the client's compression right after the command's
    /// CRLF, but a client may pipeline the next command uncompressed behind it, and those bytes
    /// would already have gone into the inflater with the compressed ones.
    func unauthenticate() -> CommandOutcome {
        guard !transport.compressed else {
            return .bad("UNAUTHENTICATE is not available while COMPRESS is active")
        }
        if let selected = state.selected { deselect(selected) }
        stopNotifications()
        environment.registry.unbind(connection.id)
        state = .notAuthenticated
        output.encoder.utf8Enabled = false
        output.encoder.uidOnly = false
        restartLoginPeriod()
        logger.info("unauthenticated")
        logger[metadataKey: "user"] = nil
        return .ok("Now in not authenticated state")
    }
}
