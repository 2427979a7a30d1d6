/// Every limit of the Sieve compiler and interpreter in one place. The defaults suit a
/// delivery agent that runs untrusted user scripts; each limit is enforced with its own error
/// (`SieveError.Kind` at compile time, `SieveRuntimeError.Kind` when a script runs).
public struct SieveLimits: Hashable, Sendable {
    // MARK: Compile time

    /// The largest script accepted, in bytes (ManageSieve's "MAXSCRIPTSIZE", RFC 5804 §1.7).
    public var maximumScriptSize: Int = 1 << 20
    /// How deeply blocks, test lists and `not` may nest.
    public var maximumNestingDepth: Int = 32
    /// The number of commands a script may hold (counting nested ones).
    public var maximumCommands: Int = 10_000
    /// The number of strings (in string lists or alone) a script may hold.
    public var maximumStrings: Int = 50_000

    // MARK: Run time

    /// How many actions one run may take before it fails (RFC 5228 §2.10.6 lets an
    /// implementation bound this); duplicates that are collapsed do not count twice.
    public var maximumActions: Int = 32
    /// How many `redirect` actions one message may cause (RFC 5228 §4.2 "limits on the
    /// number of redirects").
    public var maximumRedirects: Int = 4
    /// A budget standing for CPU time: each command, test and comparison takes steps, and a
    /// wildcard match takes one per position it tries. A run that exhausts it fails.
    public var maximumSteps: Int = 2_000_000
    /// How deeply `include` may nest (RFC 6609 §3.2), the top-level script being depth 0.
    public var maximumIncludeDepth: Int = 4
    /// The number of distinct scripts one run may include (RFC 6609 §3.2).
    public var maximumIncludedScripts: Int = 16
    /// The longest value a variable holds, in bytes; longer values are cut at a character
    /// boundary (RFC 5229 §4 allows truncation and asks for at least 4000 octets).
    public var maximumVariableSize: Int = 4096
    /// The longest string variable expansion produces, in bytes; the rest is cut, so that a
    /// script of many references to long values cannot build huge strings.
    public var maximumExpandedStringSize: Int = 65_536
    /// How many variables one script run may define (RFC 5229 §6: an implementation MAY limit).
    public var maximumVariables: Int = 256
    /// The most body text a `body` test reads, in bytes; beyond it the text is cut.
    public var maximumBodyTextSize: Int = 1 << 20

    // MARK: Vacation (RFC 5230 §4.1, RFC 6131 §2)

    /// The shortest period between two responses to one sender, in seconds (`:days` and
    /// `:seconds` below it are raised to it). RFC 5230 §4.1 wants it above 0 for `:days`.
    public var vacationMinimumPeriod: Int = 86_400
    /// The longest period, in seconds (larger values are lowered to it); RFC 5230 §4.1 asks
    /// for more than 7 days, better more than 30.
    public var vacationMaximumPeriod: Int = 90 * 86_400
    /// The period when the script gives none: 7 days, or the minimum if that is larger.
    public var vacationDefaultPeriod: Int { max(7 * 86_400, vacationMinimumPeriod) }

    // MARK: Subaddress (RFC 5233 §4)

    /// The separator between user and detail in a local part (`user+detail`).
    public var subaddressSeparator: String = "+"

    public init() {}
}
