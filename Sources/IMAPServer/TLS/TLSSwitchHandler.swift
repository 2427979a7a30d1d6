import NIOCore
import NIOSSL

/// What a connection's loop reads from the network.
enum ConnectionInput: Sendable {
    case bytes(ByteBuffer)
    /// The TLS handler is now in front of the session: every byte read before this marker was
    /// sent in plaintext before the handshake and must be ignored (RFC 2595 §3.1, the
    /// STARTTLS command-injection attack).
    case tlsStarted
    /// A signal from the server (`SignalSink`), in line with the client's bytes.
    case signal(ConnectionSignal)
}

/// The first handler of every connection: passes the client's bytes and the server's signals
/// on as `ConnectionInput` and, when the session asks for STARTTLS, puts a TLS handler in
/// front of itself.
///
/// The session asks with an outbound user event that carries its tagged OK: the handler
/// writes the OK in plaintext and puts the TLS handler in place in the same event-loop turn,
/// so no byte can be read in between. A client answers the OK with its ClientHello at once;
/// were the TLS handler added later, a fast ClientHello could arrive first and be taken for
/// plaintext, and the handshake would never finish.
final class TLSSwitchHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ConnectionInput
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// The outbound user event that starts TLS with the given context.
    struct StartTLS: Sendable {
        let context: NIOSSLContext
        /// The tagged OK of STARTTLS, the last plaintext bytes.
        let reply: ByteBuffer
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.fireChannelRead(wrapInboundOut(.bytes(unwrapInboundIn(data))))
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let signal = event as? ConnectionSignal {
            // The async channel hands reads over at the read-complete mark.
            context.fireChannelRead(wrapInboundOut(.signal(signal)))
            context.fireChannelReadComplete()
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    func triggerUserOutboundEvent(context: ChannelHandlerContext, event: Any, promise: EventLoopPromise<Void>?) {
        guard let start = event as? StartTLS else {
            context.triggerUserOutboundEvent(event, promise: promise)
            return
        }
        context.writeAndFlush(wrapOutboundOut(start.reply), promise: nil)
        do {
            try context.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: start.context),
                                                           position: .first)
            context.fireChannelRead(wrapInboundOut(.tlsStarted))
            promise?.succeed()
        } catch {
            promise?.fail(error)
            context.close(promise: nil)
        }
    }
}
