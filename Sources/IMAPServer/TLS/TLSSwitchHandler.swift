import NIOCore
import NIOSSL

/// What a connection's loop reads from the network.
enum ConnectionInput: Sendable {
    case bytes(ByteBuffer)
    /// The TLS handler is now in front of the session: every byte read before this marker was
    /// sent in plaintext before the handshake and must be ignored (RFC 2595 §3.1, the
    /// STARTTLS command-injection attack).
    case tlsStarted
}

/// The first handler of every connection: passes the client's bytes on as `ConnectionInput`
/// and, when the session asks for STARTTLS, puts a TLS handler in front of itself.
///
/// The session asks with an outbound user event after writing its tagged OK; outbound events
/// and writes reach this handler in the order they were issued, so the OK leaves in
/// plaintext and everything after it, both ways, goes through TLS.
final class TLSSwitchHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ConnectionInput
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// The outbound user event that starts TLS with the given context.
    struct StartTLS: Sendable {
        let context: NIOSSLContext
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.fireChannelRead(wrapInboundOut(.bytes(unwrapInboundIn(data))))
    }

    func triggerUserOutboundEvent(context: ChannelHandlerContext, event: Any, promise: EventLoopPromise<Void>?) {
        guard let start = event as? StartTLS else {
            context.triggerUserOutboundEvent(event, promise: promise)
            return
        }
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
