import ArgumentParser
import Crypto
import Foundation
import SQLiteMailStore
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
        @Option(name: .customLong("host"),
                help: "A further server name clients connect to (DNS name or IP address); repeatable.")
        var hosts: [String] = []
        @Option(name: .customLong("days"), help: "Validity in days.") var days = 365
        @Option(name: .customLong("out"), help: "Directory for cert.pem and key.pem.") var out: String?

        func run() async throws {
            let directory = try out ?? TLSLocation.directory(of: common.settings())
            try PrivateFiles.makeDirectory(directory)
            let names = CertificateNames.subjectNames(extra: hosts)
            let (certificate, key) = try Self.make(names: names, days: days)
            let certificatePath = (directory as NSString).appendingPathComponent("cert.pem")
            let keyPath = (directory as NSString).appendingPathComponent("key.pem")
            try PrivateFiles.write(Array(key.utf8), to: keyPath)  // 0600 from the first byte on
            try Data(certificate.utf8).write(to: URL(fileURLWithPath: certificatePath))
            try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: certificatePath)
            Console.line("Wrote \(certificatePath) and \(keyPath) for \(names.joined(separator: ", ")), valid \(days) days")
        }

        /// A self-signed server certificate and its key, both PEM, naming every one of `names`
        /// as a subject alternative name (RFC 5280 §4.2.1.6): IP addresses as `iPAddress`,
        /// others as `dNSName`, the first also as the common name. Clients check the name
        /// they connected to against these (RFC 6125 §6, RFC 2595 §2.4).
        static func make(names: [String], days: Int) throws -> (certificate: String, key: String) {
            precondition(!names.isEmpty, "a certificate needs a name")
            let key = P256.Signing.PrivateKey()
            let subject = try DistinguishedName { CommonName(names[0]) }
            let now = Date()
            let alternativeNames: [GeneralName] = names.map { name in
                CertificateNames.addressBytes(name).map { .ipAddress(ASN1OctetString(contentBytes: $0[...])) }
                    ?? .dnsName(name)
            }
            let extensions = try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([.serverAuth])
                SubjectAlternativeNames(alternativeNames)
            }
            let certificate = try Certificate(
                version: .v3, serialNumber: Certificate.SerialNumber(),
                publicKey: Certificate.PublicKey(key.publicKey),
                notValidBefore: now.addingTimeInterval(-3600),
                notValidAfter: now.addingTimeInterval(Double(days) * 86_400),
                issuer: subject, subject: subject, signatureAlgorithm: .ecdsaWithSHA256,
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
