/// The name of a METADATA entry (RFC 5464 §3.2), e.g. `/private/comment`: a hierarchy of
/// components separated by `/`, whose first component is the scope, `private` (one value per
/// user) or `shared` (one value for everyone who may reach the mailbox or server).
///
/// Entry names are case-insensitive (§3.2), so a name is kept in lower case: two spellings of
/// one entry are one value, and the lower-case form is what is stored and answered.
public struct MetadataEntryName: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Whose value an entry is (RFC 5464 §3.3).
    public enum Scope: Hashable, Sendable {
        /// `/private/...`: each user has their own value.
        case `private`
        /// `/shared/...`: one value, for every user who may reach the mailbox (or the server).
        case shared
    }

    /// The name in lower case, starting with `/private/` or `/shared/`.
    public let name: String
    public let scope: Scope

    /// Checks `text` against RFC 5464 §3.2; nil when it is no valid entry name:
    /// - only ASCII from 0x20 to 0x7E (no control characters, no 8-bit bytes), and neither
    ///   `*` nor `%`;
    /// - starts with `/`, holds no `//`, does not end with `/`;
    /// - its first component is `private` or `shared` (any case), and it has at least two
    ///   components, and at least four when it has a `/shared/vendor/<vendor-token>` or
    ///   `/private/vendor/<vendor-token>` prefix (§3.2: "in which case they have at least 4
    ///   components"). `/private` and `/shared` alone are taken too (`isScopeRoot`): they name
    ///   no entry, but GETMETADATA with DEPTH asks for everything below them, as clients of
    ///   Dovecot and Cyrus do; SETMETADATA refuses them.
    public init?(_ text: some StringProtocol) {
        self.init(bytes: Array(text.utf8))
    }

    /// `init(_:)` on the bytes of an `astring` as it came off the wire.
    public init?(bytes: [UInt8]) {
        guard bytes.first == UInt8(ascii: "/"), bytes.last != UInt8(ascii: "/") else { return nil }
        var previous: UInt8 = 0
        for byte in bytes {
            guard (0x20...0x7E).contains(byte), byte != UInt8(ascii: "*"), byte != UInt8(ascii: "%") else { return nil }
            if byte == UInt8(ascii: "/") && previous == UInt8(ascii: "/") { return nil }
            previous = byte
        }
        let lowered = String(decoding: bytes.map { (0x41...0x5A).contains($0) ? $0 | 0x20 : $0 }, as: UTF8.self)
        let components = lowered.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        switch components.first {
        case "private": scope = .private
        case "shared": scope = .shared
        default: return nil
        }
        // `/private/vendor` itself is an ordinary two-component name (the root of the trees).
        if components.dropFirst().first == "vendor" && components.count == 3 { return nil }
        name = lowered
    }

    /// `/private` or `/shared` alone: the root of a scope, which holds no value.
    public var isScopeRoot: Bool { !name.dropFirst().contains("/") }

    /// Whether this entry is `ancestor` itself or lies below it within `depth` levels
    /// (RFC 5464 §4.2.2: DEPTH 1 on `/a` matches `/a` and `/a/b`, not `/a/b/c`).
    public func matches(_ ancestor: MetadataEntryName, depth: MetadataDepth) -> Bool {
        if self == ancestor { return true }
        guard name.hasPrefix(ancestor.name + "/") else { return false }
        switch depth {
        case .zero: return false
        case .one: return !name.dropFirst(ancestor.name.count + 1).contains("/")
        case .infinity: return true
        }
    }

    public static func < (a: Self, b: Self) -> Bool { a.name.utf8.lexicographicallyPrecedes(b.name.utf8) }

    public var description: String { name }
}

/// How far below a requested entry GETMETADATA looks (RFC 5464 §4.2.2 `DEPTH`).
public enum MetadataDepth: Hashable, Sendable {
    /// `0` (the default): the entry itself.
    case zero
    /// `1`: the entry and its children.
    case one
    /// `infinity`: the entry and everything below it.
    case infinity
}
