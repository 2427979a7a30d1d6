import Crypto
import X509

/// Channel-binding data the TLS layer can offer (RFC 5056; the types of RFC 5929).
///
/// SCRAM-…-PLUS proves that the TLS channel the client sees ends at this server: the client
/// puts the binding data into its final message (RFC 5802 §6, attribute `c`), so a
/// man-in-the-middle holding a different certificate cannot relay the exchange.
package struct ChannelBinding: Sendable, Hashable {
    /// The channel-binding type name as the client writes it after `p=` (`cb-name`).
    let type: String
    let data: [UInt8]

    /// The `tls-server-end-point` type name (RFC 5929 §4).
    static let tlsServerEndPointType = "tls-server-end-point"

    /// `tls-server-end-point` (RFC 5929 §4.1): the hash of the server certificate's DER, with
    /// the hash chosen by the certificate's signature algorithm (`signatureAlgorithmOID`,
    /// dotted): SHA-256 when the algorithm uses MD5, SHA-1 or SHA-256, otherwise the
    /// algorithm's own hash (SHA-384, SHA-512).
    ///
    /// nil when the binding is undefined or not computable here, so that -PLUS must not be
    /// offered: algorithms that use no single hash (Ed25519, Ed448; RSASSA-PSS, whose hash is
    /// in its parameters) — "undefined at this time" in §4.1 — and the SHA-224 ones.
    static func tlsServerEndPoint(certificateDER: [UInt8], signatureAlgorithmOID: String) -> ChannelBinding? {
        let data: [UInt8]
        switch signatureAlgorithmOID {
        case "1.2.840.113549.1.1.4",    // md5WithRSAEncryption
             "1.2.840.113549.1.1.5",    // sha1WithRSAEncryption
             "1.3.14.3.2.29",           // sha1WithRSASignature (OIW)
             "1.2.840.10045.4.1",       // ecdsa-with-SHA1
             "1.2.840.10040.4.3",       // id-dsa-with-sha1
             "1.2.840.113549.1.1.11",   // sha256WithRSAEncryption
             "1.2.840.10045.4.3.2",     // ecdsa-with-SHA256
             "2.16.840.1.101.3.4.3.2":  // id-dsa-with-sha256
            data = Array(SHA256.hash(data: certificateDER))
        case "1.2.840.113549.1.1.12",   // sha384WithRSAEncryption
             "1.2.840.10045.4.3.3":     // ecdsa-with-SHA384
            data = Array(SHA384.hash(data: certificateDER))
        case "1.2.840.113549.1.1.13",   // sha512WithRSAEncryption
             "1.2.840.10045.4.3.4":     // ecdsa-with-SHA512
            data = Array(SHA512.hash(data: certificateDER))
        default:
            return nil
        }
        return ChannelBinding(type: tlsServerEndPointType, data: data)
    }

    /// `tls-server-end-point` for a certificate given as DER, its signature algorithm read by
    /// swift-certificates (RFC 5280 §4.1.1.2). nil when the DER is not a certificate or the
    /// binding is undefined for its algorithm (see above).
    static func tlsServerEndPoint(certificateDER: [UInt8]) -> ChannelBinding? {
        guard let certificate = try? Certificate(derEncoded: certificateDER) else { return nil }
        let oid: String
        switch certificate.signatureAlgorithm {
        case .sha1WithRSAEncryption: oid = "1.2.840.113549.1.1.5"
        case .ecdsaWithSHA256: oid = "1.2.840.10045.4.3.2"
        case .sha256WithRSAEncryption: oid = "1.2.840.113549.1.1.11"
        case .ecdsaWithSHA384: oid = "1.2.840.10045.4.3.3"
        case .sha384WithRSAEncryption: oid = "1.2.840.113549.1.1.12"
        case .ecdsaWithSHA512: oid = "1.2.840.10045.4.3.4"
        case .sha512WithRSAEncryption: oid = "1.2.840.113549.1.1.13"
        default: return nil
        }
        return tlsServerEndPoint(certificateDER: certificateDER, signatureAlgorithmOID: oid)
    }
}
