import Crypto

/// Channel-binding data the TLS layer can offer (RFC 5056; the types of RFC 5929).
///
/// SCRAM-…-PLUS proves that the TLS channel the client sees ends at this server: the client
/// puts the binding data into its final message (RFC 5802 §6, attribute `c`), so a
/// man-in-the-middle holding a different certificate cannot relay the exchange.
struct ChannelBinding: Sendable, Hashable {
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

    /// `tls-server-end-point` for a certificate given only as DER: the signature algorithm is
    /// read from the certificate's outer `signatureAlgorithm` field (RFC 5280 §4.1.1.2).
    /// nil when the DER is not a certificate or the binding is undefined (see above).
    static func tlsServerEndPoint(certificateDER: [UInt8]) -> ChannelBinding? {
        guard let oid = signatureAlgorithmOID(certificateDER: certificateDER) else { return nil }
        return tlsServerEndPoint(certificateDER: certificateDER, signatureAlgorithmOID: oid)
    }

    /// The dotted OID of `signatureAlgorithm` in
    /// `Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm AlgorithmIdentifier,
    /// signatureValue BIT STRING }` with `AlgorithmIdentifier ::= SEQUENCE { algorithm OBJECT
    /// IDENTIFIER, parameters ANY OPTIONAL }` (RFC 5280 §4.1).
    static func signatureAlgorithmOID(certificateDER der: [UInt8]) -> String? {
        var reader = DERReader(der)
        guard let certificate = reader.read(tag: 0x30), reader.isAtEnd else { return nil }
        var fields = DERReader(certificate)
        guard fields.read(tag: 0x30) != nil,                        // tbsCertificate
              let algorithm = fields.read(tag: 0x30) else { return nil }
        var identifier = DERReader(algorithm)
        guard let oid = identifier.read(tag: 0x06) else { return nil }
        return dottedOID(oid)
    }

    /// X.690 §8.19: the first octets hold 40 × arc1 + arc2, every arc base-128, high bit set
    /// on all but its last octet.
    private static func dottedOID(_ content: ArraySlice<UInt8>) -> String? {
        var arcs: [UInt64] = []
        var value: UInt64 = 0
        var pending = false
        for byte in content {
            guard value >> 57 == 0, !(byte == 0x80 && !pending) else { return nil }
            value = value << 7 | UInt64(byte & 0x7F)
            pending = byte & 0x80 != 0
            if !pending {
                arcs.append(value)
                value = 0
            }
        }
        guard !pending, let first = arcs.first else { return nil }
        let head: [UInt64] = first < 80 ? [first / 40, first % 40] : [2, first - 80]
        return (head + arcs.dropFirst()).map(String.init).joined(separator: ".")
    }
}

/// Reads definite-length DER TLVs with one-byte tags, enough for the certificate's outer
/// structure.
private struct DERReader {
    private let bytes: ArraySlice<UInt8>
    private var index: Int

    init(_ bytes: some Collection<UInt8>) {
        self.bytes = ArraySlice(bytes)
        self.index = self.bytes.startIndex
    }

    var isAtEnd: Bool { index == bytes.endIndex }

    /// The content of the next element if its tag is `tag`; nil (and nothing consumed in a
    /// usable way) when the tag differs or the length is malformed.
    mutating func read(tag: UInt8) -> ArraySlice<UInt8>? {
        guard index < bytes.endIndex, bytes[index] == tag else { return nil }
        var position = index + 1
        guard position < bytes.endIndex else { return nil }
        let first = bytes[position]
        position += 1
        var length = 0
        if first < 0x80 {
            length = Int(first)
        } else {
            let count = Int(first & 0x7F)
            guard count >= 1, count <= 4, bytes.endIndex - position >= count else { return nil }
            for byte in bytes[position..<position + count] { length = length << 8 | Int(byte) }
            position += count
        }
        guard bytes.endIndex - position >= length else { return nil }
        index = position + length
        return bytes[position..<index]
    }
}
