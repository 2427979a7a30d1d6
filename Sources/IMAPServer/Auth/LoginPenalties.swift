import Synchronization

/// Slows down and limits password guessing (RFC 9051 §11.1 asks servers to make guessing
/// expensive; the model is Dovecot's auth penalty): see `LoginThrottle` for the rules. Every
/// credential check, on every connection, first waits for its turn and its delay here; an
/// attempt that cannot get its turn within `maximumDelay` is refused without a check.
package final class LoginPenalties: Sendable {
    private let state: Mutex<LoginThrottle>
    private let maximumWait: Duration
    /// How often a waiting attempt looks again whether its keys are free.
    private static let pollInterval = Duration.milliseconds(20)

    init(initialDelay: Double, maximumDelay: Double) {
        let initial = Duration.milliseconds(Int64(initialDelay * 1000))
        let maximum = Duration.milliseconds(Int64(max(initialDelay, maximumDelay) * 1000))
        state = Mutex(LoginThrottle(initialDelay: initial, maximumDelay: maximum))
        maximumWait = max(maximum, .seconds(1))
    }

    /// Waits for the attempt's turn and then its penalty delay; false if the turn did not come
    /// within the longest wait (the attempt must then be refused, unchecked).
    package func waitForTurn(connection: Int, address: String, user: String) async throws -> Bool {
        let deadline = ContinuousClock.now + maximumWait
        while true {
            let now = ContinuousClock.now
            let turn = state.withLock { $0.requestTurn(connection: connection, address: address, user: user, now: now) }
            switch turn {
            case .granted(let delay):
                if delay > .zero { try await Task.sleep(for: delay) }
                return true
            case .busy:
                guard now < deadline else { return false }
                try await Task.sleep(for: Self.pollInterval)
            }
        }
    }

    package func recordFailure(connection: Int, address: String) {
        let now = ContinuousClock.now
        state.withLock { $0.recordFailure(connection: connection, address: address, now: now) }
    }

    package func recordSuccess(connection: Int, address: String, user: String) {
        let now = ContinuousClock.now
        state.withLock { $0.recordSuccess(connection: connection, address: address, user: user, now: now) }
    }

    /// Gives up a connection's turn without an outcome; nothing if it holds none.
    package func release(connection: Int) {
        state.withLock { $0.release(connection: connection) }
    }
}
