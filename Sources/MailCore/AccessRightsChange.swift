/// `mod-rights = astring` of SETACL (RFC 4314 §3.1): rights to replace the identifier's with,
/// or to add (`+`) to or remove (`-`) from them.
public struct AccessRightsChange: Hashable, Sendable {
    public enum Mode: Hashable, Sendable { case replace, add, remove }

    public var mode: Mode
    public var rights: AccessRights

    public init(mode: Mode, rights: AccessRights) {
        self.mode = mode
        self.rights = rights
    }

    /// Reads `["+" / "-"] *letter` (RFC 4314 §3.1); nil if a letter is no right (nor the
    /// obsolete `c`/`d`).
    public init?(_ text: some StringProtocol) {
        var letters = Substring(text)
        switch letters.first {
        case "+": mode = .add
        case "-": mode = .remove
        default: mode = .replace
        }
        if mode != .replace { letters = letters.dropFirst() }
        guard let rights = AccessRights(letters: letters) else { return nil }
        self.rights = rights
    }

    /// The identifier's rights after the change, from `current`.
    public func applied(to current: AccessRights) -> AccessRights {
        switch mode {
        case .replace: rights
        case .add: current.union(rights)
        case .remove: current.subtracting(rights)
        }
    }
}
