public import MailCore

/// A Maildir message file name (the Maildir specification and Dovecot's extensions):
/// `<time>.<unique>.<host>[,S=<size>][,W=<vsize>][:2,<flags>]`.
///
/// The part before `:` (the *base*) names the message for its life; the info after `:2,`
/// carries its flags: `D` draft, `F` flagged, `P` passed (forwarded), `R` replied, `S` seen,
/// `T` trashed, and the letters `a`–`z` for the keywords of `dovecot-keywords`.
public struct MaildirFileName: Hashable, Sendable {
    public var base: String
    /// The system flag letters and keyword letters after `:2,`, as written.
    public var flagLetters: String
    /// `,S=`: the file's size; `,W=`: the size with CRLF line ends (RFC822.SIZE).
    public var size: UInt64?
    public var virtualSize: UInt64?
    /// The delivery time the name starts with (seconds since 1970) and the microseconds of
    /// its `M<usec>` part, for putting files without UIDs in delivery order.
    public var deliverySeconds: Int64?
    public var deliveryMicroseconds: Int64?

    public init(_ name: String) {
        let colon = name.firstIndex(of: ":")
        base = String(name[..<(colon ?? name.endIndex)])
        flagLetters = ""
        if let colon {
            let info = name[name.index(after: colon)...]
            if info.hasPrefix("2,") { flagLetters = String(info.dropFirst(2)) }
        }
        let parts = base.split(separator: ",", omittingEmptySubsequences: false)
        for field in parts.dropFirst() {
            if field.hasPrefix("S=") { size = UInt64(field.dropFirst(2)) }
            if field.hasPrefix("W=") { virtualSize = UInt64(field.dropFirst(2)) }
        }
        let pieces = (parts.first ?? "").split(separator: ".", omittingEmptySubsequences: false)
        deliverySeconds = pieces.first.flatMap { Int64($0) }
        if pieces.count > 1 {
            let unique = pieces[1]
            if let m = unique.firstIndex(of: "M") {
                let digits = unique[unique.index(after: m)...].prefix { $0.isASCII && $0.isNumber }
                deliveryMicroseconds = Int64(digits)
            }
        }
    }

    /// The base of a name: everything before the first `:`.
    public static func base(of name: String) -> String {
        String(name[..<(name.firstIndex(of: ":") ?? name.endIndex)])
    }

    /// The IMAP flags of the file: system flags from their letters, keywords from
    /// `keywords`; letters without a keyword there are ignored (Dovecot does the same).
    /// `P` (passed) becomes the `$Forwarded` keyword (RFC 5788).
    public func flags(keywords: DovecotKeywords) -> MessageFlags {
        var flags = MessageFlags()
        for letter in flagLetters {
            switch letter {
            case "D": flags.insert(.draft)
            case "F": flags.insert(.flagged)
            case "P": flags.insert(.keyword("$Forwarded"))
            case "R": flags.insert(.answered)
            case "S": flags.insert(.seen)
            case "T": flags.insert(.deleted)
            default:
                if let keyword = keywords.keyword(forLetter: letter) { flags.insert(.keyword(keyword)) }
            }
        }
        return flags
    }

    /// Delivery order for files without UIDs: by delivery time, then by name.
    public static func deliveryOrder(_ a: MaildirFileName, _ b: MaildirFileName) -> Bool {
        let left = (a.deliverySeconds ?? Int64.max, a.deliveryMicroseconds ?? 0)
        let right = (b.deliverySeconds ?? Int64.max, b.deliveryMicroseconds ?? 0)
        if left != right { return left < right }
        return a.base < b.base
    }
}
