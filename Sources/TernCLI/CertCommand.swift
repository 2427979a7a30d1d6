import ArgumentParser
import Crypto
import Foundation
import SwiftASN1
import X509

/// `tern cert self-signed`: a certificate and key for development and tests. Production
/// servers use a certificate from a CA (see the README's security section).
struct CertCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cert", abstract: "Make TLS certificates.", subcommands: [SelfSigned.self])

    struct SelfSigned: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "self-signed",
            abstract: "Write a self-signed certificate and key (ECDSA P-256) for development.",
            discussion: """
                Without --out, the files go to DATA-DIR/tls/cert.pem and key.pem, where \
                `tern serve` finds them when no [tls] section is configured.
                """)
        @OptionGroup var common: CommonOptions
        @Option(name: .customLong("host"), help: "The server name clients connect to (DNS name or IP address).")
        var host: String
        @Option(name: .customLong("days"), help: "Validity in days.") var days = 365
        @Option(name: .customLong("out"), help: "Directory for cert.pem and key.pem.") var out: String?

        func run() async throws {
            let directory = try out ?? TLSLocation.directory(of: common.settings())
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let (certificate, key) = try Self.make(host: host, days: days)
            let certificatePath = (directory as NSString).appendingPathComponent("cert.pem")
            let keyPath = (directory as NSString).appendingPathComponent("key.pem")
            try Data(key.utf8).write(to: URL(fileURLWithPath: keyPath))
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: keyPath)
            try Data(certificate.utf8).write(to: URL(fileURLWithPath: certificatePath))
            Console.line("Wrote \(certificatePath) and \(keyPath) for \(host), valid \(days) days")
        }

        /// A self-signed server certificate for `host` and its key, both PEM.
        static func make(host: String, days: Int) throws -> (certificate: String, key: String) {
            let key = P256.Signing.PrivateKey()
            let name = try DistinguishedName { CommonName(host) }
            let now = Date()
            let alternativeName: GeneralName = IPv4Address(host).map { .ipAddress(ASN1OctetString(contentBytes: $0.bytes[...])) }
                ?? .dnsName(host)
            let extensions = try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([.serverAuth])
                SubjectAlternativeNames([alternativeName])
            }
            let certificate = try Certificate(
                version: .v3, serialNumber: Certificate.SerialNumber(),
                publicKey: Certificate.PublicKey(key.publicKey),
                notValidBefore: now.addingTimeInterval(-3600),
                notValidAfter: now.addingTimeInterval(Double(days) * 86_400),
                issuer: name, subject: name, signatureAlgorithm: .ecdsaWithSHA256,
                extensions: extensions, issuerPrivateKey: Certificate.PrivateKey(key))
            return (try certificate.serializeAsPEM().pemString, key.pemRepresentation)
        }
    }
}

/// Where `tern cert self-signed` puts its files and `tern serve` looks for them.
enum TLSLocation {
    static func directory(of settings: Settings) -> String {
        (settings.dataDirectory as NSString).appendingPathComponent("tls")
    }
}

/// A dotted IPv4 address, to put an IP (not a DNS name) in the certificate.
private struct IPv4Address {
    let bytes: [UInt8]
    init?(_ text: String) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var bytes: [UInt8] = []
        for part in parts {
            guard let value = UInt8(part) else { return nil }
            bytes.append(value)
        }
        self.bytes = bytes
    }
}
