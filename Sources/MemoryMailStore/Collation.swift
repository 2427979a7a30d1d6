import MailCore

/// A name compared byte for byte in UTF-8, as the reference store's database compares names
/// (SQLite's BINARY collation): account names, mailbox names and subscriptions.
///
/// Swift's `String` equality is canonical equivalence, so `"é"` precomposed and decomposed
/// would be one mailbox here and two in SQLite; keying by bytes keeps both backends alike.
/// Mailbox names are full, `/`-separated names (RFC 9051 §5.1); the byte order puts a
/// mailbox's inferiors (`name/...`) right after it, as `list` needs.
struct BinaryName: Hashable, Comparable, Sendable {
    let string: String

    init(_ string: String) { self.string = string }

    static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.string.utf8.elementsEqual(rhs.string.utf8)
    }

    func hash(into hasher: inout Hasher) {
        var copy = string
        copy.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
        hasher.combine(string.utf8.count)
    }

    static func < (lhs: Self, rhs: Self) -> Bool {
        lhs.string.utf8.lexicographicallyPrecedes(rhs.string.utf8)
    }

    /// Whether this name lies below `superior` in the hierarchy: its bytes start with
    /// `superior` followed by `/` (RFC 3501 §6.3.4 "inferior hierarchical names").
    func isInferior(of superior: BinaryName) -> Bool {
        let bytes = string.utf8, prefix = superior.string.utf8
        guard bytes.count > prefix.count else { return false }
        var index = bytes.startIndex
        for byte in prefix {
            guard bytes[index] == byte else { return false }
            index = bytes.index(after: index)
        }
        return bytes[index] == UInt8(ascii: "/")
    }
}

/// The order of keywords in the FLAGS response (RFC 9051 §7.3.5) among those that appeared at
/// the same MODSEQ: ASCII letters folded to lower case, then bytes, shorter first on a tie
/// (SQLite's NOCASE collation, which the reference store declares for keywords).
enum KeywordOrder {
    static func precedes(_ lhs: String, _ rhs: String) -> Bool {
        lhs.utf8.lazy.map(fold).lexicographicallyPrecedes(rhs.utf8.lazy.map(fold))
    }

    private static func fold(_ byte: UInt8) -> UInt8 {
        byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
    }
}

/// Blob names as the store accepts them: the lowercase hex SHA-256 of `MessageUpload`.
enum BlobName {
    /// Whether `blob` is 64 lowercase hexadecimal digits.
    static func isValid(_ blob: BlobID) -> Bool {
        let utf8 = blob.rawValue.utf8
        return utf8.count == 64 && utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }
    }
}
