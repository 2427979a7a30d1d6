import Synchronization

/// Something the server tells a connection from outside its own byte stream.
enum ConnectionSignal: Sendable {
    /// The selected mailbox changed in the store (another session, a delivery).
    case mailboxChanged
    /// Time passed: check the autologout timers.
    case tick
    /// The server is shutting down: say BYE and close (RFC 9051 §7.1.5).
    case shutdown
}

/// The live connections: counts them against the limit, and broadcasts ticks and shutdown.
final class ConnectionRegistry: Sendable {
    private struct Connection {
        var signals: AsyncStream<ConnectionSignal>.Continuation
        /// Closes the connection's channel from outside its task.
        var close: @Sendable () -> Void
    }

    private struct State {
        var nextID = 0
        var connections: [Int: Connection] = [:]
        var accepting = true
    }

    private let state = Mutex(State())

    /// Registers a connection; nil if the limit is reached or the server is shutting down.
    func register(_ continuation: AsyncStream<ConnectionSignal>.Continuation, limit: Int,
                  close: @escaping @Sendable () -> Void) -> Int? {
        state.withLock { state in
            guard state.accepting, state.connections.count < limit else { return nil }
            state.nextID += 1
            state.connections[state.nextID] = Connection(signals: continuation, close: close)
            return state.nextID
        }
    }

    func unregister(_ id: Int) {
        _ = state.withLock { $0.connections.removeValue(forKey: id) }
    }

    var count: Int { state.withLock { $0.connections.count } }

    func broadcast(_ signal: ConnectionSignal) {
        let targets = state.withLock { $0.connections.values.map(\.signals) }
        for continuation in targets { continuation.yield(signal) }
    }

    /// Stops new registrations and tells every connection to close.
    func shutDown() {
        let targets = state.withLock { state in
            state.accepting = false
            return state.connections.values.map(\.signals)
        }
        for continuation in targets { continuation.yield(.shutdown) }
    }

    /// Closes every connection still open (the end of the shutdown grace period).
    func closeAll() {
        let targets = state.withLock { $0.connections.values.map(\.close) }
        for close in targets { close() }
    }
}
