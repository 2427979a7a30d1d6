import IMAPSyntax
import MailCore
import NIOCore

extension Session {
    /// STARTTLS (RFC 9051 §6.2.1, RFC 2595 §3.1): the tagged OK goes out in plaintext, then
    /// the TLS handshake begins. Anything the client sent after STARTTLS and before the
    /// handshake (already buffered, or still in flight) is thrown away, so that nothing
    /// injected into the plaintext stream can act inside the TLS session. No greeting
    /// follows: the client asks for the new capabilities (LOGINDISABLED gone, AUTH= added).
    func startTLS(tag: Tag) async throws -> CommandOutcome {
        guard let provider = server.tls, !connection.implicitTLS else {
            return .bad("STARTTLS is not available here")
        }
        guard !tlsActive else { return .bad("TLS is already active") }
        framer.discardBufferedInput()
        try await output.flush()  // every earlier response, before the OK
        var reply = ByteBuffer()
        ResponseEncoder().encode(.tagged(tag, .ok, ResponseText("Begin TLS negotiation now")), into: &reply)
        awaitingTLS = true
        let identity = provider.identity  // one certificate for the handshake and the binding
        channelBinding = identity.binding
        let event = TLSSwitchHandler.StartTLS(context: identity.context, reply: reply)
        try await connection.channel.triggerUserOutboundEvent(event).get()
        return .deferred
    }
}
