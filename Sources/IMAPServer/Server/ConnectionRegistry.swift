package import MailStore
package import NIOCore
import Synchronization

/// Something the server tells a connection from outside its own byte stream.
package enum ConnectionSignal: Sendable {
    /// The selected mailbox changed in the store (another session, a delivery).
    case mailboxChanged
    /// Time passed: check the autologout timers.
    case tick
    /// The server is shutting down: say BYE and close (RFC 9051 §7.1.5).
    case shutdown
    /// The logged-in user's account was deleted: say BYE and close.
    case accountDeleted
}

/// Delivers signals into a connection's inbound stream, where its session reads them between
/// the client's bytes (`TransportSwitchHandler` turns them into ``ConnectionInput/signal(_:)``).
/// One stream per connection keeps one task per connection: an idle connection costs no more.
package struct SignalSink: Sendable {
    private let deliver: @Sendable (ConnectionSignal) -> Void
    private let closeConnection: @Sendable () -> Void

    /// Signals for a live channel.
    package init(channel: any Channel) {
        deliver = { signal in
            channel.eventLoop.execute {
                channel.pipeline.syncOperations.fireUserInboundEventTriggered(signal)
            }
        }
        closeConnection = { channel.close(promise: nil) }
    }

    /// Signals handed to a function (sessions driven in-process, in tests).
    init(deliver: @escaping @Sendable (ConnectionSignal) -> Void, close: @escaping @Sendable () -> Void = {}) {
        self.deliver = deliver
        closeConnection = close
    }

    package func yield(_ signal: ConnectionSignal) {
        deliver(signal)
    }

    /// Closes the connection from outside its task.
    package func close() {
        closeConnection()
    }
}

/// The live connections: counts them against the limit, and broadcasts ticks and shutdown.
package final class ConnectionRegistry: Sendable {
    private struct Connection {
        var signals: SignalSink
        var address: String
        var user: User?
    }

    private struct State {
        var nextID = 0
        var connections: [Int: Connection] = [:]
        var perAddress: [String: Int] = [:]
        var perUser: [String: Int] = [:]
        /// Bytes of APPEND uploads in progress, per user.
        var uploads: [String: UInt64] = [:]
        var accepting = true
    }

    /// Why a connection was refused.
    package enum Refusal: Error {
        case shuttingDown, serverFull, addressFull, userFull
    }

    private let state = Mutex(State())

    /// Registers a connection from `address` against the server-wide and per-address limits.
    package func register(_ signals: SignalSink, address: String, limits: ServerConfiguration) -> Result<Int, Refusal> {
        state.withLock { state in
            guard state.accepting else { return .failure(.shuttingDown) }
            guard state.connections.count < limits.maxConnections else { return .failure(.serverFull) }
            guard state.perAddress[address, default: 0] < limits.maxConnectionsPerAddress else {
                return .failure(.addressFull)
            }
            state.nextID += 1
            state.connections[state.nextID] = Connection(signals: signals, address: address)
            state.perAddress[address, default: 0] += 1
            return .success(state.nextID)
        }
    }

    /// Counts a logged-in connection against its user's limit; false if the user already has
    /// the most connections allowed.
    package func bind(_ id: Int, to user: User, limit: Int) -> Bool {
        state.withLock { state in
            guard state.connections[id] != nil else { return false }
            guard state.perUser[user.name, default: 0] < limit else { return false }
            state.perUser[user.name, default: 0] += 1
            state.connections[id]?.user = user
            return true
        }
    }

    /// Stops counting a connection against its user (ManageSieve's UNAUTHENTICATE, RFC 5804
    /// §2.14.1).
    package func unbind(_ id: Int) {
        state.withLock { state in
            guard let user = state.connections[id]?.user else { return }
            state.connections[id]?.user = nil
            Self.decrement(&state.perUser, user.name)
        }
    }

    /// Every user logged in on some connection.
    var loggedInUsers: Set<User> {
        state.withLock { Set($0.connections.values.compactMap(\.user)) }
    }

    /// Signals every connection logged in as `user`.
    func signal(_ signal: ConnectionSignal, toConnectionsOf user: User) {
        let targets = state.withLock { $0.connections.values.filter { $0.user == user }.map(\.signals) }
        for sink in targets { sink.yield(signal) }
    }

    /// Reserves room for an upload of `bytes` among the user's uploads in progress (what sits
    /// in the store's upload area until the APPEND ends); false if it would pass `limit`.
    func reserveUpload(_ bytes: UInt64, for user: String, limit: UInt64) -> Bool {
        state.withLock { state in
            let current = state.uploads[user, default: 0]
            guard current + bytes <= limit else { return false }
            state.uploads[user] = current + bytes
            return true
        }
    }

    /// Gives back what `reserveUpload` took.
    func releaseUpload(_ bytes: UInt64, for user: String) {
        state.withLock { state in
            let left = state.uploads[user, default: 0] - min(bytes, state.uploads[user, default: 0])
            state.uploads[user] = left > 0 ? left : nil
        }
    }

    package func unregister(_ id: Int) {
        state.withLock { state in
            guard let connection = state.connections.removeValue(forKey: id) else { return }
            Self.decrement(&state.perAddress, connection.address)
            if let user = connection.user { Self.decrement(&state.perUser, user.name) }
        }
    }

    private static func decrement(_ counts: inout [String: Int], _ key: String) {
        let value = (counts[key] ?? 1) - 1
        counts[key] = value > 0 ? value : nil
    }

    var count: Int { state.withLock { $0.connections.count } }

    func broadcast(_ signal: ConnectionSignal) {
        let targets = state.withLock { $0.connections.values.map(\.signals) }
        for sink in targets { sink.yield(signal) }
    }

    /// Stops new registrations and tells every connection to close.
    func shutDown() {
        let targets = state.withLock { state in
            state.accepting = false
            return state.connections.values.map(\.signals)
        }
        for sink in targets { sink.yield(.shutdown) }
    }

    /// Closes every connection still open (the end of the shutdown grace period).
    func closeAll() {
        let targets = state.withLock { $0.connections.values.map(\.signals) }
        for sink in targets { sink.close() }
    }
}
