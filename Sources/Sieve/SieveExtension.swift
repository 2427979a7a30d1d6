/// The Sieve extensions Tern implements, by their capability string (the argument of
/// `require`, RFC 5228 §3.2, and ManageSieve's SIEVE capability, RFC 5804 §1.7).
public enum SieveExtension: String, CaseIterable, Hashable, Sendable {
    /// RFC 5228 §4.1
    case fileinto
    /// RFC 5228 §5.4
    case envelope
    /// RFC 5228 §2.4.2.4
    case encodedCharacter = "encoded-character"
    /// RFC 5228 §2.7.3: the two comparators every implementation has.
    case comparatorOctet = "comparator-i;octet"
    case comparatorASCIICasemap = "comparator-i;ascii-casemap"
    /// RFC 4790 §9.1, named by RFC 5231 §5
    case comparatorASCIINumeric = "comparator-i;ascii-numeric"
    /// RFC 5229
    case variables
    /// RFC 5232
    case imap4flags
    /// RFC 5233
    case subaddress
    /// RFC 5173
    case body
    /// RFC 5231
    case relational
    /// RFC 5260 §4
    case date
    /// RFC 5260 §6
    case index
    /// RFC 5490 §3
    case mailbox
    /// RFC 3894
    case copy
    /// RFC 5230
    case vacation
    /// RFC 6131: `vacation :seconds`
    case vacationSeconds = "vacation-seconds"
    /// RFC 5429 §2.2
    case reject
    /// RFC 5429 §2.1
    case ereject
    /// RFC 6609
    case include
    /// RFC 5183
    case environment

    /// The space-separated list ManageSieve advertises as its SIEVE capability.
    public static func capabilityString(_ extensions: some Sequence<SieveExtension>) -> String {
        extensions.map(\.rawValue).joined(separator: " ")
    }
}
