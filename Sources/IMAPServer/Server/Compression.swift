import CompressNIO
import NIOCore

/// The inbound half of COMPRESS=DEFLATE (RFC 4978 §3): inflates the client's raw DEFLATE
/// stream (RFC 1951, no zlib or gzip wrapper) into the bytes the session reads.
///
/// - Whatever the input decodes to is passed on at once: a client may flush with
///   Z_SYNC_FLUSH, Z_PARTIAL_FLUSH or not at all, and the session never waits for more
///   compressed input to see a command it already has in full (zlib's `inflate` emits every
///   byte it can decode).
/// - A few compressed bytes can inflate to a great many (a decompression bomb): each step
///   produces at most `sliceSize` bytes, and the next step waits for the next `read` — which
///   the async channel sends only while its buffer has room. What is left to inflate stays
///   compressed here, and nothing more is read from the socket until it is used up. So the
///   session's framer sees inflated bytes at the pace it takes them and applies its own line and
///   literal limits to them, as to plain input.
/// - Input that is not valid DEFLATE (or goes on after a final block) ends the stream: the
///   handler reads no more and sends `TransportFailure` inbound; the session answers with
///   `* BYE` and closes.
final class InflateHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// The most inflated bytes one step passes on.
    static let defaultSliceSize = 64 * 1024

    private let decompressor: ZlibDecompressor
    private let sliceSize: Int
    /// Compressed bytes received and not yet inflated.
    private var pending: ByteBuffer
    /// The last step filled its slice: zlib may hold more output even with no input left.
    private var sliceWasFull = false
    /// A `read` was scheduled to run the next step.
    private var stepScheduled = false
    private var failed = false

    init(sliceSize: Int = InflateHandler.defaultSliceSize) throws {
        decompressor = try ZlibDecompressor(algorithm: .deflate)
        self.sliceSize = sliceSize
        // Never zero capacity: zlib is handed this buffer's address even when it is empty.
        pending = ByteBufferAllocator().buffer(capacity: 64)
    }

    /// Whether more inflated bytes can be produced without reading from the socket.
    private var hasMore: Bool { !failed && (pending.readableBytes > 0 || sliceWasFull) }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !failed else { return }
        var input = unwrapInboundIn(data)
        pending.writeBuffer(&input)
        step(context: context)
    }

    func read(context: ChannelHandlerContext) {
        if failed { return }  // the stream is broken: read nothing more
        guard hasMore else {
            context.read()
            return
        }
        step(context: context)
        context.fireChannelReadComplete()
    }

    /// Inflates at most one slice and passes it on; asks for the next step when more is left
    /// (the request goes through the async channel, which holds it while its buffer is full).
    private func step(context: ChannelHandlerContext) {
        // Small input usually inflates to little: start small, grow up to a slice.
        var output = context.channel.allocator.buffer(capacity: min(sliceSize, max(1024, pending.readableBytes * 4)))
        do {
            while true {
                do {
                    try decompressor.inflate(from: &pending, to: &output)
                    sliceWasFull = false
                    // Everything fit and the input was not used up: the stream ended (BFINAL)
                    // and the client went on sending, which RFC 4978 has no place for.
                    if pending.readableBytes > 0 { throw CompressNIOError.corruptData }
                } catch let error as CompressNIOError where error == .bufferOverflow {
                    sliceWasFull = true
                } catch let error as CompressNIOError where error == .inputBufferOverflow {
                    sliceWasFull = false  // nothing left to produce
                }
                guard sliceWasFull, output.capacity < sliceSize else { break }
                output.reserveCapacity(min(sliceSize, output.capacity * 2))
            }
        } catch {
            fail(context: context, error)
            return
        }
        if pending.readableBytes == 0 && pending.capacity > 16 * 1024 {
            pending = context.channel.allocator.buffer(capacity: 64)  // an idle session keeps little
        } else {
            pending.discardReadBytes()
        }
        if output.readableBytes > 0 { context.fireChannelRead(wrapInboundOut(output)) }
        if hasMore && !stepScheduled {
            stepScheduled = true
            let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
            context.eventLoop.execute {
                let (handler, context) = bound.value
                handler.stepScheduled = false
                context.channel.read()
            }
        }
    }

    private func fail(context: ChannelHandlerContext, _ error: any Error) {
        failed = true
        pending.clear()
        sliceWasFull = false
        context.fireUserInboundEventTriggered(TransportFailure(reason: "Invalid compressed data (\(error))"))
    }
}

/// The outbound half of COMPRESS=DEFLATE (RFC 4978 §3): compresses everything written after
/// the tagged OK into one raw DEFLATE stream.
///
/// Writes are compressed as they come, without flushing the compressor, so that the responses
/// of one batch share their compression; each `flush` of the channel ends with a
/// Z_SYNC_FLUSH (RFC 4978 §4: the client must never wait for bytes held in the compressor).
/// The session flushes once per batch of responses (`ResponseOutput`). Write promises complete
/// with the flush that carries their bytes out.
final class DeflateHandler: ChannelOutboundHandler, RemovableChannelHandler {
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let compressor: ZlibCompressor
    /// Data was compressed since the last sync flush.
    private var unflushed = false
    /// Promises of writes whose bytes are (partly) still in the compressor.
    private var waiting: [EventLoopPromise<Void>] = []
    /// An empty input for flushing: zlib is handed its address, so it has capacity.
    private var empty = ByteBufferAllocator().buffer(capacity: 16)

    /// `level` 1 (fastest) to 9 (smallest); 6 is zlib's default and Dovecot's.
    init(level: Int32 = 6) throws {
        compressor = try ZlibCompressor(algorithm: .deflate,
                                        configuration: ZlibConfiguration(compressionLevel: level))
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        var input = unwrapOutboundIn(data)
        if let promise { waiting.append(promise) }
        guard input.readableBytes > 0 else { return }
        unflushed = true
        do {
            while input.readableBytes > 0 {
                var output = context.channel.allocator.buffer(capacity: compressor.maxSize(from: input))
                do {
                    try compressor.deflate(from: &input, to: &output, flush: .no)
                } catch let error as CompressNIOError where error == .bufferOverflow {
                    // No room to progress: the loop gives it a fresh buffer.
                }
                if output.readableBytes > 0 { context.write(wrapOutboundOut(output), promise: nil) }
            }
        } catch {
            fail(context: context, error)
        }
    }

    func flush(context: ChannelHandlerContext) {
        guard unflushed else {
            context.flush()
            return
        }
        unflushed = false
        var tail = context.channel.allocator.buffer(capacity: 4096)
        do {
            while true {
                tail.reserveCapacity(minimumWritableBytes: 4096)
                do {
                    try compressor.deflate(from: &empty, to: &tail, flush: .sync)
                } catch let error as CompressNIOError where error == .bufferOverflow {
                    break  // Z_BUF_ERROR: nothing was left to flush
                }
                if tail.writableBytes > 0 { break }  // zlib had room left: the flush is complete
            }
        } catch {
            fail(context: context, error)
            return
        }
        let promises = waiting
        waiting = []
        let promise: EventLoopPromise<Void>? = promises.isEmpty ? nil : context.eventLoop.makePromise()
        if let promise {
            for each in promises { promise.futureResult.cascade(to: each) }
        }
        context.write(wrapOutboundOut(tail), promise: promise)
        context.flush()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        let promises = waiting
        waiting = []
        for promise in promises { promise.fail(ChannelError.ioOnClosedChannel) }
    }

    private func fail(context: ChannelHandlerContext, _ error: any Error) {
        let promises = waiting
        waiting = []
        for promise in promises { promise.fail(error) }
        context.fireErrorCaught(error)
        context.close(promise: nil)
    }
}

/// Sent inbound by a transport layer whose input can no longer be read (corrupt compressed
/// data); `TransportSwitchHandler` hands it to the session as `ConnectionInput.transportFailed`.
struct TransportFailure: Sendable {
    let reason: String
}
