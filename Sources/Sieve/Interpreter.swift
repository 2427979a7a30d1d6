import MailCore

/// Runs a compiled script (RFC 5228 §2.10): commands in order, tests short-circuited left to
/// right (RFC 5229 §3.2), actions collected in an `ActionList`. Every command and test takes a
/// step of the budget; any failure becomes a runtime error and the message is kept.
struct Interpreter<Host: SieveHost> {
    let message: SieveMessage
    let context: SieveContext
    let host: Host
    var limits: SieveLimits { context.limits }
    var actions: ActionList
    var budget: StepBudget
    /// The internal variable of imap4flags (RFC 5232 §3): its flags, without duplicates.
    var flags: [String] = []
    /// Variables in the "global" space (RFC 6609 §3.4).
    var globals: [String: String] = [:]
    /// Scripts already run by `include`, by location and name; scripts compiled so far.
    var included: Set<String> = []
    var includeStack: [String] = []
    var compiledIncludes: [String: SieveScript] = [:]
    var vacationSkip: VacationSkip?
    /// The line of the command running, for runtime errors.
    var line = 0
    /// The included script running, nil for the top level.
    var scriptName: String?
    /// The extensions the top-level script was compiled with, for included scripts.
    var topLevelExtensions: Set<SieveExtension> = []

    init(message: SieveMessage, context: SieveContext, host: Host) {
        self.message = message
        self.context = context
        self.host = host
        actions = ActionList(limits: context.limits)
        budget = StepBudget(context.limits.maximumSteps)
    }

    /// The state of one script's execution: its own variables (RFC 6609 §3.4), the names it
    /// declared global, and the match variables of its last successful match.
    struct Frame {
        var variables: [String: String] = [:]
        var globalNames: Set<String> = []
        var matches: [String] = []
    }

    enum Flow {
        case next, stop, `return`
    }

    mutating func run(_ script: SieveScript) -> SieveResult {
        topLevelExtensions = script.availableExtensions
        var frame = Frame()
        do {
            _ = try execute(script.commands, &frame)
        } catch {
            return SieveResult(actions: [.keep(flags: [])], error: error, vacationSkipped: nil)
        }
        return SieveResult(actions: actions.finished(implicitKeepFlags: imapFlags(flags)), error: nil,
                           vacationSkipped: vacationSkip)
    }

    func failure(_ kind: SieveRuntimeError.Kind) -> SieveRuntimeError {
        SieveRuntimeError(line: line, script: scriptName, kind)
    }

    mutating func spend(_ steps: Int = 1) throws(SieveRuntimeError) {
        do {
            try budget.spend(steps)
        } catch {
            throw failure(.stepBudgetExhausted(limit: limits.maximumSteps))
        }
    }

    /// Runs `block`; tells whether to go on, stop everything, or end the current script.
    mutating func execute(_ block: [Command], _ frame: inout Frame) throws(SieveRuntimeError) -> Flow {
        for command in block {
            line = command.line
            try spend()
            let flow = try execute(command, &frame)
            if flow != .next { return flow }
        }
        return .next
    }

    private mutating func execute(_ command: Command, _ frame: inout Frame) throws(SieveRuntimeError) -> Flow {
        switch command.kind {
        case .if(let branches, let otherwise):
            for branch in branches {
                if try test(branch.test, &frame) {
                    return try execute(branch.block, &frame)
                }
                line = command.line
            }
            if let otherwise { return try execute(otherwise, &frame) }
        case .stop:
            return .stop
        case .keep(let flagStrings):
            let flags = flagStrings.map { flagList(expand($0, frame)) } ?? self.flags
            try actions.keep(flags: imapFlags(flags), line: line)
        case .discard:
            actions.discard()
        case .fileInto(let mailbox, let flagStrings, let copy, let create):
            let name = expand(mailbox, frame)
            guard MailboxNames.isValid(name) else { throw failure(.invalidMailboxName(name)) }
            let flags = flagStrings.map { flagList(expand($0, frame)) } ?? self.flags
            try actions.fileInto(name, flags: imapFlags(flags), copy: copy, create: create, line: line)
        case .redirect(let address, let copy):
            let text = expand(address, frame)
            guard let target = SieveAddresses.redirectTarget(text) else { throw failure(.invalidAddress(text)) }
            try actions.redirect(target, copy: copy, line: line)
        case .reject(let reason, let extended):
            try actions.reject(expand(reason, frame), extended: extended, line: line)
        case .set(let name, let modifiers, let value):
            var text = expand(value, frame)
            for modifier in modifiers { text = Variables.apply(modifier, to: text) }
            try assign(name, text, &frame)
        case .flags(let operation, let variable, let strings):
            let given = flagList(strings.map { expand($0, frame) })
            let current = variable.map { flagList([lookup($0, frame)]) } ?? flags
            let updated: [String]
            switch operation {
            case .set: updated = given
            case .add: updated = flagList(current + given)
            case .remove: updated = current.filter { flag in !given.contains { $0.lowercased() == flag.lowercased() } }
            }
            if let variable {
                try assign(variable, updated.joined(separator: " "), &frame)
            } else {
                flags = updated
            }
        case .vacation(let arguments):
            try vacation(arguments, frame)
        case .include(let name, let location, let once, let optional):
            return try include(name, location, once: once, optional: optional)
        case .return:
            return .return
        case .global(let names):
            for name in names {
                if frame.variables[name.name] != nil { throw failure(.globalAfterSet(name.name)) }
                frame.globalNames.insert(name.name)
            }
        }
        return .next
    }

    // MARK: Variables (RFC 5229 §3, §4)

    /// A string with its variable references replaced by their values.
    func expand(_ string: SieveString, _ frame: Frame) -> String {
        if let constant = string.constant { return constant }
        var result = ""
        let limit = limits.maximumExpandedStringSize
        for segment in string.segments {
            switch segment {
            case .text(let text): result += text
            case .variable(let name): result += lookup(name, frame)
            case .match(let index): result += index < frame.matches.count ? frame.matches[index] : ""
            }
            if result.utf8.count > limit { return Variables.truncated(result, to: limit) }
        }
        return result
    }

    func expand(_ strings: [SieveString], _ frame: Frame) -> [String] {
        strings.map { expand($0, frame) }
    }

    func lookup(_ name: VariableName, _ frame: Frame) -> String {
        if name.namespace == "global" || frame.globalNames.contains(name.name) {
            return globals[name.name] ?? ""
        }
        return frame.variables[name.name] ?? ""
    }

    mutating func assign(_ name: VariableName, _ value: String, _ frame: inout Frame) throws(SieveRuntimeError) {
        let value = Variables.truncated(value, to: limits.maximumVariableSize)
        let isGlobal = name.namespace == "global" || frame.globalNames.contains(name.name)
        let isNew = isGlobal ? globals[name.name] == nil : frame.variables[name.name] == nil
        if isNew, frame.variables.count + globals.count >= limits.maximumVariables {
            throw failure(.tooManyVariables(limit: limits.maximumVariables))
        }
        if isGlobal {
            globals[name.name] = value
        } else {
            frame.variables[name.name] = value
        }
    }

    // MARK: Flags (RFC 5232 §3)

    /// The flags of some strings: split at spaces, duplicates (ignoring case) dropped.
    func flagList(_ strings: [String]) -> [String] {
        var result: [String] = []
        var seen: Set<String> = []
        for string in strings {
            for flag in string.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" }) {
                if seen.insert(flag.lowercased()).inserted { result.append(String(flag)) }
            }
        }
        return result
    }

    func flagList(_ string: String) -> [String] { flagList([string]) }

    /// The flags as IMAP flags; names that are not valid flags are left out (RFC 5232 §3:
    /// "MUST be ignored"), and so are `\Recent` and unknown system flags.
    func imapFlags(_ names: [String]) -> [Flag] {
        names.compactMap { name in
            let atomSpecials = Set("(){%*\"]".utf8)
            let bytes = Array(name.utf8)
            guard !bytes.isEmpty, bytes.allSatisfy({ $0 > 0x20 && $0 < 0x7F && !atomSpecials.contains($0) }),
                  !bytes.dropFirst().contains(Byte.backslash) else { return nil }
            let flag = Flag(name)
            switch flag {
            case .recent, .extension: return nil
            default: return flag
            }
        }
    }
}

/// Variable values and the modifiers of `set` (RFC 5229 §4.1).
enum Variables {
    /// The case modifiers change only the ASCII letters (§4.1.3).
    static func apply(_ modifier: Modifier, to text: String) -> String {
        func mapped(first: Bool, _ map: (UInt8) -> UInt8) -> String {
            var bytes = Array(text.utf8)
            for index in bytes.indices.prefix(first ? 1 : bytes.count) { bytes[index] = map(bytes[index]) }
            return String(decoding: bytes, as: UTF8.self)
        }
        switch modifier {
        case .lower: return mapped(first: false, Byte.lowercased)
        case .upper: return mapped(first: false, Byte.uppercased)
        case .lowerfirst: return mapped(first: true, Byte.lowercased)
        case .upperfirst: return mapped(first: true, Byte.uppercased)
        case .quotewildcard:
            var result = ""
            for character in text {
                if character == "*" || character == "?" || character == "\\" { result.append("\\") }
                result.append(character)
            }
            return result
        case .length:
            return String(text.unicodeScalars.count)
        }
    }

    /// `text` cut to at most `limit` bytes of UTF-8, at a character boundary.
    static func truncated(_ text: String, to limit: Int) -> String {
        guard text.utf8.count > limit else { return text }
        let bytes = Array(text.utf8)
        var end = limit
        // The first byte left out continues a character: cut before that character.
        while end > 0, bytes[end] & 0xC0 == 0x80 { end -= 1 }
        return String(decoding: bytes[..<end], as: UTF8.self)
    }
}
