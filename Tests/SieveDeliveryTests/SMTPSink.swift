import NIOCore
import NIOPosix
import Synchronization

/// A real SMTP listener on 127.0.0.1 and a free port, for tests: it speaks enough RFC 5321
/// (EHLO/HELO, MAIL, RCPT, DATA with dot-unstuffing, RSET, NOOP, QUIT) to take messages, and
/// records each transaction. `behaviour` makes it refuse or stall.
final class SMTPSink: Sendable {
    struct Transaction: Sendable, Equatable {
        var from: String
        var to: [String]
        var data: [UInt8]
        var mailParameters: String
        var text: String { String(decoding: data, as: UTF8.self) }
    }

    enum Behaviour: Sendable {
        case accept
        /// Every RCPT TO gets this reply.
        case refuseRecipients(String)
        /// Greets, then never answers.
        case silentAfterGreeting
    }

    let port: Int
    private let server: NIOAsyncChannel<NIOAsyncChannel<[UInt8], ByteBuffer>, Never>
    private let received = Mutex<[Transaction]>([])
    private let task = Mutex<Task<Void, Never>?>(nil)

    private init(server: NIOAsyncChannel<NIOAsyncChannel<[UInt8], ByteBuffer>, Never>) {
        self.server = server
        self.port = server.channel.localAddress?.port ?? 0
    }

    /// One event loop for the sinks and the clients of the tests, apart from NIO's shared
    /// ones, which other suites running at the same time keep busy.
    static let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)

    static func start(_ behaviour: Behaviour = .accept) async throws -> SMTPSink {
        let server = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: "127.0.0.1", port: 0) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(LineSplitter()))
                    return try NIOAsyncChannel<[UInt8], ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        let sink = SMTPSink(server: server)
        let running = Task<Void, Never> {
            _ = try? await server.executeThenClose { connections in
                try await withThrowingDiscardingTaskGroup { group in
                    for try await connection in connections {
                        group.addTask { await sink.serve(connection, behaviour) }
                    }
                }
            }
        }
        sink.task.withLock { $0 = running }
        return sink
    }

    var transactions: [Transaction] { received.withLock { $0 } }

    /// Waits until `count` transactions arrived (or 30 seconds passed), returns them all.
    func waitForTransactions(_ count: Int) async -> [Transaction] {
        for _ in 0..<3000 {
            let now = transactions
            if now.count >= count { return now }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return transactions
    }

    func stop() async {
        try? await server.channel.close()
        let running = task.withLock { $0 }
        running?.cancel()
        await running?.value
    }

    private func serve(_ connection: NIOAsyncChannel<[UInt8], ByteBuffer>, _ behaviour: Behaviour) async {
        try? await connection.executeThenClose { lines, writer in
            func say(_ line: String) async throws { try await writer.write(ByteBuffer(string: line + "\r\n")) }
            try await say("220 sink.test ESMTP")
            if case .silentAfterGreeting = behaviour {
                for try await _ in lines {}
                return
            }
            var current: Transaction?
            var inData = false
            for try await line in lines {
                if inData {
                    if line == [UInt8(ascii: ".")] {
                        inData = false
                        if let done = current { received.withLock { $0.append(done) } }
                        current = nil
                        try await say("250 2.0.0 queued")
                    } else {
                        let unstuffed = line.first == UInt8(ascii: ".") ? Array(line.dropFirst()) : line
                        current?.data += unstuffed + [13, 10]
                    }
                    continue
                }
                let text = String(decoding: line, as: UTF8.self)
                let verb = text.prefix(4).uppercased()
                switch verb {
                case "EHLO": try await say("250-sink.test\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n250 SIZE 100000000")
                case "HELO": try await say("250 sink.test")
                case "MAIL":
                    let path = Self.path(in: text)
                    let parameters = text.split(separator: ">", maxSplits: 1).dropFirst().first
                        .map { String($0).trimmingCharacters(in: .whitespaces) } ?? ""
                    current = Transaction(from: path, to: [], data: [], mailParameters: parameters)
                    try await say("250 2.1.0 ok")
                case "RCPT":
                    if case .refuseRecipients(let reply) = behaviour {
                        try await say(reply)
                    } else {
                        current?.to.append(Self.path(in: text))
                        try await say("250 2.1.5 ok")
                    }
                case "DATA":
                    inData = true
                    try await say("354 go ahead")
                case "RSET", "NOOP": try await say("250 ok")
                case "QUIT":
                    try await say("221 bye")
                    return
                default: try await say("502 5.5.2 unknown command")
                }
            }
        }
    }

    private static func path(in command: String) -> String {
        guard let open = command.firstIndex(of: "<"), let close = command[open...].firstIndex(of: ">") else { return "" }
        return String(command[command.index(after: open)..<close])
    }
}

/// Cuts bytes into lines, without their CRLF.
struct LineSplitter: ByteToMessageDecoder {
    typealias InboundOut = [UInt8]

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let index = buffer.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) else { return .needMoreData }
        let length = index - buffer.readerIndex
        var line = buffer.readBytes(length: length) ?? []
        buffer.moveReaderIndex(forwardBy: 1)
        if line.last == UInt8(ascii: "\r") { line.removeLast() }
        context.fireChannelRead(wrapInboundOut(line))
        return .continue
    }
}

extension String {
    enum TrimSet { case whitespaces }
    func trimmingCharacters(in _: TrimSet) -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { $0 != " " && $0 != "\t" }) else { return "" }
        let last = scalars.lastIndex(where: { $0 != " " && $0 != "\t" })!
        return String(scalars[first...last])
    }
}
