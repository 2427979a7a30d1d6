/// A reply (RFC 5321 §4.2): a three-digit code, the enhanced status code of RFC 2034 §3 on
/// every line (except the greeting and the LHLO reply, which carry none), and one or more
/// lines of text; all lines but the last have `-` after the code (§4.2.1).
public struct LMTPReply: Hashable, Sendable {
    public var code: Int
    /// `class.subject.detail` (RFC 3463), or nil.
    public var status: String?
    public var lines: [String]

    public init(_ code: Int, _ status: String?, _ lines: [String]) {
        self.code = code
        self.status = status
        self.lines = lines.isEmpty ? [""] : lines
    }

    public init(_ code: Int, _ status: String?, _ text: String) {
        self.init(code, status, [text])
    }

    /// A positive completion (2yz) or intermediate (3yz) reply.
    public var isPositive: Bool { code < 400 }

    /// The reply as sent, CRLF after every line; control characters in the text become spaces
    /// so that text from a client can never end a line early.
    public var encoded: [UInt8] {
        var out: [UInt8] = []
        for (index, line) in lines.enumerated() {
            out += Array(String(code).utf8)
            out.append(index == lines.count - 1 ? UInt8(ascii: " ") : UInt8(ascii: "-"))
            if let status { out += Array(status.utf8) + [UInt8(ascii: " ")] }
            for byte in line.utf8 { out.append(byte < 0x20 || byte == 0x7f ? UInt8(ascii: " ") : byte) }
            out += [13, 10]
        }
        return out
    }
}
