import Synchronization

/// Slows down password guessing from one address (like Dovecot's auth penalty): after a
/// failed login, the next login answer to that address waits `initialDelay`, doubling with
/// each further failure up to `maximumDelay`. A successful login from the address clears it;
/// an address quiet for an hour is forgotten.
final class LoginPenalties: Sendable {
    private struct Entry {
        var failures: Int
        var last: ContinuousClock.Instant
    }

    private let initialDelay: Double
    private let maximumDelay: Double
    private let entries = Mutex<[String: Entry]>([:])
    private static let memory = Duration.seconds(3600)
    private static let capacity = 100_000

    init(initialDelay: Double, maximumDelay: Double) {
        self.initialDelay = initialDelay
        self.maximumDelay = maximumDelay
    }

    /// How long to wait before answering a login attempt from `address`.
    func delay(for address: String) -> Duration {
        let now = ContinuousClock.now
        let failures = entries.withLock { entries -> Int in
            guard let entry = entries[address] else { return 0 }
            if entry.last.duration(to: now) > Self.memory {
                entries[address] = nil
                return 0
            }
            return entry.failures
        }
        guard failures > 0, initialDelay > 0 else { return .zero }
        let seconds = min(maximumDelay, initialDelay * Double(1 << min(failures - 1, 16)))
        return .milliseconds(Int64(seconds * 1000))
    }

    func recordFailure(from address: String) {
        let now = ContinuousClock.now
        entries.withLock { entries in
            if entries.count >= Self.capacity {
                entries = entries.filter { $0.value.last.duration(to: now) <= Self.memory }
            }
            entries[address, default: Entry(failures: 0, last: now)].failures += 1
            entries[address]?.last = now
        }
    }

    func recordSuccess(from address: String) {
        _ = entries.withLock { $0.removeValue(forKey: address) }
    }
}
