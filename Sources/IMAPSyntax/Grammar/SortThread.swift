/// `sort` (RFC 5256 §5), with the return options of ESORT (RFC 5267 §3) and the keys of
/// SORT=DISPLAY (RFC 5957 §5):
///
///     sort = ["UID" SP] "SORT" [search-return-opts] SP sort-criteria SP search-criteria
public struct SortCommand: Hashable, Sendable {
    /// `sort-key` (RFC 5256 §5, RFC 5957 §5).
    public enum Key: String, Hashable, Sendable, CaseIterable {
        case arrival = "ARRIVAL", cc = "CC", date = "DATE", from = "FROM", size = "SIZE"
        case subject = "SUBJECT", to = "TO", displayFrom = "DISPLAYFROM", displayTo = "DISPLAYTO"
    }

    /// `sort-criterion = ["REVERSE" SP] sort-key`.
    public struct Criterion: Hashable, Sendable {
        public var key: Key
        public var reverse: Bool

        public init(_ key: Key, reverse: Bool = false) {
            self.key = key
            self.reverse = reverse
        }
    }

    /// nil when no `RETURN (...)` was given: a `* SORT` answer; else ESEARCH (RFC 5267 §3).
    public var returnOptions: [SearchReturnOption]?
    /// At least one.
    public var criteria: [Criterion]
    /// The mandatory charset of `search-criteria`.
    public var charset: String
    public var key: SearchKey
    public var byUID: Bool

    public init(returnOptions: [SearchReturnOption]? = nil, criteria: [Criterion], charset: String,
                key: SearchKey, byUID: Bool = false) {
        self.returnOptions = returnOptions
        self.criteria = criteria
        self.charset = charset
        self.key = key
        self.byUID = byUID
    }
}

/// `thread = ["UID" SP] "THREAD" SP thread-alg SP search-criteria` (RFC 5256 §5).
public struct ThreadCommand: Hashable, Sendable {
    /// `thread-alg = "ORDEREDSUBJECT" / "REFERENCES" / thread-alg-ext`, in upper case: the
    /// server decides which it knows.
    public var algorithm: String
    public var charset: String
    public var key: SearchKey
    public var byUID: Bool

    public init(algorithm: String, charset: String, key: SearchKey, byUID: Bool = false) {
        self.algorithm = algorithm
        self.charset = charset
        self.key = key
        self.byUID = byUID
    }
}

/// One member of a THREAD response (RFC 5256 §4 `thread-list`): a message number, or nil for
/// a parent that is not among the results (`* THREAD ((3)(5))`), and its children.
public struct ThreadNode: Hashable, Sendable {
    public var number: UInt32?
    public var children: [ThreadNode]

    public init(number: UInt32?, children: [ThreadNode] = []) {
        self.number = number
        self.children = children
    }
}
