import Foundation
package import NIOSSL
import Synchronization

/// Where the server's certificate chain and private key come from (PEM files).
public struct TLSFiles: Hashable, Sendable {
    public var certificatePath: String
    public var keyPath: String
    public init(certificatePath: String, keyPath: String) {
        self.certificatePath = certificatePath
        self.keyPath = keyPath
    }
}

/// The server's TLS identity, loaded from PEM files and replaceable while the server runs
/// (SIGHUP): new connections use the newest one, open ones keep theirs.
public final class TLSProvider: Sendable {
    /// What one load of the files gives: a context for new connections and the data that
    /// SCRAM-SHA-256-PLUS binds to (RFC 5929 §4.1 tls-server-end-point).
    package struct Identity: Sendable {
        package let context: NIOSSLContext
        /// nil when the certificate's signature algorithm defines no binding (RFC 5929 §4.1):
        /// SCRAM-SHA-256-PLUS is then not offered.
        package let binding: ChannelBinding?
    }

    public let files: TLSFiles
    private let current: Mutex<Identity>

    /// Loads the files; throws if they cannot be read or do not match.
    public init(files: TLSFiles) throws {
        self.files = files
        current = Mutex(try Self.load(files))
    }

    /// Reloads the files; on failure the previous identity stays in use and the error is thrown.
    public func reload() throws {
        let identity = try Self.load(files)
        current.withLock { $0 = identity }
    }

    package var identity: Identity { current.withLock { $0 } }

    /// The TLS 1.2 cipher suites offered: ECDHE key exchange (forward secrecy) with AEAD
    /// ciphers only, as RFC 7525 §4.2 recommends; no CBC suite (their MAC-then-encrypt is what
    /// Lucky Thirteen attacks) and no static-RSA key exchange. Both ECDSA and RSA certificates
    /// are covered. TLS 1.3 suites are all AEAD and not configurable (RFC 8446 §9.1).
    static let tls12CipherSuites: [NIOTLSCipher] = [
        .TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, .TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        .TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
        .TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, .TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
        .TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
    ]

    private static func load(_ files: TLSFiles) throws -> Identity {
        let chain = try NIOSSLCertificate.fromPEMFile(files.certificatePath)
        guard let leaf = chain.first else { throw TLSSetupError("no certificate in \(files.certificatePath)") }
        let key = try NIOSSLPrivateKey(file: files.keyPath, format: .pem)
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        configuration.minimumTLSVersion = .tlsv12  // RFC 8314 §4.1, RFC 7525
        configuration.cipherSuiteValues = Self.tls12CipherSuites
        let context = try NIOSSLContext(configuration: configuration)
        let binding = ChannelBinding.tlsServerEndPoint(certificateDER: try leaf.toDERBytes())
        return Identity(context: context, binding: binding)
    }
}

struct TLSSetupError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
