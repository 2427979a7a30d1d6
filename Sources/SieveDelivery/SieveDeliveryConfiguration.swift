public import Sieve

/// The `[sieve]` settings: how scripts run at delivery and where their messages go.
///
///     [sieve]
///     relay = "127.0.0.1:25"          # redirect and vacation go out through this SMTP server
///     global_dir = "/etc/tern/sieve"  # include :global "name" reads name.sieve from here
///     max_script_size = 1048576       # and the other limits below
public struct SieveDeliveryConfiguration: Sendable {
    /// The SMTP relay; nil: redirect and vacation cannot be sent (redirect keeps the message,
    /// vacation sends nothing; both say so in the user's log).
    public var relay: SMTPRelay?
    /// The directory of global scripts (RFC 6609 §3.2 `:global`): `name.sieve` files.
    public var globalScriptDirectory: String?
    /// The compiler and interpreter limits (script size, actions, redirects, CPU steps,
    /// include depth, vacation periods).
    public var limits: SieveLimits
    /// The extensions scripts may require; the administrator can turn some off.
    public var extensions: Set<SieveExtension>
    /// Messages up to this size are given to the script whole. A larger message is given as
    /// its first `bodyPrefixSize` bytes (cut at a line end), its structure parsed from those:
    /// header tests see the header (when it fits), body tests the beginning of the body, and
    /// `size` the real size. So a 50 MB message never sits whole in memory.
    public var maximumWholeMessageSize: Int
    /// How many bytes of a larger message a script sees.
    public var bodyPrefixSize: Int
    /// How many `X-Tern-Loop` fields (one per redirect by a Tern user) a message may carry
    /// before no further redirect of it is made, whoever the user: a bound on loops through
    /// several users or servers.
    public var maximumRedirectHops: Int
    /// Compiled scripts kept in memory (by user and content), the least recently used dropped.
    public var compiledScriptCacheSize: Int
    /// This server's name: the `host` environment item (RFC 5183 §4) and the right side of the
    /// Message-IDs of vacation responses.
    public var hostName: String
    /// The domain added to a user name to make an address when the envelope recipient has no
    /// domain, and the `domain` environment item. Nil: "localhost".
    public var domain: String?

    public init(relay: SMTPRelay? = nil, globalScriptDirectory: String? = nil, limits: SieveLimits = SieveLimits(),
                extensions: Set<SieveExtension> = Set(SieveExtension.allCases),
                maximumWholeMessageSize: Int = 10 << 20, bodyPrefixSize: Int = 1 << 20,
                maximumRedirectHops: Int = 8, compiledScriptCacheSize: Int = 1000,
                hostName: String = "localhost", domain: String? = nil) {
        self.relay = relay
        self.globalScriptDirectory = globalScriptDirectory
        self.limits = limits
        self.extensions = extensions
        self.maximumWholeMessageSize = maximumWholeMessageSize
        self.bodyPrefixSize = bodyPrefixSize
        self.maximumRedirectHops = maximumRedirectHops
        self.compiledScriptCacheSize = compiledScriptCacheSize
        self.hostName = hostName
        self.domain = domain
    }

    /// Turns off the extensions named (as in `require`), e.g. `["vacation", "include"]`;
    /// returns the names that are no extension.
    @discardableResult
    public mutating func disable(_ names: [String]) -> [String] {
        var unknown: [String] = []
        for name in names {
            if let found = SieveExtension(rawValue: name.lowercased()) {
                extensions.remove(found)
            } else {
                unknown.append(name)
            }
        }
        return unknown
    }
}
