import ConnectionGuards
package import NIOCore
import NIOSSL

/// What a connection's loop reads from the network.
package enum ConnectionInput: Sendable {
    case bytes(ByteBuffer)
    /// A new layer is now in front of the session: every byte read before this marker came
    /// through the old layers and must be ignored (RFC 2595 §3.1, the STARTTLS
    /// command-injection attack).
    case transportSwitched
    /// A signal from the server (`SignalSink`), in line with the client's bytes.
    case signal(ConnectionSignal)
    /// A layer can read no more of the client's input (corrupt compressed data): the session
    /// says BYE with this reason and closes.
    case transportFailed(String)
}

/// A layer a session can put under itself while it runs: TLS after STARTTLS (RFC 2595 §3.1,
/// RFC 9051 §6.2.1) and DEFLATE compression after COMPRESS (RFC 4978 §3).
package enum TransportLayer: Sendable {
    /// TLS with this server identity; the session binds SCRAM-SHA-256-PLUS to its certificate.
    case tls(TLSProvider.Identity)
    /// Raw DEFLATE both ways (`InflateHandler`, `DeflateHandler`), inside TLS if TLS is there.
    case deflate
}

/// The connection under a session: where its responses go, and how its layers change. A
/// session's transport is used by the session's one task only.
package protocol SessionTransport: AnyObject {
    /// Writes bytes, waiting while the client does not read (back-pressure).
    func write(_ bytes: ByteBuffer) async throws
    /// Writes `reply`, the last bytes in the current form, and puts `layer` in place in the
    /// same event-loop turn, so that nothing the client sends in answer is read through the
    /// old layers; the session then receives `.transportSwitched`.
    func switchLayer(to layer: TransportLayer, after reply: ByteBuffer) async throws
    /// The session has logged in (true: the login deadline no longer applies) or logged out
    /// again (false, UNAUTHENTICATE: the time to log in starts again).
    func setLoggedIn(_ loggedIn: Bool) async
}

/// The transport of a real connection: a channel wrapped in an async channel.
package final class ChannelTransport: SessionTransport {
    private let writer: NIOAsyncChannelOutboundWriter<ByteBuffer>
    private let channel: any Channel

    package init(writer: NIOAsyncChannelOutboundWriter<ByteBuffer>, channel: any Channel) {
        self.writer = writer
        self.channel = channel
    }

    package func write(_ bytes: ByteBuffer) async throws {
        try await writer.write(bytes)
    }

    package func switchLayer(to layer: TransportLayer, after reply: ByteBuffer) async throws {
        let event = TransportSwitchHandler.Switch(layer: layer, reply: reply)
        try await channel.triggerUserOutboundEvent(event).get()
    }

    package func setLoggedIn(_ loggedIn: Bool) async {
        let event: any Sendable = loggedIn ? ConnectionGuard.Authenticated() : DeadlineControl.restart
        try? await channel.triggerUserOutboundEvent(event).get()
    }
}

/// The first handler of every connection (after implicit TLS): passes the client's bytes and
/// the server's signals on as `ConnectionInput`, and puts new layers in front of itself when
/// the session asks.
///
/// The session asks with an outbound user event that carries its last reply: the handler
/// writes the reply and adds the layer in the same event-loop turn, so no byte can be read in
/// between. A client answers STARTTLS's OK with its ClientHello at once; were the TLS handler
/// added later, a fast ClientHello could arrive first and be taken for plaintext, and the
/// handshake would never finish.
package final class TransportSwitchHandler: ChannelDuplexHandler, RemovableChannelHandler {
    package typealias InboundIn = ByteBuffer
    package typealias InboundOut = ConnectionInput
    package typealias OutboundIn = ByteBuffer
    package typealias OutboundOut = ByteBuffer

    package init() {}

    /// The outbound user event that switches layers.
    struct Switch: Sendable {
        let layer: TransportLayer
        /// The session's last bytes through the old layers.
        let reply: ByteBuffer
    }

    package func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.fireChannelRead(wrapInboundOut(.bytes(unwrapInboundIn(data))))
    }

    package func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let signal = event as? ConnectionSignal {
            // The async channel hands reads over at the read-complete mark.
            context.fireChannelRead(wrapInboundOut(.signal(signal)))
            context.fireChannelReadComplete()
        } else if let failure = event as? TransportFailure {
            context.fireChannelRead(wrapInboundOut(.transportFailed(failure.reason)))
            context.fireChannelReadComplete()
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    package func triggerUserOutboundEvent(context: ChannelHandlerContext, event: Any, promise: EventLoopPromise<Void>?) {
        guard let request = event as? Switch else {
            context.triggerUserOutboundEvent(event, promise: promise)
            return
        }
        context.writeAndFlush(wrapOutboundOut(request.reply), promise: nil)
        do {
            let handlers: [any ChannelHandler]
            switch request.layer {
            case .tls(let identity): handlers = [NIOSSLServerHandler(context: identity.context)]
            case .deflate: handlers = [try InflateHandler(), try DeflateHandler()]
            }
            // Outside this handler, inside any layer already there: compression inside TLS
            // (RFC 4978 §3: data is compressed first, then encrypted).
            for handler in handlers {
                try context.pipeline.syncOperations.addHandler(handler, position: .before(self))
            }
            context.fireChannelRead(wrapInboundOut(.transportSwitched))
            // Hand the marker over now: a protocol whose server speaks first after the switch
            // (ManageSieve re-sends its capabilities, RFC 5804 §2.2) must not wait for the
            // client's next bytes.
            context.fireChannelReadComplete()
            promise?.succeed()
        } catch {
            promise?.fail(error)
            context.close(promise: nil)
        }
    }
}
