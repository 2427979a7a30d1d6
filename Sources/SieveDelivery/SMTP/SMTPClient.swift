public import NIOCore
import NIOPosix

/// Where and how to reach the SMTP relay that takes redirected messages and vacation responses.
public struct SMTPRelay: Hashable, Sendable {
    public var host: String
    public var port: Int
    /// The name given in EHLO (RFC 5321 §4.1.1.1): this server's host name.
    public var heloName: String
    public var connectTimeoutSeconds: Double
    /// How long the relay may stay silent while a reply is due, and how long a write may wait
    /// (RFC 5321 §4.5.3.2 suggests minutes; a local relay answers at once).
    public var replyTimeoutSeconds: Double

    public init(host: String, port: Int, heloName: String = "localhost",
                connectTimeoutSeconds: Double = 10, replyTimeoutSeconds: Double = 60) {
        self.host = host
        self.port = port
        self.heloName = heloName
        self.connectTimeoutSeconds = connectTimeoutSeconds
        self.replyTimeoutSeconds = replyTimeoutSeconds
    }
}

/// Why a message could not be handed to the relay.
public enum SMTPClientError: Error, Hashable, Sendable, CustomStringConvertible {
    case connectFailed(String)
    /// The relay said nothing (or took no bytes) for the reply timeout during `stage`.
    case timedOut(stage: String)
    case connectionClosed(stage: String)
    /// The relay refused `stage` (e.g. "RCPT TO:<bob@example.org>") with `reply`.
    case refused(stage: String, reply: SMTPReply)
    case malformedReply(SMTPReplyError)
    /// An address that cannot stand in a path (control characters, brackets, spaces).
    case invalidAddress(String)

    /// Whether trying again later cannot help: the relay refused with a 5yz reply.
    public var isPermanent: Bool {
        if case .refused(_, let reply) = self { return reply.isPermanentFailure }
        return false
    }

    public var description: String {
        switch self {
        case .connectFailed(let reason): return "cannot connect to the SMTP relay: \(reason)"
        case .timedOut(let stage): return "the SMTP relay timed out during \(stage)"
        case .connectionClosed(let stage): return "the SMTP relay closed the connection during \(stage)"
        case .refused(let stage, let reply): return "the SMTP relay refused \(stage): \(reply)"
        case .malformedReply(let error): return "the SMTP relay sent a malformed reply: \(error)"
        case .invalidAddress(let address): return "invalid address for SMTP: \"\(address)\""
        }
    }
}

/// A message to send: read a piece at a time, so that a large message never sits whole in
/// memory. `read(offset)` returns the bytes from `offset` on (any non-zero amount), or an empty
/// array at the end.
public struct OutgoingMessage: Sendable {
    public var read: @Sendable (_ offset: Int) async throws -> [UInt8]

    public init(read: @escaping @Sendable (_ offset: Int) async throws -> [UInt8]) {
        self.read = read
    }

    /// A message held in memory (a vacation response).
    public init(bytes: [UInt8]) {
        self.read = { offset in offset < bytes.count ? Array(bytes[offset...]) : [] }
    }
}

/// A minimal SMTP client (RFC 5321) for one transaction per connection: greeting, EHLO (HELO
/// if refused), MAIL FROM, RCPT TO, DATA with dot-stuffing, QUIT. No pipelining, no TLS and no
/// authentication: it talks to a trusted relay on the local network, as Pigeonhole's
/// `submission_host` does.
public struct SMTPClient: Sendable {
    public let relay: SMTPRelay
    let group: any EventLoopGroup

    /// A client on `group`, by default NIO's shared event loops.
    public init(relay: SMTPRelay, group: (any EventLoopGroup)? = nil) {
        self.relay = relay
        self.group = group ?? MultiThreadedEventLoopGroup.singleton
    }

    /// Sends one message. `sender` is the reverse path without brackets ("" for `<>`,
    /// RFC 5321 §4.5.5); every recipient must be accepted, or nothing is sent.
    /// - Throws: `SMTPClientError`.
    public func send(from sender: String, to recipients: [String], message: OutgoingMessage) async throws {
        for address in [sender] + recipients where !Self.isPathSafe(address) || address.isEmpty && address != sender {
            throw SMTPClientError.invalidAddress(address)
        }
        let channel: NIOAsyncChannel<SMTPReply, ByteBuffer>
        do {
            channel = try await ClientBootstrap(group: group)
                .connectTimeout(.nanoseconds(Int64(relay.connectTimeoutSeconds * 1e9)))
                .channelOption(.tcpOption(.tcp_nodelay), value: 1)
                .connect(host: relay.host, port: relay.port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        let pipeline = channel.pipeline.syncOperations
                        let timeout = TimeAmount.nanoseconds(Int64(relay.replyTimeoutSeconds * 1e9))
                        try pipeline.addHandler(IdleStateHandler(allTimeout: timeout))
                        try pipeline.addHandler(SMTPReplyHandler())
                        return try NIOAsyncChannel<SMTPReply, ByteBuffer>(wrappingChannelSynchronously: channel)
                    }
                }
        } catch {
            throw SMTPClientError.connectFailed(String(describing: error))
        }
        try await channel.executeThenClose { inbound, outbound in
            var session = SMTPClientSession(replies: inbound.makeAsyncIterator(), writer: outbound,
                                            allocator: channel.channel.allocator)
            try await session.transact(helo: relay.heloName, sender: sender, recipients: recipients,
                                       message: message)
        }
    }
}

extension SMTPClient {
    /// Whether `address` can be written between the brackets of a path (RFC 5321 §4.1.2)
    /// without changing the command: no controls, spaces or brackets.
    static func isPathSafe(_ address: String) -> Bool {
        address.utf8.allSatisfy { $0 > 0x20 && $0 != 0x7F && $0 != UInt8(ascii: "<") && $0 != UInt8(ascii: ">") }
    }
}

/// One transaction over an open connection; `stage` names the command waiting for its reply,
/// for errors.
struct SMTPClientSession {
    var replies: NIOAsyncChannelInboundStream<SMTPReply>.AsyncIterator
    let writer: NIOAsyncChannelOutboundWriter<ByteBuffer>
    let allocator: ByteBufferAllocator
    private var stage = "the greeting"

    init(replies: NIOAsyncChannelInboundStream<SMTPReply>.AsyncIterator,
         writer: NIOAsyncChannelOutboundWriter<ByteBuffer>, allocator: ByteBufferAllocator) {
        self.replies = replies
        self.writer = writer
        self.allocator = allocator
    }

    mutating func transact(helo: String, sender: String, recipients: [String], message: OutgoingMessage) async throws {
        let banner = try await nextReply()
        try expect(banner, 220)
        // RFC 5321 §4.1.1.1: EHLO, and HELO from a server that does not know it.
        let greeting = try await command("EHLO \(helo)")
        let extensions: Set<String>
        if greeting.isPositiveCompletion {
            extensions = Set(greeting.lines.dropFirst().map {
                String($0.split(separator: " ").first ?? "").uppercased()
            })
        } else {
            try await command("HELO \(helo)", expecting: 250)
            extensions = []
        }
        var mailFrom = "MAIL FROM:<\(sender)>"
        if extensions.contains("8BITMIME") { mailFrom += " BODY=8BITMIME" }  // RFC 6152
        let international = ([sender] + recipients).contains { $0.utf8.contains { $0 >= 0x80 } }
        if international && extensions.contains("SMTPUTF8") { mailFrom += " SMTPUTF8" }  // RFC 6531 §3.4
        try await command(mailFrom, expecting: 250)
        for recipient in recipients {
            try await command("RCPT TO:<\(recipient)>", expecting: 250, 251)
        }
        try await command("DATA", expecting: 354)
        stage = "the message data"
        var stuffer = DotStuffer()
        var offset = 0
        while true {
            let chunk = try await message.read(offset)
            if chunk.isEmpty { break }
            offset += chunk.count
            try await write(stuffer.stuff(chunk))
        }
        try await write(stuffer.finish())
        let accepted = try await nextReply()
        try expect(accepted, 250)
        // The message is accepted; a failing QUIT changes nothing (RFC 5321 §4.1.1.10).
        _ = try? await command("QUIT")
    }

    private mutating func command(_ line: String, expecting codes: Int...) async throws {
        let reply = try await command(line)
        guard codes.contains(reply.code) else { throw SMTPClientError.refused(stage: stage, reply: reply) }
    }

    @discardableResult
    private mutating func command(_ line: String) async throws -> SMTPReply {
        stage = line
        try await write(Array((line + "\r\n").utf8))
        return try await nextReply()
    }

    private func write(_ bytes: [UInt8]) async throws {
        do {
            try await writer.write(allocator.buffer(bytes: bytes))
        } catch {
            throw SMTPClientError.connectionClosed(stage: stage)
        }
    }

    private mutating func nextReply() async throws -> SMTPReply {
        do {
            guard let reply = try await replies.next() else { throw SMTPClientError.connectionClosed(stage: stage) }
            return reply
        } catch let error as SMTPClientError {
            if case .timedOut = error { throw SMTPClientError.timedOut(stage: stage) }
            throw error
        } catch let error as SMTPReplyError {
            throw SMTPClientError.malformedReply(error)
        }
    }

    private func expect(_ reply: SMTPReply, _ codes: Int...) throws {
        guard codes.contains(reply.code) else { throw SMTPClientError.refused(stage: stage, reply: reply) }
    }
}

/// Decodes replies with `SMTPReplyParser` and turns an idle timeout (`IdleStateHandler` before
/// it) into `SMTPClientError.timedOut`, closing the connection.
final class SMTPReplyHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = SMTPReply
    private var parser = SMTPReplyParser()

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        do {
            for reply in try parser.feed(buffer.readableBytesView) {
                context.fireChannelRead(wrapInboundOut(reply))
            }
        } catch {
            context.fireErrorCaught(error)
            context.close(promise: nil)
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent {
            context.fireErrorCaught(SMTPClientError.timedOut(stage: ""))
            context.close(promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }
}
