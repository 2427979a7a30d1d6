import IMAPServer
import Logging
import MailCore
import MailStore
@testable import ManageSieveServer
import ManageSieveSyntax
import MemoryMailStore
import NIOCore
import NIOPosix
import Synchronization
import Testing

/// The ManageSieve server in process, on a loopback port, over the in-memory store: what a
/// client does reaches the store through `SieveScriptStore`, and the store's errors come back
/// as RFC 5804 response codes.
@Suite("ManageSieve server")
struct ManageSieveServerTests {
    /// Runs `body` with a client connected to a fresh server whose store has alice.
    func withServer(_ body: (SieveClient, MailStorage, User) async throws -> Void) async throws {
        let storage = MailStorage(InMemoryMailStore())
        let credentials = try PasswordCredentials(password: "secret", iterations: 4096)
        let alice = try await storage.provisionAccount(name: "alice", credentials: credentials)
        var imapConfiguration = ServerConfiguration()
        imapConfiguration.passwordIterations = 4096
        let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
        let imap = try IMAPServer(configuration: imapConfiguration, storage: storage, logger: logger)
        var configuration = ManageSieveConfiguration()
        configuration.listen = [("127.0.0.1", 0)]
        configuration.maxScripts = 2
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let server = ManageSieveServer(configuration: configuration, sharingWith: imap, logger: logger) { address in
            continuation.yield(address.port ?? 0)
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.run() }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else { throw ClientError.closed }
            let channel = try await SieveClient.connect(port: port)
            do {
                try await channel.executeThenClose { inbound, outbound in
                    try await body(SieveClient(inbound: inbound, outbound: outbound), storage, alice)
                }
            } catch {
                server.shutDown()
                throw error
            }
            server.shutDown()
            try await group.waitForAll()
        }
    }

    @Test("a script put and activated over the wire is the store's active script")
    func putActivateReachesTheStore() async throws {
        try await withServer { client, storage, alice in
            let greeting = try await client.response()
            #expect(greeting.last == "OK \"Tern ManageSieve ready\"")
            #expect(greeting.contains("\"SASL\" \"PLAIN SCRAM-SHA-256\""))
            let token = String(decoding: Base64.encode(Array("\0alice\0secret".utf8)), as: UTF8.self)
            #expect(try await client.command("AUTHENTICATE \"PLAIN\" \"\(token)\"").last == "OK \"Logged in\"")
            #expect(try await client.command("PUTSCRIPT \"main\" {8+}\r\ndiscard;").last == "OK \"Script stored\"")
            #expect(try await client.command("SETACTIVE \"main\"").last?.hasPrefix("OK") == true)
            let active = try await storage.sieveScripts.activeSieveScript(of: alice.id)
            #expect(active?.name == "main" && active?.content == Array("discard;".utf8))
            #expect(try await client.command("DELETESCRIPT \"main\"").last?.hasPrefix("NO (ACTIVE)") == true)
            #expect(try await client.command("PUTSCRIPT \"two\" {5+}\r\nkeep;").last?.hasPrefix("OK") == true)
            #expect(try await client.command("PUTSCRIPT \"three\" {5+}\r\nkeep;").last?.hasPrefix("NO (QUOTA/MAXSCRIPTS)") == true)
            #expect(try await storage.sieveScripts.sieveScripts(of: alice.id).map(\.name) == ["main", "two"])
        }
    }

    @Test("store errors map to response codes in one place (RFC 5804 §1.3)")
    func storeErrors() {
        #expect(ManageSieveSession.answer(to: .sieveScriptNotFound("a")).code == .nonexistent)
        #expect(ManageSieveSession.answer(to: .sieveScriptExists("a")).code == .alreadyExists)
        #expect(ManageSieveSession.answer(to: .sieveScriptActive("a")).code == .active)
        #expect(ManageSieveSession.answer(to: .userNotFound("a")).status == .bye)
        #expect(ManageSieveSession.answer(to: .uidSpaceExhausted).code == .tryLater)
        #expect(ManageSieveSession.answer(to: .literalTooLarge(size: 9, limit: 4)).code == .quotaMaxSize)
    }
}

enum ClientError: Error { case closed }

/// A line-based client over a NIO async channel.
final class SieveClient {
    var iterator: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
    let writer: NIOAsyncChannelOutboundWriter<ByteBuffer>
    var buffer: [UInt8] = []

    init(inbound: NIOAsyncChannelInboundStream<ByteBuffer>, outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>) {
        iterator = inbound.makeAsyncIterator()
        writer = outbound
    }

    static func connect(port: Int) async throws -> NIOAsyncChannel<ByteBuffer, ByteBuffer> {
        try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
    }

    func line() async throws -> String {
        while true {
            if let end = buffer.firstIndex(of: 0x0A), end > 0, buffer[end - 1] == 0x0D {
                let line = String(decoding: buffer[..<(end - 1)], as: UTF8.self)
                buffer.removeFirst(end + 1)
                return line
            }
            guard var chunk = try await iterator.next() else { throw ClientError.closed }
            buffer += chunk.readBytes(length: chunk.readableBytes) ?? []
        }
    }

    /// Lines up to the one that starts with OK, NO or BYE.
    func response() async throws -> [String] {
        var lines: [String] = []
        while true {
            let line = try await line()
            lines.append(line)
            if line.hasPrefix("OK") || line.hasPrefix("NO") || line.hasPrefix("BYE") { return lines }
        }
    }

    func command(_ text: String) async throws -> [String] {
        try await writer.write(ByteBuffer(string: text + "\r\n"))
        return try await response()
    }
}
