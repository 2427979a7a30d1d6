/// Gives the syntax tree its meaning (RFC 5228 §2.6–§2.9, §3): checks each command and test
/// against its usage — tagged arguments allowed with the extensions required, argument counts
/// and types, match-type / comparator / address-part combinations, constant values — and
/// builds the typed `Command`s the interpreter runs. Every failure is a `SieveError` with the
/// line of the offending argument.
struct Compiler {
    let available: Set<SieveExtension>
    let limits: SieveLimits
    private(set) var required: Set<SieveExtension> = []

    init(available: Set<SieveExtension>, limits: SieveLimits) {
        self.available = available
        self.limits = limits
    }

    func has(_ capability: SieveExtension) -> Bool { required.contains(capability) }

    func need(_ capability: SieveExtension, for what: String, line: Int) throws(SieveError) {
        guard has(capability) else {
            throw SieveError(line: line, .capabilityNotRequired(what, needed: capability.rawValue))
        }
    }

    /// `start`: the leading `require` commands, then the rest (RFC 5228 §3.2).
    mutating func compile(_ script: [SyntaxCommand]) throws(SieveError) -> [Command] {
        var rest = script[...]
        while let first = rest.first, first.name == "require" {
            try require(first)
            rest = rest.dropFirst()
        }
        return try block(rest)
    }

    /// `require <capabilities: string-list>` (RFC 5228 §3.2): every capability must be one this
    /// implementation has (and the server enabled).
    private mutating func require(_ command: SyntaxCommand) throws(SieveError) {
        let arguments = try read(command.arguments, of: command, tags: [:])
        try noTests(command)
        guard command.block == nil else { throw misplaced(command, "takes no block") }
        let values = try positional(arguments, of: command, [.stringList], usage: "require <capabilities: string-list>")
        guard case .strings(let names, _) = values[0].kind else { return }
        for name in names {
            guard let capability = SieveExtension(rawValue: name), available.contains(capability) else {
                throw SieveError(line: values[0].line, .unknownCapability(name))
            }
            required.insert(capability)
        }
        // "vacation-seconds" extends vacation and implies it (RFC 6131 §2).
        if required.contains(.vacationSeconds) { required.insert(.vacation) }
    }

    /// A sequence of commands: chains `if` with its `elsif` and `else` (RFC 5228 §3.1).
    mutating func block(_ commands: ArraySlice<SyntaxCommand>) throws(SieveError) -> [Command] {
        var result: [Command] = []
        var index = commands.startIndex
        while index < commands.endIndex {
            let syntax = commands[index]
            index += 1
            switch syntax.name {
            case "if":
                var branches = [try branch(syntax)]
                var otherwise: [Command]?
                while index < commands.endIndex, commands[index].name == "elsif" {
                    branches.append(try branch(commands[index]))
                    index += 1
                }
                if index < commands.endIndex, commands[index].name == "else" {
                    let elseCommand = commands[index]
                    index += 1
                    guard elseCommand.arguments.isEmpty, elseCommand.tests.isEmpty else {
                        throw SieveError(line: elseCommand.line, .wrongArguments("else", "else <block>"))
                    }
                    guard let block = elseCommand.block else { throw misplaced(elseCommand, "needs a block") }
                    otherwise = try self.block(block[...])
                }
                result.append(Command(kind: .if(branches, otherwise: otherwise), line: syntax.line))
            case "elsif", "else":
                throw misplaced(syntax, "must follow \"if\" or \"elsif\"")
            case "require":
                throw SieveError(line: syntax.line, .requireNotAtStart)
            default:
                result.append(try command(syntax))
            }
        }
        return result
    }

    /// `if <test> <block>` and `elsif <test> <block>`.
    private mutating func branch(_ syntax: SyntaxCommand) throws(SieveError) -> Branch {
        let usage = "\(syntax.name) <test> <block>"
        guard syntax.arguments.isEmpty, syntax.tests.count == 1, !syntax.hasTestList else {
            throw SieveError(line: syntax.line, .wrongArguments(syntax.name, usage))
        }
        guard let block = syntax.block else { throw misplaced(syntax, "needs a block") }
        return Branch(test: try test(syntax.tests[0]), block: try self.block(block[...]))
    }

    func misplaced(_ command: SyntaxCommand, _ reason: String) -> SieveError {
        SieveError(line: command.line, .misplacedCommand(command.name, reason))
    }

    /// A command other than if / elsif takes no test: an identifier after its arguments is
    /// most often the next command with the ";" before it missing.
    func noTests(_ command: SyntaxCommand) throws(SieveError) {
        guard let test = command.tests.first else { return }
        let found = command.hasTestList ? "'('" : "identifier \"\(test.name)\""
        throw SieveError(line: test.line, .expected("';' or '{'", found: found))
    }

    // MARK: Arguments (RFC 5228 §2.6)

    /// What follows a tag.
    enum TagValue {
        case none, string, stringList, number
    }

    struct TagSpec {
        var value: TagValue = .none
        /// Tags of one group exclude each other (match types, address parts, ...).
        var group: String?
        var needs: SieveExtension?
    }

    /// The arguments of one command or test, tags separated from positional ones.
    struct Arguments {
        /// Tag name → its value (nil for a tag without one) and line.
        var tags: [String: (value: SyntaxArgument?, line: Int)] = [:]
        var positional: [SyntaxArgument] = []

        func has(_ tag: String) -> Bool { tags[tag] != nil }
    }

    /// Reads tagged arguments (which must come first, RFC 5228 §2.6.2), then positional ones.
    func read(_ arguments: [SyntaxArgument], of name: String,
              tags specs: [String: TagSpec]) throws(SieveError) -> Arguments {
        var result = Arguments()
        var groups: [String: String] = [:]
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            guard case .tag(let tag) = argument.kind else {
                result.positional.append(argument)
                continue
            }
            guard result.positional.isEmpty, let spec = specs[tag] else {
                throw SieveError(line: argument.line, .unknownTag(tag, of: name))
            }
            if let capability = spec.needs {
                try need(capability, for: ":\(tag)", line: argument.line)
            }
            guard result.tags[tag] == nil else {
                throw SieveError(line: argument.line, .duplicateTag(tag, of: name))
            }
            if let group = spec.group {
                if let other = groups[group] {
                    throw SieveError(line: argument.line, .conflictingTags(other, tag))
                }
                groups[group] = tag
            }
            var value: SyntaxArgument?
            if spec.value != .none {
                let what: String
                switch spec.value {
                case .number: what = "a number"
                case .string: what = "a string"
                default: what = "a string list"
                }
                guard index < arguments.count else {
                    throw SieveError(line: argument.line, .tagNeedsValue(tag, what))
                }
                let next = arguments[index]
                index += 1
                switch (spec.value, next.kind) {
                case (.number, .number), (.stringList, .strings), (.string, .strings(_, isList: false)):
                    value = next
                default:
                    throw SieveError(line: next.line, .tagNeedsValue(tag, what))
                }
            }
            result.tags[tag] = (value, argument.line)
        }
        return result
    }

    func read(_ arguments: [SyntaxArgument], of command: SyntaxCommand,
              tags: [String: TagSpec]) throws(SieveError) -> Arguments {
        try read(arguments, of: command.name, tags: tags)
    }

    enum Shape {
        case string, stringList, number
    }

    /// Checks the positional arguments against `shapes`.
    func positional(_ arguments: Arguments, of command: SyntaxCommand, _ shapes: [Shape],
                    usage: String) throws(SieveError) -> [SyntaxArgument] {
        try positional(arguments, name: command.name, line: command.line, shapes, usage: usage)
    }

    func positional(_ arguments: Arguments, name: String, line: Int, _ shapes: [Shape],
                    usage: String) throws(SieveError) -> [SyntaxArgument] {
        let values = arguments.positional
        guard values.count == shapes.count else {
            throw SieveError(line: values.first?.line ?? line, .wrongArguments(name, usage))
        }
        for (value, shape) in zip(values, shapes) {
            switch (shape, value.kind) {
            case (.number, .number), (.stringList, .strings), (.string, .strings(_, isList: false)):
                continue
            default:
                throw SieveError(line: value.line, .wrongArguments(name, usage))
            }
        }
        return values
    }

    // MARK: Strings (RFC 5228 §2.4.2.4, RFC 5229 §3)

    /// The strings of a string-list argument.
    func strings(_ argument: SyntaxArgument) throws(SieveError) -> [SieveString] {
        guard case .strings(let values, _) = argument.kind else { return [] }
        var result: [SieveString] = []
        result.reserveCapacity(values.count)
        for value in values { result.append(try string(value, line: argument.line)) }
        return result
    }

    /// The single string of a `string` argument.
    func string(_ argument: SyntaxArgument) throws(SieveError) -> SieveString {
        try strings(argument).first ?? SieveString(constant: "")
    }

    /// A string that must not hold variable references (RFC 5229 §3 "constant string").
    func constant(_ argument: SyntaxArgument, _ what: String) throws(SieveError) -> String {
        guard let value = try string(argument).constant else {
            throw SieveError(line: argument.line, .notConstant(what))
        }
        return value
    }

    func constants(_ argument: SyntaxArgument, _ what: String) throws(SieveError) -> [String] {
        var result: [String] = []
        for string in try strings(argument) {
            guard let value = string.constant else { throw SieveError(line: argument.line, .notConstant(what)) }
            result.append(value)
        }
        return result
    }

    /// A string of the script: encoded characters decoded when "encoded-character" is
    /// required, variable references found when "variables" is.
    func string(_ text: String, line: Int) throws(SieveError) -> SieveString {
        var text = text
        if has(.encodedCharacter), text.utf8.contains(UInt8(ascii: "$")) {
            text = try EncodedCharacters.decode(text, line: line)
        }
        guard has(.variables), text.utf8.contains(UInt8(ascii: "$")) else {
            return SieveString(constant: text)
        }
        return SieveString(segments: try VariableReferences.segments(of: text, line: line,
                                                                    namespaces: has(.include) ? ["global"] : []),
                           source: text)
    }

    /// A variable name as `set`, `global` and the imap4flags commands take it.
    func variableName(_ text: String, line: Int) throws(SieveError) -> VariableName {
        guard let name = VariableReferences.name(text, namespaces: has(.include) ? ["global"] : []),
              !name.name.utf8.allSatisfy(Byte.isDigit) else {
            throw SieveError(line: line, .invalidVariableName(text))
        }
        return name
    }
}
