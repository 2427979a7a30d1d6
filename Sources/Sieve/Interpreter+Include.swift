// include / return / global (RFC 6609 §3): the caller provides the scripts by name.

extension Interpreter {
    /// Runs the script `name` from `location` (RFC 6609 §3.2): at most once per run with
    /// `:once`, never recursively, nested no deeper than `maximumIncludeDepth`; a missing
    /// script is an error unless `:optional`. `stop` in it stops everything; `return` only it.
    mutating func include(_ name: String, _ location: IncludeLocation, once: Bool,
                          optional: Bool) throws(SieveRuntimeError) -> Flow {
        let key = location.rawValue + ":" + name
        if once, included.contains(key) { return .next }
        guard !includeStack.contains(key) else { throw failure(.includeRecursive(name)) }
        guard includeStack.count < limits.maximumIncludeDepth else {
            throw failure(.includeTooDeep(limit: limits.maximumIncludeDepth))
        }
        let script: SieveScript
        if let compiled = compiledIncludes[key] {
            script = compiled
        } else {
            guard compiledIncludes.count < limits.maximumIncludedScripts else {
                throw failure(.tooManyIncludes(limit: limits.maximumIncludedScripts))
            }
            guard let text = host.includedScript(named: name, location: location) else {
                if optional { return .next }
                throw failure(.includeNotFound(name))
            }
            do {
                script = try SieveScript(compiling: text, limits: limits, extensions: topLevelExtensions)
            } catch {
                throw failure(.includeFailed(name, error))
            }
            compiledIncludes[key] = script
        }
        included.insert(key)
        includeStack.append(key)
        let (savedLine, savedName) = (line, scriptName)
        scriptName = name
        var frame = Frame()
        let flow = try execute(script.commands, &frame)
        includeStack.removeLast()
        (line, scriptName) = (savedLine, savedName)
        return flow == .stop ? .stop : .next
    }
}
