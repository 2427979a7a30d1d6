/// The bookkeeping behind login penalties (`LoginPenalties`), as a pure state machine: the
/// clock is passed in, so tests can run it without waiting.
///
/// Failed logins are counted under three keys: the client address with the target user, the
/// address alone, and the user alone (across addresses). A login attempt must get its *turn*
/// on its keys before its credentials are checked: each key serves one attempt at a time, and
/// the attempt then waits the delay its keys' failures call for (`initialDelay`, doubling per
/// failure up to `maximumDelay`). So guesses are checked one after the other per address and
/// per user however many connections carry them, at most one per `maximumDelay` once the
/// failures pile up (like Dovecot's auth penalty, which delays but does not serialise, with a
/// per-user dimension added).
///
/// A success clears only its own (address, user) failures and marks that pair as *trusted*:
/// until it fails again, its attempts take their turn on the pair alone, not on the address or
/// the user. So logging in to one's own account does not reset the penalty for guessing at
/// another (the pair of the guesses keeps its failures, the address and the user keep
/// theirs), and people who logged in from an address before are not held up by someone
/// guessing from the same address (a NAT) or at the same account from elsewhere.
struct LoginThrottle {
    typealias Instant = ContinuousClock.Instant

    enum Key: Hashable {
        case pair(address: String, user: String)
        case address(String)
        case user(String)
    }

    struct Entry {
        var failures = 0
        /// The last failure or success; an entry quiet for `memory` is forgotten.
        var lastActivity: Instant
        /// The (address, user) pair succeeded and has not failed since.
        var trusted = false
        /// The connection whose attempt has this key's turn, until `turnEnds`.
        var holder: Int?
        var turnEnds: Instant?
    }

    /// What an attempt gets when it asks for its turn.
    enum Turn: Equatable {
        /// The attempt has its turn: wait this long, then check the credentials.
        case granted(delay: Duration)
        /// Another attempt has the turn on one of the keys: ask again later.
        case busy
    }

    let initialDelay: Duration
    let maximumDelay: Duration
    /// How long a turn lasts beyond its delay if the attempt never reports its outcome (a
    /// SCRAM client that stops answering, a connection that drops).
    let turnAllowance: Duration
    static let memory = Duration.seconds(3600)
    static let capacity = 100_000

    private(set) var entries: [Key: Entry] = [:]
    /// Each connection's current turn: the keys it holds, and whom it concerns.
    private var turns: [Int: (keys: [Key], address: String, user: String)] = [:]

    init(initialDelay: Duration, maximumDelay: Duration, turnAllowance: Duration = .seconds(10)) {
        self.initialDelay = initialDelay
        self.maximumDelay = maximumDelay
        self.turnAllowance = turnAllowance
    }

    /// The delay `failures` failures call for.
    func delay(afterFailures failures: Int) -> Duration {
        guard failures > 0, initialDelay > .zero else { return .zero }
        return min(maximumDelay, initialDelay * (1 << min(failures - 1, 20)))
    }

    /// The keys an attempt by `connection` from `address` at `user` takes its turn on.
    func keys(address: String, user: String, now: Instant) -> [Key] {
        let pair = Key.pair(address: address, user: user)
        if let entry = live(pair, now: now), entry.trusted { return [pair] }
        return [pair, .user(user), .address(address)]
    }

    /// Gives `connection` the turn on its keys if none is held by another attempt.
    mutating func requestTurn(connection: Int, address: String, user: String, now: Instant) -> Turn {
        let keys = keys(address: address, user: user, now: now)
        for key in keys {
            if let entry = live(key, now: now), let holder = entry.holder, holder != connection,
               let ends = entry.turnEnds, ends > now {
                return .busy
            }
        }
        release(connection: connection)
        let wait = keys.map { delay(afterFailures: live($0, now: now)?.failures ?? 0) }.max() ?? Duration.zero
        prune(now: now)
        for key in keys {
            var entry = live(key, now: now) ?? Entry(lastActivity: now)
            entry.holder = connection
            entry.turnEnds = now + wait + turnAllowance
            entries[key] = entry
        }
        turns[connection] = (keys, address, user)
        return .granted(delay: wait)
    }

    /// A failed login by `connection`: counted under its (address, user) pair, the address and
    /// the user (also when a trusted pair took its turn on the pair alone), or under the
    /// address alone if it had no turn (a SASL exchange that failed before naming a user).
    mutating func recordFailure(connection: Int, address: String, now: Instant) {
        let keys = turns[connection].map { [.pair(address: $0.address, user: $0.user), .user($0.user), .address($0.address)] }
            ?? [Key.address(address)]
        release(connection: connection)
        prune(now: now)
        for key in keys {
            var entry = live(key, now: now) ?? Entry(lastActivity: now)
            entry.failures += 1
            entry.trusted = false
            entry.lastActivity = now
            entries[key] = entry
        }
    }

    /// A successful login: the (address, user) pair's failures are cleared and it becomes
    /// trusted; the address's and the user's failures stay (they fade after `memory`).
    mutating func recordSuccess(connection: Int, address: String, user: String, now: Instant) {
        release(connection: connection)
        prune(now: now)
        let pair = Key.pair(address: address, user: user)
        var entry = live(pair, now: now) ?? Entry(lastActivity: now)
        entry.failures = 0
        entry.trusted = true
        entry.lastActivity = now
        entries[pair] = entry
    }

    /// Gives up `connection`'s turn without an outcome (the attempt was abandoned).
    mutating func release(connection: Int) {
        guard let keys = turns.removeValue(forKey: connection)?.keys else { return }
        for key in keys where entries[key]?.holder == connection {
            entries[key]?.holder = nil
            entries[key]?.turnEnds = nil
        }
    }

    /// The entry for `key`, or nil if there is none or it was quiet for longer than `memory`.
    private func live(_ key: Key, now: Instant) -> Entry? {
        guard let entry = entries[key] else { return nil }
        if entry.lastActivity.duration(to: now) > Self.memory && (entry.turnEnds.map { $0 <= now } ?? true) {
            return nil
        }
        return entry
    }

    /// Forgets quiet entries once the table is full, so that it stays bounded.
    private mutating func prune(now: Instant) {
        guard entries.count >= Self.capacity else { return }
        entries = entries.filter { live($0.key, now: now) != nil }
        if entries.count >= Self.capacity { entries.removeAll() }
    }
}
