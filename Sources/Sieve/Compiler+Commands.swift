// The commands: control (RFC 5228 §3), actions (§4) and those of the extensions.

extension Compiler {
    /// One command other than require / if / elsif / else.
    mutating func command(_ syntax: SyntaxCommand) throws(SieveError) -> Command {
        guard syntax.block == nil else { throw misplaced(syntax, "takes no block") }
        try noTests(syntax)
        let kind: Command.Kind
        switch syntax.name {
        case "stop":
            try none(syntax)
            kind = .stop
        case "keep":
            kind = try keep(syntax)
        case "discard":
            try none(syntax)
            kind = .discard
        case "fileinto":
            try need(.fileinto, for: "fileinto", line: syntax.line)
            kind = try fileInto(syntax)
        case "redirect":
            kind = try redirect(syntax)
        case "reject", "ereject":
            let capability: SieveExtension = syntax.name == "reject" ? .reject : .ereject
            try need(capability, for: syntax.name, line: syntax.line)
            let arguments = try read(syntax.arguments, of: syntax, tags: [:])
            let reason = try positional(arguments, of: syntax, [.string], usage: "\(syntax.name) <reason: string>")
            kind = .reject(try string(reason[0]), extended: syntax.name == "ereject")
        case "set":
            try need(.variables, for: "set", line: syntax.line)
            kind = try set(syntax)
        case "setflag", "addflag", "removeflag":
            try need(.imap4flags, for: syntax.name, line: syntax.line)
            kind = try flags(syntax)
        case "vacation":
            try need(.vacation, for: "vacation", line: syntax.line)
            kind = try vacation(syntax)
        case "include":
            try need(.include, for: "include", line: syntax.line)
            kind = try include(syntax)
        case "return":
            try need(.include, for: "return", line: syntax.line)
            try none(syntax)
            kind = .return
        case "global":
            try need(.include, for: "global", line: syntax.line)
            try need(.variables, for: "global", line: syntax.line)
            let arguments = try read(syntax.arguments, of: syntax, tags: [:])
            let names = try positional(arguments, of: syntax, [.stringList], usage: "global <value: string-list>")
            var variables: [VariableName] = []
            for name in try constants(names[0], "a global variable name") {
                var variable = try variableName(name, line: names[0].line)
                guard variable.namespace == nil else {
                    throw SieveError(line: names[0].line, .invalidVariableName(name))
                }
                variable.namespace = "global"
                variables.append(variable)
            }
            kind = .global(variables)
        default:
            throw SieveError(line: syntax.line, .unknownCommand(syntax.name))
        }
        return Command(kind: kind, line: syntax.line)
    }

    private func none(_ syntax: SyntaxCommand) throws(SieveError) {
        guard syntax.arguments.isEmpty else {
            throw SieveError(line: syntax.arguments[0].line, .wrongArguments(syntax.name, syntax.name))
        }
    }

    private static let flagsTag = ["flags": TagSpec(value: .stringList, needs: .imap4flags)]

    /// `keep [:flags <list-of-flags: string-list>]` (RFC 5228 §4.3, RFC 5232 §5).
    private func keep(_ syntax: SyntaxCommand) throws(SieveError) -> Command.Kind {
        let arguments = try read(syntax.arguments, of: syntax, tags: Self.flagsTag)
        _ = try positional(arguments, of: syntax, [], usage: "keep [:flags <list-of-flags>]")
        return .keep(flags: try arguments.tags["flags"]?.value.map(strings))
    }

    /// `fileinto [:copy] [:create] [:flags <list>] <mailbox: string>` (RFC 5228 §4.1,
    /// RFC 3894 §3, RFC 5490 §3.2, RFC 5232 §5).
    private func fileInto(_ syntax: SyntaxCommand) throws(SieveError) -> Command.Kind {
        let tags = Self.flagsTag.merging(["copy": TagSpec(needs: .copy), "create": TagSpec(needs: .mailbox)]) { $1 }
        let arguments = try read(syntax.arguments, of: syntax, tags: tags)
        let mailbox = try positional(arguments, of: syntax, [.string],
                                     usage: "fileinto [:copy] [:create] [:flags <list>] <mailbox: string>")
        let name = try string(mailbox[0])
        if let constant = name.constant, !MailboxNames.isValid(constant) {
            throw SieveError(line: mailbox[0].line, .invalidValue("invalid mailbox name \"\(constant)\""))
        }
        return .fileInto(name, flags: try arguments.tags["flags"]?.value.map(strings),
                         copy: arguments.has("copy"), create: arguments.has("create"))
    }

    /// `redirect [:copy] <address: string>` (RFC 5228 §4.2, RFC 3894 §3).
    private func redirect(_ syntax: SyntaxCommand) throws(SieveError) -> Command.Kind {
        let arguments = try read(syntax.arguments, of: syntax, tags: ["copy": TagSpec(needs: .copy)])
        let address = try positional(arguments, of: syntax, [.string], usage: "redirect [:copy] <address: string>")
        let value = try string(address[0])
        if let constant = value.constant, SieveAddresses.redirectTarget(constant) == nil {
            throw SieveError(line: address[0].line, .invalidAddress(constant))
        }
        return .redirect(value, copy: arguments.has("copy"))
    }

    /// `set [MODIFIER] <name: string> <value: string>` (RFC 5229 §4): at most one modifier
    /// of each precedence.
    private func set(_ syntax: SyntaxCommand) throws(SieveError) -> Command.Kind {
        var tags: [String: TagSpec] = [:]
        for modifier in [Modifier.lower, .upper, .lowerfirst, .upperfirst, .quotewildcard, .length] {
            tags[modifier.rawValue] = TagSpec(group: "precedence \(modifier.precedence)")
        }
        let arguments = try read(syntax.arguments, of: syntax, tags: tags)
        let values = try positional(arguments, of: syntax, [.string, .string],
                                    usage: "set [MODIFIER] <name: string> <value: string>")
        let name = try variableName(try constant(values[0], "a variable name"), line: values[0].line)
        let modifiers = arguments.tags.keys.compactMap(Modifier.init(rawValue:))
            .sorted { $0.precedence > $1.precedence }
        return .set(name, modifiers, try string(values[1]))
    }

    /// `setflag / addflag / removeflag [<variablename: string>] <list-of-flags: string-list>`
    /// (RFC 5232 §3); the variable name needs "variables".
    private func flags(_ syntax: SyntaxCommand) throws(SieveError) -> Command.Kind {
        let arguments = try read(syntax.arguments, of: syntax, tags: [:])
        let usage = "\(syntax.name) [<variablename: string>] <list-of-flags: string-list>"
        let operation: FlagOperation = syntax.name == "setflag" ? .set : syntax.name == "addflag" ? .add : .remove
        if arguments.positional.count == 2 {
            let values = try positional(arguments, of: syntax, [.string, .stringList], usage: usage)
            try need(.variables, for: "a variable name in \(syntax.name)", line: values[0].line)
            let name = try variableName(try constant(values[0], "a variable name"), line: values[0].line)
            return .flags(operation, name, try strings(values[1]))
        }
        let values = try positional(arguments, of: syntax, [.stringList], usage: usage)
        return .flags(operation, nil, try strings(values[0]))
    }

    /// `vacation [:days number | :seconds number] [:subject string] [:from string]
    /// [:addresses string-list] [:mime] [:handle string] <reason: string>` (RFC 5230 §4,
    /// RFC 6131 §2).
    private func vacation(_ syntax: SyntaxCommand) throws(SieveError) -> Command.Kind {
        let tags: [String: TagSpec] = [
            "days": TagSpec(value: .number, group: "period"),
            "seconds": TagSpec(value: .number, group: "period", needs: .vacationSeconds),
            "subject": TagSpec(value: .string), "from": TagSpec(value: .string),
            "addresses": TagSpec(value: .stringList), "mime": TagSpec(), "handle": TagSpec(value: .string),
        ]
        let arguments = try read(syntax.arguments, of: syntax, tags: tags)
        let reason = try positional(arguments, of: syntax, [.string], usage: "vacation [:days number] "
            + "[:subject string] [:from string] [:addresses string-list] [:mime] [:handle string] <reason: string>")
        var period: Int?
        if case .number(let days)? = arguments.tags["days"]?.value?.kind {
            period = days > Int.max / 86_400 ? Int.max : days * 86_400
        }
        if case .number(let seconds)? = arguments.tags["seconds"]?.value?.kind { period = seconds }
        let from = try arguments.tags["from"]?.value.map(string)
        if let from, let constant = from.constant, SieveAddresses.mailbox(constant) == nil {
            throw SieveError(line: arguments.tags["from"]!.line, .invalidAddress(constant))
        }
        // RFC 5230 §5: the headers of a :mime reason must be 7-bit; checked when it is constant.
        let reasonText = try string(reason[0])
        if arguments.has("mime"), let constant = reasonText.constant {
            let bytes = Array(constant.utf8)
            var headerEnd = bytes.count
            for index in bytes.indices where bytes[index] == Byte.lf {
                let next = index + 1
                if next < bytes.count, bytes[next] == Byte.lf || (bytes[next] == Byte.cr && next + 1 < bytes.count
                                                                   && bytes[next + 1] == Byte.lf) {
                    headerEnd = next
                    break
                }
            }
            if bytes[..<headerEnd].contains(where: { $0 >= 0x80 }) {
                throw SieveError(line: reason[0].line, .invalidValue("8-bit text in the MIME header of a :mime reason"))
            }
        }
        return .vacation(VacationArguments(
            period: period, subject: try arguments.tags["subject"]?.value.map(string), from: from,
            addresses: try arguments.tags["addresses"]?.value.map(strings) ?? [],
            mime: arguments.has("mime"), handle: try arguments.tags["handle"]?.value.map(string),
            reason: reasonText))
    }

    /// `include [:personal / :global] [:once] [:optional] <value: string>` (RFC 6609 §3.2):
    /// the name is a constant, without "/" (RFC 6609 §3.2 leaves names to the implementation;
    /// ManageSieve names, RFC 5804 §1.6, never hold control characters).
    private func include(_ syntax: SyntaxCommand) throws(SieveError) -> Command.Kind {
        let tags: [String: TagSpec] = [
            "personal": TagSpec(group: "location"), "global": TagSpec(group: "location"),
            "once": TagSpec(), "optional": TagSpec(),
        ]
        let arguments = try read(syntax.arguments, of: syntax, tags: tags)
        let value = try positional(arguments, of: syntax, [.string],
                                   usage: "include [:personal / :global] [:once] [:optional] <value: string>")
        let name = try constant(value[0], "the name of an included script")
        guard !name.isEmpty, !name.contains("/"),
              !name.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
            throw SieveError(line: value[0].line, .invalidValue("invalid script name \"\(name)\""))
        }
        return .include(name, arguments.has("global") ? .global : .personal,
                        once: arguments.has("once"), optional: arguments.has("optional"))
    }
}

/// The mailbox names `fileinto` accepts: not empty, no NUL or other control characters
/// (the store refuses them anyway; a script that names one is better told at upload).
enum MailboxNames {
    static func isValid(_ name: String) -> Bool {
        !name.isEmpty && !name.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }
    }
}
