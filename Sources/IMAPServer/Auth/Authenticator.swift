import Crypto
import MailStore
import NIOPosix
import Synchronization

/// Checks user names and passwords against the store.
///
/// PBKDF2 with 210,000 rounds costs tens of milliseconds of CPU, so it runs on NIO's blocking
/// thread pool, never on the threads that serve connections. A successful check is remembered
/// for a while (like Dovecot's auth cache) under a SHA-256 of the name, password and stored
/// record, so clients that log in often (phones, benchmarks) do not pay it every time; a
/// changed password changes the record and misses the cache.
final class Authenticator: Sendable {
    private let store: any MailStore
    private let cache = Mutex<[SHA256Digest: (user: User, expires: ContinuousClock.Instant)]>([:])
    private static let cacheLifetime = Duration.seconds(3600)
    private static let cacheLimit = 10_000
    /// Verified against when the user does not exist, so that both failures take as long.
    private let decoy: PasswordCredentials?

    init(store: any MailStore) {
        self.store = store
        self.decoy = try? PasswordCredentials(password: "decoy")
    }

    /// The user if the name and password are right; nil otherwise, without telling which
    /// part was wrong (RFC 9051 §6.2.3).
    func verify(username: String, password: String) async throws -> User? {
        guard let name = User.canonicalName(username),
              let (user, credentials) = try await store.credentials(forUser: name) else {
            if let decoy { _ = await Self.check(password, against: decoy) }
            return nil
        }
        var hasher = SHA256()
        hasher.update(data: Array(name.utf8) + [0] + Array(password.utf8) + [0])
        hasher.update(data: Array(credentials.encoded.utf8))
        let key = hasher.finalize()
        let now = ContinuousClock.now
        if let hit = cache.withLock({ $0[key] }), hit.expires > now { return hit.user }
        guard await Self.check(password, against: credentials) else { return nil }
        cache.withLock { cache in
            if cache.count >= Self.cacheLimit { cache.removeAll() }
            cache[key] = (user, now + Self.cacheLifetime)
        }
        return user
    }

    private static func check(_ password: String, against credentials: PasswordCredentials) async -> Bool {
        (try? await NIOThreadPool.singleton.runIfActive { credentials.verify(password: password) }) ?? false
    }
}
