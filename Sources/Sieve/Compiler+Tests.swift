// The tests (RFC 5228 §5 and the extensions) and the arguments they share: COMPARATOR,
// MATCH-TYPE (§2.7), ADDRESS-PART (§2.7.4), :index (RFC 5260 §6).

extension Compiler {
    static let comparatorTags = ["comparator": TagSpec(value: .string, group: "comparator")]
    static let matchTags: [String: TagSpec] = [
        "is": TagSpec(group: "match type"), "contains": TagSpec(group: "match type"),
        "matches": TagSpec(group: "match type"),
        "value": TagSpec(value: .string, group: "match type", needs: .relational),
        "count": TagSpec(value: .string, group: "match type", needs: .relational),
    ]
    static let addressPartTags: [String: TagSpec] = [
        "all": TagSpec(group: "address part"), "localpart": TagSpec(group: "address part"),
        "domain": TagSpec(group: "address part"),
        "user": TagSpec(group: "address part", needs: .subaddress),
        "detail": TagSpec(group: "address part", needs: .subaddress),
    ]
    static let indexTags = ["index": TagSpec(value: .number, needs: .index), "last": TagSpec(needs: .index)]

    static func tags(_ groups: [String: TagSpec]...) -> [String: TagSpec] {
        groups.reduce(into: [:]) { $0.merge($1) { $1 } }
    }

    /// COMPARATOR and MATCH-TYPE (RFC 5228 §2.7.1, §2.7.3; RFC 5231 §4): the comparator must
    /// be known and required, and support the match type (i;ascii-numeric has no substring
    /// operations, RFC 4790 §9.1).
    func match(_ arguments: Arguments) throws(SieveError) -> Match {
        var match = Match()
        if let (value, line) = arguments.tags["comparator"], let value {
            let name = try constant(value, "a comparator name")
            guard let comparator = Comparator(rawValue: name.lowercased()) else {
                throw SieveError(line: line, .unknownComparator(name))
            }
            if comparator == .asciiNumeric {
                try need(.comparatorASCIINumeric, for: "comparator \"i;ascii-numeric\"", line: line)
            }
            match.comparator = comparator
        }
        if arguments.has("contains") { match.type = .contains }
        if arguments.has("matches") { match.type = .matches }
        for tag in ["value", "count"] {
            guard let (value, line) = arguments.tags[tag], let value else { continue }
            let name = try constant(value, "a relational operator")
            guard let relation = Relation(rawValue: name.lowercased()) else {
                throw SieveError(line: line, .unknownRelation(name))
            }
            match.type = tag == "value" ? .value(relation) : .count(relation)
        }
        if match.comparator == .asciiNumeric, match.type == .contains || match.type == .matches {
            let line = arguments.tags["contains"]?.line ?? arguments.tags["matches"]?.line ?? 0
            throw SieveError(line: line, .unsupportedMatchType(comparator: match.comparator.rawValue,
                                                               matchType: match.type == .contains ? "contains" : "matches"))
        }
        return match
    }

    func addressPart(_ arguments: Arguments) -> AddressPart {
        if arguments.has("localpart") { return .localpart }
        if arguments.has("domain") { return .domain }
        if arguments.has("user") { return .user }
        if arguments.has("detail") { return .detail }
        return .all
    }

    /// `:index <fieldno: number> [:last]` (RFC 5260 §6.1): the number counts from 1.
    func index(_ arguments: Arguments) throws(SieveError) -> FieldIndex? {
        guard let (value, line) = arguments.tags["index"], case .number(let number)? = value?.kind else {
            if let (_, line) = arguments.tags["last"] {
                throw SieveError(line: line, .invalidValue(":last needs :index"))
            }
            return nil
        }
        guard number >= 1 else { throw SieveError(line: line, .invalidValue(":index must be at least 1")) }
        return FieldIndex(number: number, fromLast: arguments.has("last"))
    }

    /// Header names must be `field-name`s (RFC 5228 §2.4.2.2, RFC 5322 §3.6.8) when constant.
    func headerNames(_ argument: SyntaxArgument) throws(SieveError) -> [SieveString] {
        let names = try strings(argument)
        for name in names {
            guard let constant = name.constant else { continue }
            guard !constant.isEmpty,
                  constant.utf8.allSatisfy({ $0 >= 33 && $0 <= 126 && $0 != UInt8(ascii: ":") }) else {
                throw SieveError(line: argument.line, .invalidValue("invalid header name \"\(constant)\""))
            }
        }
        return names
    }

    // MARK: Tests

    /// One test.
    mutating func test(_ syntax: SyntaxTest) throws(SieveError) -> Test {
        switch syntax.name {
        case "true", "false":
            try bare(syntax)
            return .constant(syntax.name == "true")
        case "not":
            guard syntax.arguments.isEmpty, syntax.tests.count == 1, !syntax.hasTestList else {
                throw SieveError(line: syntax.line, .wrongArguments("not", "not <test>"))
            }
            return .not(try test(syntax.tests[0]))
        case "allof", "anyof":
            guard syntax.arguments.isEmpty, syntax.hasTestList else {
                throw SieveError(line: syntax.line, .wrongArguments(syntax.name, "\(syntax.name) <tests: test-list>"))
            }
            var tests: [Test] = []
            for inner in syntax.tests { tests.append(try test(inner)) }
            return syntax.name == "allof" ? .allOf(tests) : .anyOf(tests)
        default:
            guard syntax.tests.isEmpty else {
                throw SieveError(line: syntax.line, .wrongArguments(syntax.name, "no nested test"))
            }
            return try simpleTest(syntax)
        }
    }

    private func bare(_ syntax: SyntaxTest) throws(SieveError) {
        guard syntax.arguments.isEmpty, syntax.tests.isEmpty else {
            throw SieveError(line: syntax.line, .wrongArguments(syntax.name, syntax.name))
        }
    }

    private func args(_ syntax: SyntaxTest, _ tags: [String: TagSpec], _ shapes: [Shape],
                      _ usage: String) throws(SieveError) -> (Arguments, [SyntaxArgument]) {
        let arguments = try read(syntax.arguments, of: syntax.name, tags: tags)
        return (arguments, try positional(arguments, name: syntax.name, line: syntax.line, shapes, usage: usage))
    }

    private func simpleTest(_ syntax: SyntaxTest) throws(SieveError) -> Test {
        switch syntax.name {
        case "address":
            let (arguments, values) = try args(syntax, Self.tags(Self.comparatorTags, Self.matchTags,
                                                                 Self.addressPartTags, Self.indexTags),
                                               [.stringList, .stringList],
                                               "address [COMPARATOR] [ADDRESS-PART] [MATCH-TYPE] <header-list> <key-list>")
            return .address(try match(arguments), addressPart(arguments), try index(arguments),
                            headers: try headerNames(values[0]), keys: try strings(values[1]))
        case "envelope":
            try need(.envelope, for: "envelope", line: syntax.line)
            let (arguments, values) = try args(syntax, Self.tags(Self.comparatorTags, Self.matchTags,
                                                                 Self.addressPartTags),
                                               [.stringList, .stringList],
                                               "envelope [COMPARATOR] [ADDRESS-PART] [MATCH-TYPE] <envelope-part> <key-list>")
            let parts = try strings(values[0])
            for part in parts {
                if let constant = part.constant, !["from", "to"].contains(constant.lowercased()) {
                    throw SieveError(line: values[0].line, .invalidValue("unknown envelope part \"\(constant)\""))
                }
            }
            return .envelope(try match(arguments), addressPart(arguments), parts: parts, keys: try strings(values[1]))
        case "exists":
            let (_, values) = try args(syntax, [:], [.stringList], "exists <header-names: string-list>")
            return .exists(try headerNames(values[0]))
        case "header":
            let (arguments, values) = try args(syntax, Self.tags(Self.comparatorTags, Self.matchTags, Self.indexTags),
                                               [.stringList, .stringList],
                                               "header [COMPARATOR] [MATCH-TYPE] <header-names> <key-list>")
            return .header(try match(arguments), try index(arguments), headers: try headerNames(values[0]),
                           keys: try strings(values[1]))
        case "size":
            let tags = ["over": TagSpec(group: "size"), "under": TagSpec(group: "size")]
            let (arguments, values) = try args(syntax, tags, [.number], "size <\":over\" / \":under\"> <limit: number>")
            guard case .number(let limit) = values[0].kind, arguments.has("over") || arguments.has("under") else {
                throw SieveError(line: syntax.line, .wrongArguments("size", "size <\":over\" / \":under\"> <limit: number>"))
            }
            return .size(over: arguments.has("over"), limit: limit)
        case "body":
            try need(.body, for: "body", line: syntax.line)
            return try body(syntax)
        case "string":
            try need(.variables, for: "string", line: syntax.line)
            let (arguments, values) = try args(syntax, Self.tags(Self.comparatorTags, Self.matchTags),
                                               [.stringList, .stringList],
                                               "string [MATCH-TYPE] [COMPARATOR] <source: string-list> <key-list>")
            return .string(try match(arguments), sources: try strings(values[0]), keys: try strings(values[1]))
        case "hasflag":
            try need(.imap4flags, for: "hasflag", line: syntax.line)
            return try hasFlag(syntax)
        case "date", "currentdate":
            try need(.date, for: syntax.name, line: syntax.line)
            return try date(syntax)
        case "mailboxexists":
            try need(.mailbox, for: "mailboxexists", line: syntax.line)
            let (_, values) = try args(syntax, [:], [.stringList], "mailboxexists <mailbox-names: string-list>")
            return .mailboxExists(try strings(values[0]))
        case "environment":
            try need(.environment, for: "environment", line: syntax.line)
            let (arguments, values) = try args(syntax, Self.tags(Self.comparatorTags, Self.matchTags),
                                               [.string, .stringList],
                                               "environment [COMPARATOR] [MATCH-TYPE] <name: string> <key-list>")
            return .environment(try match(arguments), name: try string(values[0]), keys: try strings(values[1]))
        default:
            throw SieveError(line: syntax.line, .unknownTest(syntax.name))
        }
    }

    /// `body [COMPARATOR] [MATCH-TYPE] [BODY-TRANSFORM] <key-list>` (RFC 5173 §4, §5).
    private func body(_ syntax: SyntaxTest) throws(SieveError) -> Test {
        let transforms: [String: TagSpec] = [
            "raw": TagSpec(group: "transform"), "text": TagSpec(group: "transform"),
            "content": TagSpec(value: .stringList, group: "transform"),
        ]
        let (arguments, values) = try args(syntax, Self.tags(Self.comparatorTags, Self.matchTags, transforms),
                                           [.stringList], "body [COMPARATOR] [MATCH-TYPE] [BODY-TRANSFORM] <key-list>")
        var transform = BodyTransform.text
        if arguments.has("raw") { transform = .raw }
        if let (value, _) = arguments.tags["content"], let value { transform = .content(try strings(value)) }
        return .body(try match(arguments), transform, keys: try strings(values[0]))
    }

    /// `hasflag [MATCH-TYPE] [COMPARATOR] [<variable-list: string-list>] <list-of-flags>`
    /// (RFC 5232 §4).
    private func hasFlag(_ syntax: SyntaxTest) throws(SieveError) -> Test {
        let usage = "hasflag [MATCH-TYPE] [COMPARATOR] [<variable-list: string-list>] <list-of-flags: string-list>"
        let arguments = try read(syntax.arguments, of: syntax.name, tags: Self.tags(Self.comparatorTags, Self.matchTags))
        if arguments.positional.count == 2 {
            let values = try positional(arguments, name: syntax.name, line: syntax.line, [.stringList, .stringList],
                                        usage: usage)
            try need(.variables, for: "a variable list in hasflag", line: values[0].line)
            var names: [VariableName] = []
            for name in try constants(values[0], "a variable name") {
                names.append(try variableName(name, line: values[0].line))
            }
            return .hasFlag(try match(arguments), variables: names, keys: try strings(values[1]))
        }
        let values = try positional(arguments, name: syntax.name, line: syntax.line, [.stringList], usage: usage)
        return .hasFlag(try match(arguments), variables: nil, keys: try strings(values[0]))
    }

    /// `date [:zone <zone> / :originalzone] [COMPARATOR] [MATCH-TYPE] [:index] <header-name>
    /// <date-part> <key-list>` and `currentdate [:zone <zone>] [COMPARATOR] [MATCH-TYPE]
    /// <date-part> <key-list>` (RFC 5260 §4, §5, §6).
    private func date(_ syntax: SyntaxTest) throws(SieveError) -> Test {
        let isCurrent = syntax.name == "currentdate"
        var tags = Self.tags(Self.comparatorTags, Self.matchTags, ["zone": TagSpec(value: .string, group: "zone")])
        if !isCurrent {
            tags = Self.tags(tags, Self.indexTags, ["originalzone": TagSpec(group: "zone")])
        }
        let shapes: [Shape] = isCurrent ? [.string, .stringList] : [.string, .string, .stringList]
        let usage = isCurrent ? "currentdate [:zone <time-zone>] [COMPARATOR] [MATCH-TYPE] <date-part> <key-list>"
            : "date [:zone <time-zone> / :originalzone] [COMPARATOR] [MATCH-TYPE] <header-name> <date-part> <key-list>"
        let (arguments, values) = try args(syntax, tags, shapes, usage)
        var zone = DateZone.local
        if arguments.has("originalzone") { zone = .original }
        if let (value, line) = arguments.tags["zone"], let value {
            let text = try string(value)
            if let constant = text.constant, DateParts.zoneMinutes(constant) == nil {
                throw SieveError(line: line, .invalidValue("invalid time zone \"\(constant)\" (expected +hhmm or -hhmm)"))
            }
            zone = .zone(text)
        }
        let partArgument = values[isCurrent ? 0 : 1]
        let part = try string(partArgument)
        if let constant = part.constant, DateParts.Part(rawValue: constant.lowercased()) == nil {
            throw SieveError(line: partArgument.line, .invalidValue("unknown date part \"\(constant)\""))
        }
        let keys = try strings(values[isCurrent ? 1 : 2])
        if isCurrent { return .currentDate(try match(arguments), zone, part: part, keys: keys) }
        guard let header = try headerNames(values[0]).first else { return .constant(false) }
        return .date(try match(arguments), zone, try index(arguments), header: header, part: part, keys: keys)
    }
}
