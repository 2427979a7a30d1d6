/// Sieve script names (RFC 5804 §1.6): UTF-8, at least one character, none of the control
/// characters 0000-001F, 007F, 0080-009F, nor LINE SEPARATOR (2028) and PARAGRAPH SEPARATOR
/// (2029); servers must take names up to 128 characters, this one takes up to
/// `maximumLength` and refuses (never truncates) longer ones.
public enum ScriptName {
    /// The longest name accepted, in Unicode characters (scalars).
    public static let maximumLength = 256

    public enum Problem: Error, Hashable, Sendable, CustomStringConvertible {
        case empty
        case invalidUTF8
        case forbiddenCharacter(UInt32)
        case tooLong(limit: Int)

        public var description: String {
            switch self {
            case .empty: return "empty"
            case .invalidUTF8: return "not UTF-8"
            case .forbiddenCharacter(let scalar):
                return "contains the forbidden character U+" + String(scalar, radix: 16, uppercase: true)
            case .tooLong(let limit): return "longer than \(limit) characters"
            }
        }
    }

    /// The name the octets spell, or why they are not a script name.
    public static func validate(_ bytes: [UInt8]) -> Result<String, Problem> {
        guard !bytes.isEmpty else { return .failure(.empty) }
        var scalars = 0
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        decoding: while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar):
                scalars += 1
                let value = scalar.value
                if value <= 0x1F || (0x7F...0x9F).contains(value) || value == 0x2028 || value == 0x2029 {
                    return .failure(.forbiddenCharacter(value))
                }
            case .emptyInput: break decoding
            case .error: return .failure(.invalidUTF8)
            }
        }
        guard scalars <= maximumLength else { return .failure(.tooLong(limit: maximumLength)) }
        return .success(String(decoding: bytes, as: UTF8.self))
    }
}
