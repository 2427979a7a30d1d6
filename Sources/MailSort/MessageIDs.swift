/// Message IDs as THREAD REFERENCES compares them (RFC 5256 §3): normalised, so that quoting
/// makes no difference ("`<"01KF8JCEOCBS0045PS"@xxx.yyy.com>` and
/// `<01KF8JCEOCBS0045PS@xxx.yyy.com>` MUST be interpreted as being the same Message ID"),
/// and compared case-sensitively.
public enum MessageIDs {
    /// Every valid msg-id (RFC 5322 §3.6.4, with the obsolete quoting of §4.5.4) in a field's
    /// value, normalised, in order: the text between `<` and `>` with quotes, backslash escapes
    /// and white space removed, kept when it has a non-empty left and right side of an `@`.
    /// Text between msg-ids (comments, phrases of an old In-Reply-To) is skipped.
    public static func all(in value: some Collection<UInt8>) -> [String] {
        var ids: [String] = []
        var current: [UInt8] = []
        var inside = false
        var escaped = false
        for byte in value {
            if !inside {
                if byte == UInt8(ascii: "<") {
                    inside = true
                    current.removeAll(keepingCapacity: true)
                }
                continue
            }
            if escaped {
                current.append(byte)
                escaped = false
                continue
            }
            switch byte {
            case UInt8(ascii: "\\"):
                escaped = true
            case UInt8(ascii: "\""), UInt8(ascii: " "), 0x09, 0x0A, 0x0D:
                break
            case UInt8(ascii: "<"):
                current.removeAll(keepingCapacity: true)  // an unclosed `<` before this one
            case UInt8(ascii: ">"):
                inside = false
                if let id = validated(current) { ids.append(id) }
            default:
                current.append(byte)
            }
        }
        return ids
    }

    /// The first valid msg-id of a field's value (Message-ID, In-Reply-To), nil if none.
    public static func first(in value: some Collection<UInt8>) -> String? {
        all(in: value).first
    }

    /// `id-left "@" id-right`, both sides non-empty.
    private static func validated(_ id: [UInt8]) -> String? {
        guard let at = id.lastIndex(of: UInt8(ascii: "@")), at > 0, at < id.count - 1 else { return nil }
        return String(decoding: id, as: UTF8.self)
    }
}
