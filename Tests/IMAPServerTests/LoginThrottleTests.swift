@testable import IMAPServer
import Testing

/// Login penalties (README "Security"; RFC 9051 §11.1): failures per (address, user), per
/// address and per user; one attempt at a time per key; a success clears only its own pair.
@Suite("LoginThrottle")
struct LoginThrottleTests {
    let start = ContinuousClock.now
    func at(_ seconds: Double) -> ContinuousClock.Instant { start + .milliseconds(Int64(seconds * 1000)) }

    func throttle() -> LoginThrottle {
        LoginThrottle(initialDelay: .seconds(2), maximumDelay: .seconds(15))
    }

    /// One whole attempt: its turn (which must be granted), then its outcome.
    func attempt(_ throttle: inout LoginThrottle, connection: Int = 1, address: String = "192.0.2.1",
                 user: String, succeeds: Bool, at time: Double) -> Duration? {
        guard case .granted(let delay) = throttle.requestTurn(connection: connection, address: address,
                                                              user: user, now: at(time)) else { return nil }
        if succeeds {
            throttle.recordSuccess(connection: connection, address: address, user: user, now: at(time))
        } else {
            throttle.recordFailure(connection: connection, address: address, now: at(time))
        }
        return delay
    }

    @Test("the delay doubles per failure up to the maximum")
    func doubling() {
        let t = throttle()
        #expect([0, 1, 2, 3, 4, 5, 30].map { t.delay(afterFailures: $0) }
                == [.zero, .seconds(2), .seconds(4), .seconds(8), .seconds(15), .seconds(15), .seconds(15)])
    }

    @Test("logging in to one's own account between guesses does not reset the penalty for the guesses")
    func alternationDoesNotReset() {
        var t = throttle()
        var delays: [Duration?] = []
        for round in 0..<4 {
            delays.append(attempt(&t, user: "alice", succeeds: false, at: Double(round) * 20))
            _ = attempt(&t, user: "mallory", succeeds: true, at: Double(round) * 20 + 10)
        }
        #expect(delays == [.zero, .seconds(2), .seconds(4), .seconds(8)])
    }

    @Test("a success clears its own pair and trusts it, but not the address or the user")
    func successClearsOnlyItsPair() {
        var t = throttle()
        for i in 0..<3 { _ = attempt(&t, user: "alice", succeeds: false, at: Double(i)) }
        #expect(attempt(&t, user: "alice", succeeds: true, at: 10) == .seconds(8))
        // The pair is trusted now: its next attempt waits for nothing.
        #expect(attempt(&t, user: "alice", succeeds: false, at: 11) == .zero)
        // Another user from the same address still meets the address's failures (4 now).
        #expect(attempt(&t, user: "bob", succeeds: false, at: 12) == .seconds(15))
        // Alice from another address meets alice's failures across addresses (4).
        #expect(attempt(&t, address: "198.51.100.7", user: "alice", succeeds: false, at: 13) == .seconds(15))
    }

    @Test("guesses at one user from many addresses are slowed down together")
    func perUserAcrossAddresses() {
        var t = throttle()
        var delays: [Duration?] = []
        for i in 0..<5 {
            delays.append(attempt(&t, connection: i, address: "203.0.113.\(i)", user: "alice", succeeds: false,
                                  at: Double(i) * 30))
        }
        #expect(delays == [.zero, .seconds(2), .seconds(4), .seconds(8), .seconds(15)])
    }

    @Test("one attempt at a time per key: a parallel attempt waits for the turn")
    func oneAtATime() {
        var t = throttle()
        #expect(t.requestTurn(connection: 1, address: "a", user: "alice", now: at(0)) == .granted(delay: .zero))
        #expect(t.requestTurn(connection: 2, address: "a", user: "alice", now: at(0)) == .busy)
        #expect(t.requestTurn(connection: 3, address: "a", user: "bob", now: at(0)) == .busy)  // same address
        #expect(t.requestTurn(connection: 4, address: "b", user: "alice", now: at(0)) == .busy)  // same user
        #expect(t.requestTurn(connection: 5, address: "b", user: "carol", now: at(0)) == .granted(delay: .zero))
        t.recordFailure(connection: 1, address: "a", now: at(0.01))
        #expect(t.requestTurn(connection: 2, address: "a", user: "alice", now: at(0.02)) == .granted(delay: .seconds(2)))
    }

    @Test("a trusted pair is not held up by attempts at other users from its address")
    func trustedPairPassesBy() {
        var t = throttle()
        _ = attempt(&t, user: "alice", succeeds: true, at: 0)
        #expect(t.requestTurn(connection: 2, address: "192.0.2.1", user: "mallory", now: at(1)) == .granted(delay: .zero))
        #expect(t.requestTurn(connection: 3, address: "192.0.2.1", user: "alice", now: at(1)) == .granted(delay: .zero))
    }

    @Test("a turn whose outcome never comes ends after its delay and the allowance")
    func abandonedTurnExpires() {
        var t = throttle()
        #expect(t.requestTurn(connection: 1, address: "a", user: "alice", now: at(0)) == .granted(delay: .zero))
        #expect(t.requestTurn(connection: 2, address: "a", user: "alice", now: at(9)) == .busy)
        #expect(t.requestTurn(connection: 2, address: "a", user: "alice", now: at(10.5)) == .granted(delay: .zero))
    }

    @Test("failures are forgotten after an hour of quiet")
    func memory() {
        var t = throttle()
        _ = attempt(&t, user: "alice", succeeds: false, at: 0)
        #expect(attempt(&t, user: "alice", succeeds: false, at: 3601) == .zero)
    }
}
