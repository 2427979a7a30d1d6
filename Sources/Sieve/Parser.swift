/// The grammar of RFC 5228 §8.2, one function per rule, over the tokens of `Lexer`. It knows
/// no command: it builds the syntax tree and enforces the size limits; `Compiler` gives the
/// tree its meaning.
struct Parser {
    private var lexer: Lexer
    private var token: Token
    private let limits: SieveLimits
    private var depth = 0
    private var commands = 0
    private var strings = 0

    /// Parses a whole script (`start`).
    static func parse(_ script: [UInt8], limits: SieveLimits) throws(SieveError) -> [SyntaxCommand] {
        guard script.count <= limits.maximumScriptSize else {
            throw SieveError(line: 1, .scriptTooLarge(limit: limits.maximumScriptSize))
        }
        var parser = try Parser(script, limits: limits)
        return try parser.parseStart()
    }

    private init(_ script: [UInt8], limits: SieveLimits) throws(SieveError) {
        lexer = Lexer(script)
        token = try lexer.next()
        self.limits = limits
    }

    private mutating func advance() throws(SieveError) {
        token = try lexer.next()
    }

    private func unexpected(_ expected: String) -> SieveError {
        SieveError(line: token.line, .expected(expected, found: token.shown))
    }

    private mutating func enter() throws(SieveError) {
        depth += 1
        guard depth <= limits.maximumNestingDepth else {
            throw SieveError(line: token.line, .nestingTooDeep(limit: limits.maximumNestingDepth))
        }
    }

    /// `start = commands`
    private mutating func parseStart() throws(SieveError) -> [SyntaxCommand] {
        let commands = try parseCommands()
        guard token.kind == .end else { throw unexpected("a command") }
        return commands
    }

    /// `commands = *command`
    private mutating func parseCommands() throws(SieveError) -> [SyntaxCommand] {
        var result: [SyntaxCommand] = []
        while case .identifier = token.kind {
            result.append(try parseCommand())
        }
        return result
    }

    /// `command = identifier arguments (";" / block)`
    private mutating func parseCommand() throws(SieveError) -> SyntaxCommand {
        guard case .identifier(let name) = token.kind else { throw unexpected("a command") }
        let line = token.line
        commands += 1
        guard commands <= limits.maximumCommands else {
            throw SieveError(line: line, .tooManyCommands(limit: limits.maximumCommands))
        }
        try advance()
        let (arguments, tests, hasTestList) = try parseArguments(ofTest: false)
        switch token.kind {
        case .semicolon:
            try advance()
            return SyntaxCommand(name: name, line: line, arguments: arguments, tests: tests,
                                 hasTestList: hasTestList, block: nil)
        case .leftBrace:
            let block = try parseBlock()
            return SyntaxCommand(name: name, line: line, arguments: arguments, tests: tests,
                                 hasTestList: hasTestList, block: block)
        default:
            throw unexpected("';' or '{'")
        }
    }

    /// `block = "{" commands "}"`
    private mutating func parseBlock() throws(SieveError) -> [SyntaxCommand] {
        try enter()
        try advance()
        let commands = try parseCommands()
        guard token.kind == .rightBrace else { throw unexpected("a command or '}'") }
        try advance()
        depth -= 1
        return commands
    }

    /// `arguments = *argument [ test / test-list ]`. A test inside a test (`not`) nests one
    /// level deeper; the test of a command does not.
    private mutating func parseArguments(ofTest: Bool) throws(SieveError)
        -> ([SyntaxArgument], [SyntaxTest], Bool) {
        var arguments: [SyntaxArgument] = []
        while let argument = try parseArgument() {
            arguments.append(argument)
        }
        switch token.kind {
        case .identifier:
            if ofTest { try enter() }
            let test = try parseTest()
            if ofTest { depth -= 1 }
            return (arguments, [test], false)
        case .leftParen:
            return (arguments, try parseTestList(), true)
        default:
            return (arguments, [], false)
        }
    }

    /// `argument = string-list / number / tag`; nil when the next token starts none.
    private mutating func parseArgument() throws(SieveError) -> SyntaxArgument? {
        let line = token.line
        switch token.kind {
        case .number(let value):
            try advance()
            return SyntaxArgument(kind: .number(value), line: line)
        case .tag(let name):
            try advance()
            return SyntaxArgument(kind: .tag(name), line: line)
        case .string, .leftBracket:
            return try parseStringList()
        default:
            return nil
        }
    }

    /// `string-list = "[" string *("," string) "]" / string`
    private mutating func parseStringList() throws(SieveError) -> SyntaxArgument {
        let line = token.line
        if case .string = token.kind {
            return SyntaxArgument(kind: .strings([try parseString()], isList: false), line: line)
        }
        try advance()
        var values = [try parseString()]
        while token.kind == .comma {
            try advance()
            values.append(try parseString())
        }
        guard token.kind == .rightBracket else { throw unexpected("',' or ']'") }
        try advance()
        return SyntaxArgument(kind: .strings(values, isList: true), line: line)
    }

    /// `string = quoted-string / multi-line`
    private mutating func parseString() throws(SieveError) -> String {
        guard case .string(let value) = token.kind else { throw unexpected("a string") }
        strings += 1
        guard strings <= limits.maximumStrings else {
            throw SieveError(line: token.line, .tooManyStrings(limit: limits.maximumStrings))
        }
        try advance()
        return value
    }

    /// `test = identifier arguments`
    private mutating func parseTest() throws(SieveError) -> SyntaxTest {
        guard case .identifier(let name) = token.kind else { throw unexpected("a test") }
        let line = token.line
        try advance()
        let (arguments, tests, hasTestList) = try parseArguments(ofTest: true)
        return SyntaxTest(name: name, line: line, arguments: arguments, tests: tests,
                          hasTestList: hasTestList)
    }

    /// `test-list = "(" test *("," test) ")"`
    private mutating func parseTestList() throws(SieveError) -> [SyntaxTest] {
        try enter()
        try advance()
        var tests = [try parseTest()]
        while token.kind == .comma {
            try advance()
            tests.append(try parseTest())
        }
        guard token.kind == .rightParen else { throw unexpected("',' or ')'") }
        try advance()
        depth -= 1
        return tests
    }
}
