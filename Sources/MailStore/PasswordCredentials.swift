import Crypto
import _CryptoExtras
import Foundation

/// A password as stored: never the password, only SCRAM-SHA-256 keys (RFC 5802 §3, RFC 7677),
/// derived with PBKDF2-HMAC-SHA-256 over a random salt. The same record verifies a plaintext
/// password (LOGIN, AUTHENTICATE PLAIN) and answers a SCRAM exchange.
public struct PasswordCredentials: Hashable, Sendable {
    /// 4,096 PBKDF2 rounds: the minimum RFC 7677 §4 asks for, and what Dovecot and Cyrus use.
    /// Cyrus SASL (the SCRAM client of mbsync and others) refuses an iteration count above
    /// 65,536, so a server that announces more locks those clients out.
    public static let defaultIterations = 4096
    /// The smallest iteration count the configuration accepts (RFC 7677 §4: "SHOULD be at
    /// least 4096").
    public static let minimumIterations = 4096
    /// The largest iteration count Cyrus SASL clients accept in a SCRAM exchange.
    public static let cyrusSASLMaximumIterations = 65536

    public var iterations: Int
    public var salt: [UInt8]
    /// H(ClientKey), ClientKey = HMAC(SaltedPassword, "Client Key").
    public var storedKey: [UInt8]
    /// HMAC(SaltedPassword, "Server Key").
    public var serverKey: [UInt8]

    public init(iterations: Int, salt: [UInt8], storedKey: [UInt8], serverKey: [UInt8]) {
        self.iterations = iterations
        self.salt = salt
        self.storedKey = storedKey
        self.serverKey = serverKey
    }

    /// Derives fresh credentials with a new random 16-byte salt.
    public init(password: String, iterations: Int = defaultIterations) throws {
        var generator = SystemRandomNumberGenerator()
        let salt = (0..<16).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        try self.init(password: password, salt: salt, iterations: iterations)
    }

    /// Derives the credentials for a given salt (known test vectors such as RFC 7677 §3).
    public init(password: String, salt: [UInt8], iterations: Int) throws {
        let salted = try Self.saltedPassword(password, salt: salt, iterations: iterations)
        self.init(iterations: iterations, salt: salt,
                  storedKey: Array(SHA256.hash(data: Self.clientKey(salted))),
                  serverKey: Self.serverKey(salted))
    }

    /// Checks a plaintext password in constant time with respect to the stored keys.
    public func verify(password: String) -> Bool {
        guard let salted = try? Self.saltedPassword(password, salt: salt, iterations: iterations)
        else { return false }
        let candidate = Array(SHA256.hash(data: Self.clientKey(salted)))
        guard candidate.count == storedKey.count else { return false }
        return zip(candidate, storedKey).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }

    /// `SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>` (base64): PostgreSQL's
    /// SCRAM verifier format (Dovecot writes the same four values as
    /// `{SCRAM-SHA-256}<iterations>,<salt>,<StoredKey>,<ServerKey>`), so that records can be
    /// converted to and from both.
    public var encoded: String {
        "SCRAM-SHA-256$\(iterations):\(Data(salt).base64EncodedString())$"
            + "\(Data(storedKey).base64EncodedString()):\(Data(serverKey).base64EncodedString())"
    }

    public init?(encoded: String) {
        let parts = encoded.split(separator: "$", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "SCRAM-SHA-256" else { return nil }
        let first = parts[1].split(separator: ":"), second = parts[2].split(separator: ":")
        guard first.count == 2, second.count == 2, let iterations = Int(first[0]), iterations > 0,
              let salt = Data(base64Encoded: String(first[1])),
              let stored = Data(base64Encoded: String(second[0])),
              let server = Data(base64Encoded: String(second[1])),
              stored.count == 32, server.count == 32
        else { return nil }
        self.init(iterations: iterations, salt: Array(salt), storedKey: Array(stored),
                  serverKey: Array(server))
    }

    static func saltedPassword(_ password: String, salt: [UInt8], iterations: Int) throws -> SymmetricKey {
        try KDF.Insecure.PBKDF2.deriveKey(from: Array(password.utf8), salt: salt,
                                          using: .sha256, outputByteCount: 32,
                                          unsafeUncheckedRounds: iterations)
    }

    static func clientKey(_ salted: SymmetricKey) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: Array("Client Key".utf8), using: salted))
    }

    static func serverKey(_ salted: SymmetricKey) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: Array("Server Key".utf8), using: salted))
    }
}
