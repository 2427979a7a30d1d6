/// How much one connection can make the server log before it is logged in: a token bucket of
/// lines a client can cause (failed logins, its ID, failed SASL exchanges), so that a client
/// pipelining a thousand commands cannot write a thousand lines (RFC 9051 §11: the server must
/// not be made to spend resources without bound). The ID line is logged once per connection:
/// a client identifies itself once (RFC 2971 §3.1 expects one ID per connection).
struct LogBudget: Sendable {
    /// Lines allowed at once, then one per `refillInterval`.
    static let burst = 10
    static let refillInterval = Duration.seconds(5)

    private var tokens = Double(LogBudget.burst)
    private var last = ContinuousClock.now
    /// Lines left out since the last one logged, to be reported with the next.
    private(set) var suppressed = 0
    private(set) var identified = false

    /// Whether one more line may be logged now; if so, `suppressed` says how many were left
    /// out before it (and is then reset by `reportedSuppressed`).
    mutating func allow(now: ContinuousClock.Instant = .now) -> Bool {
        let elapsed = last.duration(to: now)
        last = now
        let refill = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        tokens = min(Double(Self.burst), tokens + refill / Self.refillSeconds)
        guard tokens >= 1 else {
            suppressed += 1
            return false
        }
        tokens -= 1
        return true
    }

    /// The suppressed count has been reported.
    mutating func reportedSuppressed() {
        suppressed = 0
    }

    /// Whether this is the connection's first ID (only that one is logged).
    mutating func firstIdentification() -> Bool {
        defer { identified = true }
        return !identified
    }

    private static let refillSeconds = Double(refillInterval.components.seconds)
}
