import Foundation
import Testing
import SwiftASN1
import X509
@testable import TernCLI

/// `tern cert self-signed` (README "TLS"): the certificate names every way a client on this
/// machine reaches the server, IP addresses as iPAddress names (RFC 5280 §4.2.1.6), so that a
/// client checking names (RFC 6125 §6) accepts `127.0.0.1` as well as `localhost`.
@Suite("Development certificate")
struct CertificateNamesTests {
    @Test("the default names are localhost, 127.0.0.1, ::1 and the host name")
    func defaultNames() {
        let names = CertificateNames.subjectNames(extra: [])
        #expect(Array(names.prefix(3)) == ["localhost", "127.0.0.1", "::1"])
        if let host = CertificateNames.hostName() { #expect(names.contains(host)) }
        #expect(CertificateNames.subjectNames(extra: ["mail.example.org", "localhost"]).prefix(2)
                == ["mail.example.org", "localhost"])
    }

    @Test("addresses are parsed as IPv4 and IPv6, names are not addresses")
    func addresses() {
        #expect(CertificateNames.addressBytes("127.0.0.1") == [127, 0, 0, 1])
        #expect(CertificateNames.addressBytes("::1") == Array(repeating: 0, count: 15) + [1])
        #expect(CertificateNames.addressBytes("localhost") == nil)
        #expect(CertificateNames.addressBytes("1.2.3") == nil)
    }

    @Test("the certificate lists DNS names and IP addresses as such")
    func subjectAlternativeNames() throws {
        let (pem, _) = try CertCommand.SelfSigned.make(names: ["localhost", "127.0.0.1", "::1"], days: 1)
        let certificate = try Certificate(pemEncoded: pem)
        let names = try #require(try certificate.extensions.subjectAlternativeNames)
        #expect(Array(names) == [
            .dnsName("localhost"),
            .ipAddress(.init(contentBytes: [127, 0, 0, 1])),
            .ipAddress(.init(contentBytes: Array(repeating: 0, count: 15) + [1])),
        ])
    }
}
