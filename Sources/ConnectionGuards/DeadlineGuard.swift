public import NIOCore

/// The deadlines every listener enforces on a connection, whatever its session is doing: they
/// run on the connection's event loop, not in the session's task, which may be stuck writing
/// to a client that stopped reading. Shared by the IMAP and LMTP servers.
///
/// - **Deadline**: a timer started when the connection opens; when it fires, `farewell` is
///   written and the connection closed. The session restarts it (`DeadlineControl.restart`) when the
///   client makes progress (LMTP: each command, RFC 5321 §4.5.3.2) or stops it
///   (`DeadlineControl.stop`; IMAP: once logged in, so that a slowloris client that never finishes a
///   login is closed however busy it keeps the server).
/// - **Stalled output** (`writeTimeout`): while the connection cannot take more output (its
///   send buffer above the high-water mark, the client not reading), a timer runs; when it
///   fires the connection is closed.
/// The outbound user events by which a session steers its connection's `DeadlineGuard`.
public enum DeadlineControl: Sendable {
    /// Starts the deadline again from now.
    case restart
    /// Cancels the deadline until the next `restart`.
    case stop
}

/// An outbound user event of a protocol's own that steers the deadline (IMAP's "logged in").
public protocol DeadlineSignal: Sendable {
    var deadlineControl: DeadlineControl { get }
}

public final class DeadlineGuard<Input>: ChannelDuplexHandler, RemovableChannelHandler {
    public typealias InboundIn = Input
    public typealias InboundOut = Input
    public typealias OutboundIn = ByteBuffer
    public typealias OutboundOut = ByteBuffer

    private let deadline: TimeAmount
    private let farewell: String
    private let writeTimeout: TimeAmount
    private var deadlineTimer: Scheduled<Void>?
    private var stallTimer: Scheduled<Void>?

    /// `farewell` is written, as is, when the deadline passes (`* BYE ...\r\n`, `421 ...\r\n`).
    public init(deadline: TimeAmount, farewell: String, writeTimeout: TimeAmount) {
        self.deadline = deadline
        self.farewell = farewell
        self.writeTimeout = writeTimeout
    }

    public func handlerAdded(context: ChannelHandlerContext) {
        schedule(context: context)
    }

    private func schedule(context: ChannelHandlerContext) {
        deadlineTimer?.cancel()
        let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
        let farewell = self.farewell
        deadlineTimer = context.eventLoop.scheduleTask(in: deadline) {
            let context = bound.value
            var bytes = context.channel.allocator.buffer(capacity: farewell.utf8.count)
            bytes.writeString(farewell)
            context.writeAndFlush(NIOAny(bytes), promise: nil)
            context.close(promise: nil)
        }
    }

    public func handlerRemoved(context: ChannelHandlerContext) {
        deadlineTimer?.cancel()
        stallTimer?.cancel()
    }

    public func channelInactive(context: ChannelHandlerContext) {
        deadlineTimer?.cancel()
        stallTimer?.cancel()
        context.fireChannelInactive()
    }

    public func channelWritabilityChanged(context: ChannelHandlerContext) {
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

    public func triggerUserOutboundEvent(context: ChannelHandlerContext, event: Any, promise: EventLoopPromise<Void>?) {
        guard let control = (event as? DeadlineControl) ?? (event as? any DeadlineSignal)?.deadlineControl else {
            context.triggerUserOutboundEvent(event, promise: promise)
            return
        }
        switch control {
        case .restart: schedule(context: context)
        case .stop:
            deadlineTimer?.cancel()
            deadlineTimer = nil
        }
        promise?.succeed()
    }
}
