public import Sieve

/// The settings of the ManageSieve service (`[managesieve]`, RFC 5804). Login rules, timeouts
/// and connection limits are IMAP's (`ServerConfiguration`), shared with it.
public struct ManageSieveConfiguration: Sendable {
    /// Where to listen, `host` and `port` each (4190 on real installs, RFC 5804 §1.8).
    public var listen: [(host: String, port: Int)] = []
    /// The name in the IMPLEMENTATION capability.
    public var implementation = "Tern"
    /// Most scripts one user may have (`NO (QUOTA/MAXSCRIPTS)`, RFC 5804 §1.5).
    public var maxScripts = 64
    /// The largest script, in octets (`NO (QUOTA/MAXSIZE)`); also the largest literal taken.
    public var maxScriptSize = 1 << 20
    /// The longest command line, literals excluded.
    public var maxLineLength = 8192
    /// How scripts are compiled at PUTSCRIPT and CHECKSCRIPT: the same limits as at delivery.
    public var sieveLimits = SieveLimits()
    /// The Sieve extensions offered (the SIEVE capability, RFC 5804 §1.7).
    public var extensions: Set<SieveExtension> = Set(SieveExtension.allCases)

    public init() {}
}
