package import NIOCore

/// Deadlines that hold whatever the session is doing: they run on the connection's event loop,
/// not in the session's task, which may be stuck writing to a client that stopped reading.
///
/// - **Login** (`preauth_timeout`): a connection must authenticate within this much time of
///   opening, however busy it keeps the server (RFC 9051 §5.4 lets a server log out idle
///   clients; a slowloris client is never idle). The session says when it has logged in.
/// - **Stalled output** (`write_timeout`): while the connection cannot take more output (its
///   send buffer above the high-water mark, the client not reading), the timer runs; when it
///   fires the connection is closed. What one connection may have queued is bounded by the
///   write-buffer water marks and the session's flush threshold.
package final class ConnectionGuard: ChannelDuplexHandler, RemovableChannelHandler {
    package typealias InboundIn = ConnectionInput
    package typealias InboundOut = ConnectionInput
    package typealias OutboundIn = ByteBuffer
    package typealias OutboundOut = ByteBuffer

    /// The outbound user event by which the session says it has authenticated.
    package struct Authenticated: Sendable {
        package init() {}
    }

    private let loginTimeout: TimeAmount
    private let writeTimeout: TimeAmount
    private var loginTimer: Scheduled<Void>?
    private var stallTimer: Scheduled<Void>?

    /// What a connection whose login time is over is told before it is closed.
    private let farewell: String

    /// - Parameter farewell: the protocol's goodbye line, CRLF included (IMAP's untagged BYE
    ///   by default; ManageSieve's `BYE`, RFC 5804 §1.2).
    package init(loginTimeout: TimeAmount, writeTimeout: TimeAmount,
                 farewell: String = "* BYE Login time is over\r\n") {
        self.loginTimeout = loginTimeout
        self.writeTimeout = writeTimeout
        self.farewell = farewell
    }

    package func handlerAdded(context: ChannelHandlerContext) {
        let loop = context.eventLoop
        let bound = NIOLoopBound(context, eventLoop: loop)
        let farewell = self.farewell
        loginTimer = loop.scheduleTask(in: loginTimeout) {
            let context = bound.value
            var bye = context.channel.allocator.buffer(capacity: 48)
            bye.writeString(farewell)
            context.writeAndFlush(NIOAny(bye), promise: nil)
            context.close(promise: nil)
        }
    }

    package func handlerRemoved(context: ChannelHandlerContext) {
        loginTimer?.cancel()
        stallTimer?.cancel()
    }

    package func channelInactive(context: ChannelHandlerContext) {
        loginTimer?.cancel()
        stallTimer?.cancel()
        context.fireChannelInactive()
    }

    package func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable {
            stallTimer?.cancel()
            stallTimer = nil
        } else if stallTimer == nil {
            let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
            stallTimer = context.eventLoop.scheduleTask(in: writeTimeout) {
                bound.value.close(promise: nil)
            }
        }
        context.fireChannelWritabilityChanged()
    }

    package func triggerUserOutboundEvent(context: ChannelHandlerContext, event: Any, promise: EventLoopPromise<Void>?) {
        if event is Authenticated {
            loginTimer?.cancel()
            loginTimer = nil
            promise?.succeed()
        } else {
            context.triggerUserOutboundEvent(event, promise: promise)
        }
    }
}
