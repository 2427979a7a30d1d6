/// A compiled Sieve script (RFC 5228): parse and check once (at upload, RFC 5804 PUTSCRIPT),
/// run on each delivery.
///
///     let script = try SieveScript(compiling: bytes)           // throws SieveError
///     let result = script.run(on: SieveMessage(messageBytes),
///                             context: SieveContext(envelope: ..., now: ...),
///                             host: myHost)                    // never throws
///     for action in result.actions { ... }                      // keep, fileInto, redirect, ...
public struct SieveScript: Sendable {
    /// The extensions the script requires (RFC 5228 §3.2).
    public let requiredExtensions: Set<SieveExtension>
    /// The extensions the server enabled when it compiled the script; included scripts are
    /// compiled with the same set.
    public let availableExtensions: Set<SieveExtension>
    let commands: [Command]

    /// Compiles a script: lexes, parses (RFC 5228 §8) and checks it (§2.6–§5, the extensions).
    /// - Parameters:
    ///   - extensions: what `require` may name; a server can disable some.
    /// - Throws: `SieveError` with the line and the reason.
    public init(compiling script: [UInt8], limits: SieveLimits = SieveLimits(),
                extensions: Set<SieveExtension> = Set(SieveExtension.allCases)) throws(SieveError) {
        let syntax = try Parser.parse(script, limits: limits)
        var compiler = Compiler(available: extensions, limits: limits)
        commands = try compiler.compile(syntax)
        requiredExtensions = compiler.required
        availableExtensions = extensions
    }

    /// Compiles a script given as text.
    public init(compiling script: String, limits: SieveLimits = SieveLimits(),
                extensions: Set<SieveExtension> = Set(SieveExtension.allCases)) throws(SieveError) {
        try self.init(compiling: Array(script.utf8), limits: limits, extensions: extensions)
    }

    /// Runs the script on one message for one recipient. A runtime error (RFC 5228 §2.10.6)
    /// does not throw: the result holds a single keep and the error.
    public func run(on message: SieveMessage, context: SieveContext,
                    host: some SieveHost = NoSieveHost()) -> SieveResult {
        var interpreter = Interpreter(message: message, context: context, host: host)
        return interpreter.run(self)
    }
}
