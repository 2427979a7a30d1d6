/// A command of an LMTP session (RFC 2033 §4, with the SMTP commands of RFC 5321 §4.1.1 it
/// keeps and BDAT of RFC 3030 §2).
public enum LMTPCommand: Hashable, Sendable {
    /// `LHLO domain` (RFC 2033 §4.1): LMTP's EHLO.
    case lhlo(String)
    /// `MAIL FROM:<reverse-path> [params]`; the path without `<>`, "" for the null path.
    case mailFrom(String, MailParameters)
    /// `RCPT TO:<forward-path> [params]`; the path without `<>` (source route dropped).
    case rcptTo(String)
    /// `DATA` (RFC 5321 §4.1.1.4).
    case data
    /// `BDAT size [LAST]` (RFC 3030 §2): a chunk of exactly `size` octets follows.
    case bdat(size: UInt64, last: Bool)
    case rset
    case noop
    case quit
    /// `VRFY string` (RFC 5321 §4.1.1.6).
    case vrfy(String)
    /// `HELP [topic]`.
    case help(String?)
}

/// The body types of `MAIL FROM ... BODY=` (RFC 6152 §2, RFC 3030 §3).
public enum BodyType: String, Hashable, Sendable {
    case sevenBit = "7BIT"
    case eightBitMIME = "8BITMIME"
    case binaryMIME = "BINARYMIME"
}

/// The `MAIL FROM` parameters this server knows (RFC 5321 §4.1.2 `Mail-parameters`).
public struct MailParameters: Hashable, Sendable {
    /// `SIZE=n` (RFC 1870 §6): the client's estimate of the message size.
    public var size: UInt64?
    /// `BODY=` (RFC 6152, RFC 3030).
    public var body: BodyType?
    /// `SMTPUTF8` (RFC 6531 §3.4).
    public var smtpUTF8: Bool

    public init(size: UInt64? = nil, body: BodyType? = nil, smtpUTF8: Bool = false) {
        self.size = size
        self.body = body
        self.smtpUTF8 = smtpUTF8
    }
}
