import Crypto
import Logging
import MailCore
package import MailStore
import NIOPosix
import Synchronization

/// Checks user names and passwords against the store.
///
/// PBKDF2 costs CPU (a few milliseconds at the default 4,096 rounds, tens at 210,000), so it
/// runs on NIO's blocking thread pool, never on the threads that serve connections. A
/// successful check is remembered for a while (like Dovecot's auth cache) under a SHA-256 of
/// the name, password and stored record, so clients that log in often (phones, benchmarks) do
/// not pay it every time; a changed password changes the record and misses the cache.
///
/// A successful plaintext login re-keys an account whose keys were derived with another
/// iteration count than the configured one (RFC 7677 §4), so that lowering or raising
/// `password_iterations` reaches every account that logs in, without a password reset.
package final class Authenticator: Sendable {
    private let credentials: any CredentialStore
    private let iterations: Int
    private let logger: Logger
    private let cache = Mutex<[SHA256Digest: (user: User, expires: ContinuousClock.Instant)]>([:])
    private let cacheLifetime: Duration
    private let cacheLimit: Int
    /// Verified against when the user does not exist, so that both failures take as long: with
    /// the iteration count new passwords get, like the SCRAM decoy (`SCRAMDecoy`).
    private let decoy: PasswordCredentials?

    init(credentials: any CredentialStore, iterations: Int, logger: Logger, cacheSize: Int = 10_000,
         cacheLifetime: Duration = .seconds(3600)) {
        self.credentials = credentials
        self.iterations = iterations
        self.logger = logger
        cacheLimit = cacheSize
        self.cacheLifetime = cacheLifetime
        self.decoy = try? PasswordCredentials(password: "decoy", iterations: iterations)
    }

    /// The user if the name and password are right; nil otherwise, without telling which
    /// part was wrong (RFC 9051 §6.2.3).
    package func verify(username: String, password: String) async throws -> User? {
        guard let name = User.canonicalName(username),
              let (user, credentials) = try await self.credentials.credentials(forUser: name) else {
            if let decoy { _ = await Self.check(password, against: decoy) }
            return nil
        }
        var hasher = SHA256()
        hasher.update(data: Array(name.utf8) + [0] + Array(password.utf8) + [0])
        hasher.update(data: Array(credentials.encoded.utf8))
        let key = hasher.finalize()
        let now = ContinuousClock.now
        let cached = cache.withLock({ $0[key] }).map { $0.expires > now } ?? false
        if !cached {
            guard await Self.check(password, against: credentials) else { return nil }
            cache.withLock { cache in
                if cache.count >= cacheLimit { cache.removeAll() }
                cache[key] = (user, now + cacheLifetime)
            }
        }
        if credentials.iterations != iterations {
            await rekey(user, from: credentials, password: password)
        }
        return user
    }

    /// Replaces the account's keys by keys derived with the configured iteration count, unless
    /// its credentials changed since they were read (a password change wins). A failure is
    /// logged and leaves the old keys, which still work.
    private func rekey(_ user: User, from old: PasswordCredentials, password: String) async {
        let iterations = self.iterations
        do {
            let new = try await NIOThreadPool.singleton.runIfActive {
                try PasswordCredentials(password: password, iterations: iterations)
            }
            if try await credentials.replaceCredentials(old, with: new, forUser: user.name) {
                logger.info("password re-keyed", metadata: [
                    "user": "\(LoggedText(user.name))", "from": "\(old.iterations)", "to": "\(iterations)"])
            }
        } catch {
            logger.error("password re-key failed", metadata: [
                "user": "\(LoggedText(user.name))", "error": "\(LoggedText(String(describing: error), limit: 256))"])
        }
    }

    private static func check(_ password: String, against credentials: PasswordCredentials) async -> Bool {
        (try? await NIOThreadPool.singleton.runIfActive { credentials.verify(password: password) }) ?? false
    }
}
