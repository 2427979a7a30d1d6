/// The syntax tree of a script as the grammar of RFC 5228 §8.2 gives it, before any command
/// is interpreted: what `Parser` produces and `Compiler` checks.
struct SyntaxArgument: Hashable, Sendable {
    enum Kind: Hashable, Sendable {
        /// `string-list`; `isList` tells "[...]" from a single string.
        case strings([String], isList: Bool)
        case number(Int)
        /// A `tag`, lower-cased, without its colon.
        case tag(String)
    }

    var kind: Kind
    var line: Int
}

/// `test = identifier arguments`
struct SyntaxTest: Hashable, Sendable {
    var name: String
    var line: Int
    var arguments: [SyntaxArgument]
    /// The trailing `test` or the tests of a `test-list`.
    var tests: [SyntaxTest]
    /// Whether `tests` came as a parenthesised `test-list`.
    var hasTestList: Bool
}

/// `command = identifier arguments (";" / block)`
struct SyntaxCommand: Hashable, Sendable {
    var name: String
    var line: Int
    var arguments: [SyntaxArgument]
    var tests: [SyntaxTest]
    var hasTestList: Bool
    /// The `block`, nil when the command ended with ";".
    var block: [SyntaxCommand]?
}
