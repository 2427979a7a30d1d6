import CompressNIO
@testable import IMAPServer
import NIOCore
import NIOEmbedded
import Synchronization
import Testing

/// The COMPRESS=DEFLATE layer (RFC 4978) on an embedded channel: the client's side is a raw
/// DEFLATE stream made here with zlib, as a client makes it.
@Suite struct CompressionTests {
    /// The marker a Z_SYNC_FLUSH ends with (an empty stored block, RFC 1951 §3.2.4).
    static let syncMarker: [UInt8] = [0x00, 0x00, 0xFF, 0xFF]

    /// The client's compressor.
    final class Deflater {
        let zlib = try! ZlibCompressor(algorithm: .deflate)

        func compress(_ text: String) -> [UInt8] { compress(Array(text.utf8)) }

        func compress(_ bytes: [UInt8]) -> [UInt8] {
            var input = ByteBuffer(bytes: bytes)
            var output = ByteBuffer()
            output.reserveCapacity(zlib.maxSize(from: input) + 64)
            try! zlib.deflate(from: &input, to: &output, flush: .sync)
            return Array(output.readableBytesView)
        }
    }

    /// The client's decompressor.
    final class Inflater {
        let zlib = try! ZlibDecompressor(algorithm: .deflate)

        func inflate(_ bytes: [UInt8]) throws -> String {
            var input = ByteBuffer(bytes: bytes)
            var text = ""
            while input.readableBytes > 0 {
                var output = ByteBuffer()
                output.reserveCapacity(64 * 1024)
                do {
                    try zlib.inflate(from: &input, to: &output)
                } catch let error as CompressNIOError where error == .bufferOverflow {}
                text += String(buffer: output)
            }
            return text
        }
    }

    /// Stands for the async channel: records what reaches the session, and holds `read`
    /// requests while `paused` (its buffer full).
    final class SessionEnd: ChannelDuplexHandler {
        typealias InboundIn = ByteBuffer
        typealias OutboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer
        var received: [ByteBuffer] = []
        var failures: [String] = []
        var paused = false
        var heldRead = false

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            received.append(unwrapInboundIn(data))
        }

        func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
            if let failure = event as? TransportFailure { failures.append(failure.reason) }
        }

        func read(context: ChannelHandlerContext) {
            if paused { heldRead = true } else { context.read() }
        }

        func resume(context: ChannelHandlerContext) {
            paused = false
            if heldRead {
                heldRead = false
                context.read()
            }
        }

        var text: String { received.map { String(buffer: $0) }.joined() }
    }

    /// A channel with the compression layer and a session end behind it.
    static func channel(sliceSize: Int = InflateHandler.defaultSliceSize) throws -> (EmbeddedChannel, SessionEnd) {
        let end = SessionEnd()
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandlers([try InflateHandler(sliceSize: sliceSize), try DeflateHandler(), end])
        return (channel, end)
    }

    static func outbound(_ channel: EmbeddedChannel) throws -> [UInt8] {
        var bytes: [UInt8] = []
        while let buffer = try channel.readOutbound(as: ByteBuffer.self) { bytes += buffer.readableBytesView }
        return bytes
    }

    @Test func commandsInflateAndResponsesDeflate() throws {
        let (channel, end) = try Self.channel()
        let client = Deflater()
        try channel.writeInbound(ByteBuffer(bytes: client.compress("a NOOP\r\n")))
        try channel.writeInbound(ByteBuffer(bytes: client.compress("b CAPABILITY\r\n")))
        #expect(end.text == "a NOOP\r\nb CAPABILITY\r\n")

        try channel.writeOutbound(ByteBuffer(string: "a OK NOOP completed\r\n"))
        let wire = try Self.outbound(channel)
        #expect(wire.suffix(4).elementsEqual(Self.syncMarker))
        #expect(try Inflater().inflate(wire) == "a OK NOOP completed\r\n")
        #expect(try channel.finish().isClean)
    }

    /// RFC 4978 §4: one sync flush per batch, at the channel's flush, so that the responses of
    /// one batch compress together; their write promises complete with that flush.
    @Test func syncFlushAtEachFlushNotEachWrite() throws {
        let (channel, _) = try Self.channel()
        let response = "* 1 FETCH (FLAGS (\\Seen) UID 17)\r\n"
        final class Counter: Sendable { let value = Mutex(0) }
        let completed = Counter()
        for _ in 0..<20 {
            channel.write(ByteBuffer(string: response)).whenSuccess { completed.value.withLock { $0 += 1 } }
        }
        let beforeFlush = try Self.outbound(channel)
        #expect(beforeFlush.count < response.utf8.count)  // held in the compressor
        #expect(completed.value.withLock { $0 } == 0)
        channel.flush()
        let first = beforeFlush + (try Self.outbound(channel))
        #expect(first.suffix(4).elementsEqual(Self.syncMarker))
        #expect(completed.value.withLock { $0 } == 20)
        // Twenty repeated responses compress together: far less than one sync flush each.
        #expect(first.count < 20 * 6)
        let inflater = Inflater()
        #expect(try inflater.inflate(first) == String(repeating: response, count: 20))

        // The next batch is flushed on its own, and decodes on the same stream.
        try channel.writeOutbound(ByteBuffer(string: "a OK done\r\n"))
        let second = try Self.outbound(channel)
        #expect(second.suffix(4).elementsEqual(Self.syncMarker))
        #expect(try inflater.inflate(second) == "a OK done\r\n")
        // A flush with nothing written adds nothing.
        channel.flush()
        #expect(try Self.outbound(channel).isEmpty)
    }

    /// The pitfall RFC 4978 leaves to implementations: a client that flushes without the sync
    /// marker, or whose bytes arrive one at a time, must have its command passed on as soon as
    /// its bytes are decodable, not when more input arrives.
    @Test func partialInputIsPassedOnAtOnce() throws {
        let (channel, end) = try Self.channel()
        let client = Deflater()
        let compressed = client.compress("a NOOP\r\n")
        #expect(compressed.suffix(4).elementsEqual(Self.syncMarker))
        // Everything but the sync marker's empty stored block, one byte at a time.
        for byte in compressed.dropLast(4) { try channel.writeInbound(ByteBuffer(bytes: [byte])) }
        #expect(end.text == "a NOOP\r\n")
        for byte in compressed.suffix(4) { try channel.writeInbound(ByteBuffer(bytes: [byte])) }
        #expect(end.text == "a NOOP\r\n")
        try channel.writeInbound(ByteBuffer(bytes: client.compress("b NOOP\r\n")))
        #expect(end.text == "a NOOP\r\nb NOOP\r\n")
    }

    @Test func corruptInputEndsTheStream() throws {
        let (channel, end) = try Self.channel()
        let client = Deflater()
        try channel.writeInbound(ByteBuffer(bytes: client.compress("a NOOP\r\n")))
        // Block type 3 is reserved (RFC 1951 §3.2.3): no valid stream has it.
        try channel.writeInbound(ByteBuffer(bytes: [0xFF, 0xFF, 0xFF, 0xFF]))
        #expect(end.failures.count == 1)
        #expect(end.failures.first?.hasPrefix("Invalid compressed data") == true)
        // Nothing more is read or passed on.
        try channel.writeInbound(ByteBuffer(bytes: client.compress("b NOOP\r\n")))
        #expect(end.text == "a NOOP\r\n")
        #expect(end.failures.count == 1)
    }

    /// A stream the client ended (a final block) and then went on with.
    @Test func dataAfterTheFinalBlockEndsTheStream() throws {
        let (channel, end) = try Self.channel()
        let zlib = try ZlibCompressor(algorithm: .deflate)
        var input = ByteBuffer(string: "a NOOP\r\n")
        var output = ByteBuffer()
        output.reserveCapacity(256)
        try zlib.deflate(from: &input, to: &output, flush: .finish)
        output.writeBytes([0x01, 0x02, 0x03])
        try channel.writeInbound(output)
        #expect(end.failures.count == 1)
    }

    /// A decompression bomb: 8 MiB of one byte, a few KiB compressed. The layer passes on one
    /// slice per read request and holds the rest compressed while the session end does not ask.
    @Test func bombIsInflatedOnlyAsFastAsItIsRead() throws {
        let (channel, end) = try Self.channel()
        let total = 8 << 20
        let compressed = Deflater().compress([UInt8](repeating: 0x41, count: total))
        #expect(compressed.count < 64 * 1024)
        end.paused = true
        try channel.writeInbound(ByteBuffer(bytes: compressed))
        channel.embeddedEventLoop.run()
        #expect(end.received.count == 1)
        #expect(end.received[0].readableBytes <= InflateHandler.defaultSliceSize)
        #expect(end.heldRead)

        // The session takes what it has and asks for more: one slice per request.
        let endContext = try channel.pipeline.syncOperations.context(handler: end)
        var delivered = end.received.count
        while end.heldRead {
            end.resume(context: endContext)
            end.paused = true
            channel.embeddedEventLoop.run()
            // One slice, or none when the last one filled exactly and nothing was left.
            #expect(end.received.count <= delivered + 1)
            delivered = end.received.count
        }
        #expect(end.received.allSatisfy { $0.readableBytes <= InflateHandler.defaultSliceSize })
        #expect(end.received.reduce(0) { $0 + $1.readableBytes } == total)
    }

    /// With the session end reading freely, the scheduled steps deliver everything.
    @Test func largeInputIsDeliveredWhole() throws {
        let (channel, end) = try Self.channel()
        var text = ""
        for index in 0..<5_000 { text += "\(index) FETCH (FLAGS (\\Seen))\r\n" }
        try channel.writeInbound(ByteBuffer(bytes: Deflater().compress(text)))
        channel.embeddedEventLoop.run()
        #expect(end.text == text)
    }

    /// The switch itself: the reply goes out uncompressed, everything after it compressed, and
    /// the client's compressed bytes reach the session as plain `ConnectionInput`.
    @Test func transportSwitchPutsDeflateUnderTheSession() throws {
        let channel = EmbeddedChannel()
        final class Inputs: ChannelInboundHandler {
            typealias InboundIn = ConnectionInput
            var inputs: [ConnectionInput] = []
            func channelRead(context: ChannelHandlerContext, data: NIOAny) { inputs.append(unwrapInboundIn(data)) }
        }
        let inputs = Inputs()
        try channel.pipeline.syncOperations.addHandlers([TransportSwitchHandler(), inputs])
        let request = TransportSwitchHandler.Switch(layer: .deflate, reply: ByteBuffer(string: "c OK DEFLATE active\r\n"))
        channel.pipeline.syncOperations.triggerUserOutboundEvent(request, promise: nil)
        #expect(try channel.readOutbound(as: ByteBuffer.self).map { String(buffer: $0) } == "c OK DEFLATE active\r\n")
        guard case .transportSwitched = inputs.inputs.last else {
            Issue.record("no switch marker: \(inputs.inputs)")
            return
        }
        try channel.writeOutbound(ByteBuffer(string: "d OK\r\n"))
        #expect(try Inflater().inflate(try Self.outbound(channel)) == "d OK\r\n")
        try channel.writeInbound(ByteBuffer(bytes: Deflater().compress("d NOOP\r\n")))
        guard case .bytes(let bytes) = inputs.inputs.last else {
            Issue.record("no bytes: \(inputs.inputs)")
            return
        }
        #expect(String(buffer: bytes) == "d NOOP\r\n")
        try channel.writeInbound(ByteBuffer(bytes: [0xFF, 0xFF]))
        guard case .transportFailed = inputs.inputs.last else {
            Issue.record("no failure: \(inputs.inputs)")
            return
        }
    }
}
