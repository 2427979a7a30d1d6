import IMAPSyntax

extension Session {
    /// STARTTLS (RFC 9051 §6.2.1, RFC 2595 §3.1): the tagged OK goes out in plaintext, then
    /// the TLS handshake begins (`complete` puts the layer in place and drops whatever the
    /// client sent after the command). No greeting follows: the client asks for the new
    /// capabilities (LOGINDISABLED gone, AUTH= added).
    func startTLS() -> CommandOutcome {
        guard let provider = environment.tls, !connection.implicitTLS else {
            return .bad("STARTTLS is not available here")
        }
        guard !transport.tls else { return .bad("TLS is already active") }
        // One certificate for the handshake and the channel binding.
        var outcome = CommandOutcome.ok("Begin TLS negotiation now")
        outcome.switchTransport = .tls(provider.identity)
        return outcome
    }
}
