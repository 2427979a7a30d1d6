import NIOCore

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
final class ConnectionGuard: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ConnectionInput
    typealias InboundOut = ConnectionInput
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// The outbound user event by which the session says it has authenticated.
    struct Authenticated: Sendable {}

    private let loginTimeout: TimeAmount
    private let writeTimeout: TimeAmount
    private var loginTimer: Scheduled<Void>?
    private var stallTimer: Scheduled<Void>?

    init(loginTimeout: TimeAmount, writeTimeout: TimeAmount) {
        self.loginTimeout = loginTimeout
        self.writeTimeout = writeTimeout
    }

    func handlerAdded(context: ChannelHandlerContext) {
        let loop = context.eventLoop
        let bound = NIOLoopBound(context, eventLoop: loop)
        loginTimer = loop.scheduleTask(in: loginTimeout) {
            let context = bound.value
            var bye = context.channel.allocator.buffer(capacity: 48)
            bye.writeString("* BYE Login time is over\r\n")
            context.writeAndFlush(NIOAny(bye), promise: nil)
            context.close(promise: nil)
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        loginTimer?.cancel()
        stallTimer?.cancel()
    }

    func channelInactive(context: ChannelHandlerContext) {
        loginTimer?.cancel()
        stallTimer?.cancel()
        context.fireChannelInactive()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
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

    func triggerUserOutboundEvent(context: ChannelHandlerContext, event: Any, promise: EventLoopPromise<Void>?) {
        if event is Authenticated {
            loginTimer?.cancel()
            loginTimer = nil
            promise?.succeed()
        } else {
            context.triggerUserOutboundEvent(event, promise: promise)
        }
    }
}
