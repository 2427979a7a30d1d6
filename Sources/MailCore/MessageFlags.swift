/// How STORE changes the flags (`store-att-flags`, RFC 9051 §6.4.6).
public enum StoreOperation: Hashable, Sendable {
    case replace, add, remove
}

/// The stored flags of one message: the five system flags as bits, plus keywords.
/// `\Recent` is never stored: it belongs to a session (RFC 3501 §2.3.2).
public struct MessageFlags: Hashable, Sendable {
    public struct System: OptionSet, Hashable, Sendable {
        public let rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }
        public static let answered = System(rawValue: 1 << 0)
        public static let flagged = System(rawValue: 1 << 1)
        public static let deleted = System(rawValue: 1 << 2)
        public static let seen = System(rawValue: 1 << 3)
        public static let draft = System(rawValue: 1 << 4)
    }

    public var system: System
    /// Keywords in the order first set; no two equal ignoring case.
    public var keywords: [String]

    public init(system: System = [], keywords: [String] = []) {
        self.system = system
        self.keywords = keywords
    }

    /// Builds stored flags from wire flags; `\Recent` and unknown `\Extension` flags are dropped.
    public init<S: Sequence>(_ flags: S) where S.Element == Flag {
        self.init()
        for flag in flags { insert(flag) }
    }

    /// The flags as wire flags, system flags first.
    public var flags: [Flag] {
        var result: [Flag] = []
        if system.contains(.answered) { result.append(.answered) }
        if system.contains(.flagged) { result.append(.flagged) }
        if system.contains(.deleted) { result.append(.deleted) }
        if system.contains(.seen) { result.append(.seen) }
        if system.contains(.draft) { result.append(.draft) }
        result.append(contentsOf: keywords.map(Flag.keyword))
        return result
    }

    public func contains(_ flag: Flag) -> Bool {
        switch flag {
        case .keyword(let k): return keywords.contains { $0.caseInsensitiveEquals(k) }
        default: return Self.systemBit(flag).map(system.contains) ?? false
        }
    }

    public mutating func insert(_ flag: Flag) {
        if case .keyword(let k) = flag {
            if !contains(flag) { keywords.append(k) }
        } else if let bit = Self.systemBit(flag) {
            system.insert(bit)
        }
    }

    public mutating func remove(_ flag: Flag) {
        if case .keyword(let k) = flag {
            keywords.removeAll { $0.caseInsensitiveEquals(k) }
        } else if let bit = Self.systemBit(flag) {
            system.remove(bit)
        }
    }

    /// Applies a STORE operation (RFC 9051 §6.4.6) and tells whether anything changed.
    @discardableResult
    public mutating func apply(_ operation: StoreOperation, _ flags: MessageFlags) -> Bool {
        let before = self
        switch operation {
        case .replace:
            self = flags
        case .add:
            system.formUnion(flags.system)
            for k in flags.keywords where !contains(.keyword(k)) { keywords.append(k) }
        case .remove:
            system.subtract(flags.system)
            for k in flags.keywords { remove(.keyword(k)) }
        }
        return !sameFlags(as: before)
    }

    /// Equality that ignores keyword order and case.
    public func sameFlags(as other: MessageFlags) -> Bool {
        system == other.system && keywords.count == other.keywords.count
            && keywords.allSatisfy { other.contains(.keyword($0)) }
    }

    private static func systemBit(_ flag: Flag) -> System? {
        switch flag {
        case .answered: return .answered
        case .flagged: return .flagged
        case .deleted: return .deleted
        case .seen: return .seen
        case .draft: return .draft
        case .recent, .keyword, .extension: return nil
        }
    }
}

extension String {
    /// ASCII case-insensitive comparison, as flag keywords and mailbox INBOX need.
    public func caseInsensitiveEquals(_ other: String) -> Bool {
        let a = utf8, b = other.utf8
        guard a.count == b.count else { return false }
        return zip(a, b).allSatisfy { x, y in
            x == y || (x | 0x20 == y | 0x20 && (x | 0x20) >= 0x61 && (x | 0x20) <= 0x7a)
        }
    }
}
