/// The compiled form of a script: commands and tests with their arguments checked and typed,
/// what `Interpreter` runs. Built by `Compiler`.

/// A string of the script as it is used when the script runs: plain text, or text with
/// variable references (RFC 5229 §3) to expand.
struct SieveString: Hashable, Sendable {
    enum Segment: Hashable, Sendable {
        case text(String)
        /// `${name}` or `${namespace.name}`, lower-cased.
        case variable(VariableName)
        /// `${N}`: a match variable (RFC 5229 §3.2).
        case match(Int)
    }

    var segments: [Segment]
    /// The string as written (encoded characters decoded), e.g. for vacation's response
    /// tracking, which must not see expanded values (RFC 5230 §4.2).
    var source: String

    init(constant: String) {
        segments = constant.isEmpty ? [] : [.text(constant)]
        source = constant
    }

    init(segments: [Segment], source: String) {
        self.segments = segments
        self.source = source
    }

    /// The value when the string holds no variable reference.
    var constant: String? {
        switch segments.count {
        case 0: return ""
        case 1: if case .text(let text) = segments[0] { return text } else { return nil }
        default: return nil
        }
    }
}

/// A variable's name (RFC 5229 §3), lower-cased: `name`, or `global.name` (RFC 6609 §3.5).
struct VariableName: Hashable, Sendable {
    /// "global" for the `global.` namespace, nil otherwise.
    var namespace: String?
    var name: String
}

/// RFC 5228 §2.7.3 and RFC 4790 §9: the comparators.
enum Comparator: String, Hashable, Sendable {
    case octet = "i;octet"
    case asciiCasemap = "i;ascii-casemap"
    case asciiNumeric = "i;ascii-numeric"
}

/// RFC 5231 §5 `relational-match`.
enum Relation: String, Hashable, Sendable, CaseIterable {
    case gt, ge, lt, le, eq, ne
}

/// RFC 5228 §2.7.1 MATCH-TYPE, with RFC 5231's :count and :value.
enum MatchType: Hashable, Sendable {
    case `is`, contains, matches
    case value(Relation)
    case count(Relation)
}

struct Match: Hashable, Sendable {
    var comparator: Comparator = .asciiCasemap
    var type: MatchType = .is
}

/// RFC 5228 §2.7.4 ADDRESS-PART with RFC 5233's :user and :detail.
enum AddressPart: Hashable, Sendable {
    case all, localpart, domain, user, detail
}

/// RFC 5260 §6.1 `:index <fieldno> [:last]`: which one of several fields of a name.
struct FieldIndex: Hashable, Sendable {
    /// 1 is the first field (or the last with `fromLast`).
    var number: Int
    var fromLast: Bool
}

/// RFC 5173 §5 BODY-TRANSFORM.
enum BodyTransform: Hashable, Sendable {
    case raw
    case content([SieveString])
    case text
}

/// RFC 5260 §4.1: the zone a date is shown in.
enum DateZone: Hashable, Sendable {
    /// The zone of the current date given by the caller.
    case local
    /// `:zone "+hhmm"`
    case zone(SieveString)
    /// `:originalzone`: the zone written in the header field.
    case original
}

indirect enum Test: Hashable, Sendable {
    case constant(Bool)
    case not(Test)
    case allOf([Test])
    case anyOf([Test])
    /// RFC 5228 §5.1
    case address(Match, AddressPart, FieldIndex?, headers: [SieveString], keys: [SieveString])
    /// RFC 5228 §5.4
    case envelope(Match, AddressPart, parts: [SieveString], keys: [SieveString])
    /// RFC 5228 §5.5
    case exists([SieveString])
    /// RFC 5228 §5.7
    case header(Match, FieldIndex?, headers: [SieveString], keys: [SieveString])
    /// RFC 5228 §5.9
    case size(over: Bool, limit: Int)
    /// RFC 5173 §4
    case body(Match, BodyTransform, keys: [SieveString])
    /// RFC 5229 §5
    case string(Match, sources: [SieveString], keys: [SieveString])
    /// RFC 5232 §4
    case hasFlag(Match, variables: [VariableName]?, keys: [SieveString])
    /// RFC 5260 §4.2
    case date(Match, DateZone, FieldIndex?, header: SieveString, part: SieveString,
              keys: [SieveString])
    /// RFC 5260 §5
    case currentDate(Match, DateZone, part: SieveString, keys: [SieveString])
    /// RFC 5490 §3.1
    case mailboxExists([SieveString])
    /// RFC 5183 §4
    case environment(Match, name: SieveString, keys: [SieveString])
}

/// RFC 5229 §4.1 modifiers, by precedence (higher first).
enum Modifier: String, Hashable, Sendable {
    case lower, upper, lowerfirst, upperfirst, quotewildcard, length

    var precedence: Int {
        switch self {
        case .lower, .upper: return 40
        case .lowerfirst, .upperfirst: return 30
        case .quotewildcard: return 20
        case .length: return 10
        }
    }
}

/// RFC 5232 §3 setflag / addflag / removeflag.
enum FlagOperation: Hashable, Sendable {
    case set, add, remove
}

/// RFC 6609 §3.2 LOCATION.
public enum IncludeLocation: String, Hashable, Sendable {
    case personal, global
}

/// RFC 5230 §4 and RFC 6131 §2: the arguments of `vacation`.
struct VacationArguments: Hashable, Sendable {
    /// The period in seconds as written (`:days` × 86400 or `:seconds`), nil when absent.
    var period: Int?
    var subject: SieveString?
    var from: SieveString?
    var addresses: [SieveString]
    var mime: Bool
    var handle: SieveString?
    var reason: SieveString
}

struct Branch: Hashable, Sendable {
    var test: Test
    var block: [Command]
}

struct Command: Hashable, Sendable {
    indirect enum Kind: Hashable, Sendable {
        /// if / elsif / else (RFC 5228 §3.1)
        case `if`([Branch], otherwise: [Command]?)
        case stop
        /// RFC 5228 §4.3, `:flags` from RFC 5232 §5
        case keep(flags: [SieveString]?)
        case discard
        /// RFC 5228 §4.1, :copy (RFC 3894), :create (RFC 5490 §3.2), :flags (RFC 5232 §5)
        case fileInto(SieveString, flags: [SieveString]?, copy: Bool, create: Bool)
        /// RFC 5228 §4.2, :copy (RFC 3894)
        case redirect(SieveString, copy: Bool)
        /// RFC 5429 §2.1 (ereject) and §2.2 (reject)
        case reject(SieveString, extended: Bool)
        /// RFC 5229 §4
        case set(VariableName, [Modifier], SieveString)
        /// RFC 5232 §3
        case flags(FlagOperation, VariableName?, [SieveString])
        case vacation(VacationArguments)
        /// RFC 6609 §3.2
        case include(String, IncludeLocation, once: Bool, optional: Bool)
        /// RFC 6609 §3.3
        case `return`
        /// RFC 6609 §3.4
        case global([VariableName])
    }

    var kind: Kind
    var line: Int
}
