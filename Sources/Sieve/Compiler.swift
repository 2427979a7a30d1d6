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
        // Requiring reject or vacation-seconds implies what they extend.
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

/// `${hex:...}` and `${unicode:...}` (RFC 5228 §2.4.2.4).
enum EncodedCharacters {
    static func decode(_ text: String, line: Int) throws(SieveError) -> String {
        let bytes = Array(text.utf8)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "$"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "{"),
               let close = bytes[(index + 2)...].firstIndex(of: UInt8(ascii: "}")),
               let decoded = try decodeReference(bytes[(index + 2)..<close], line: line) {
                output.append(contentsOf: decoded)
                index = close + 1
                continue
            }
            output.append(bytes[index])
            index += 1
        }
        guard let result = String(validating: output, as: UTF8.self) else {
            throw SieveError(line: line, .invalidEncodedCharacter("hex: bytes that are not UTF-8"))
        }
        return result
    }

    /// The bytes of `hex:...` or `unicode:...`, nil when the text is neither (then it stays).
    private static func decodeReference(_ inner: ArraySlice<UInt8>, line: Int) throws(SieveError) -> [UInt8]? {
        guard let colon = inner.firstIndex(of: UInt8(ascii: ":")) else { return nil }
        let kind = String(decoding: inner[..<colon].map(Byte.lowercased), as: UTF8.self)
        guard kind == "hex" || kind == "unicode" else { return nil }
        var groups: [ArraySlice<UInt8>] = []
        var start: Int?
        for index in (colon + 1)..<inner.endIndex {
            let byte = inner[index]
            if byte == Byte.space || byte == Byte.tab || byte == Byte.cr || byte == Byte.lf {
                if let begin = start { groups.append(inner[begin..<index]) }
                start = nil
            } else if hexValue(byte) != nil {
                if start == nil { start = index }
            } else {
                return nil
            }
        }
        if let begin = start { groups.append(inner[begin..<inner.endIndex]) }
        guard !groups.isEmpty else { return nil }
        var output: [UInt8] = []
        for group in groups {
            if kind == "hex" {
                guard group.count % 2 == 0 else { return nil }
                var index = group.startIndex
                while index < group.endIndex {
                    output.append(hexValue(group[index])! << 4 | hexValue(group[index + 1])!)
                    index += 2
                }
            } else {
                let digits = group.drop { $0 == UInt8(ascii: "0") }
                var value: UInt32 = 0
                for byte in digits.prefix(7) { value = value << 4 | UInt32(hexValue(byte)!) }
                guard digits.count <= 6, let scalar = Unicode.Scalar(value) else {
                    let shown = String(decoding: inner, as: UTF8.self)
                    throw SieveError(line: line, .invalidEncodedCharacter(shown))
                }
                output.append(contentsOf: Array(String(Character(scalar)).utf8))
            }
        }
        return output
    }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}

/// Variable references in strings (RFC 5229 §3):
///
///     variable-ref   = "${" [namespace] variable-name "}"
///     namespace      = identifier "." *sub-namespace
///     variable-name  = num-variable / identifier
///
/// Text that does not form a reference stays as it is.
enum VariableReferences {
    static func segments(of text: String, line: Int,
                         namespaces: Set<String>) throws(SieveError) -> [SieveString.Segment] {
        let bytes = Array(text.utf8)
        var segments: [SieveString.Segment] = []
        var literal: [UInt8] = []
        var index = 0
        func flush() {
            if !literal.isEmpty { segments.append(.text(String(decoding: literal, as: UTF8.self))) }
            literal.removeAll()
        }
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "$"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "{") {
                var end = index + 2
                while end < bytes.count, Byte.isIdentifierStart(bytes[end]) || Byte.isDigit(bytes[end])
                    || bytes[end] == UInt8(ascii: ".") { end += 1 }
                if end < bytes.count, bytes[end] == UInt8(ascii: "}"), end > index + 2 {
                    let inner = String(decoding: bytes[(index + 2)..<end], as: UTF8.self)
                    if inner.utf8.allSatisfy(Byte.isDigit) {
                        flush()
                        segments.append(.match(Int(inner.drop { $0 == "0" }.prefix(4)) ?? 0))
                        index = end + 1
                        continue
                    }
                    if let name = name(inner, namespaces: nil) {
                        if let namespace = name.namespace, !namespaces.contains(namespace) {
                            throw SieveError(line: line, .invalidVariableName(inner))
                        }
                        flush()
                        segments.append(.variable(name))
                        index = end + 1
                        continue
                    }
                }
            }
            literal.append(bytes[index])
            index += 1
        }
        flush()
        return segments
    }

    /// Parses `[namespace "."] identifier`, lower-cased; nil when malformed or when the
    /// namespace is not one of `namespaces` (nil: any namespace).
    static func name(_ text: String, namespaces: Set<String>?) -> VariableName? {
        let parts = text.lowercased().split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2 else { return nil }
        for part in parts {
            guard let first = part.utf8.first, Byte.isIdentifierStart(first) || parts.count == 1,
                  part.utf8.allSatisfy({ Byte.isIdentifierStart($0) || Byte.isDigit($0) }) else { return nil }
        }
        if parts.count == 1 {
            guard let first = parts[0].utf8.first,
                  Byte.isIdentifierStart(first) || parts[0].utf8.allSatisfy(Byte.isDigit) else { return nil }
            return VariableName(namespace: nil, name: String(parts[0]))
        }
        let namespace = String(parts[0])
        if let namespaces, !namespaces.contains(namespace) { return nil }
        return VariableName(namespace: namespace, name: String(parts[1]))
    }
}
