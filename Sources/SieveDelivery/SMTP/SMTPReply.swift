/// One SMTP reply (RFC 5321 §4.2): a three-digit code and its text, one string per line.
public struct SMTPReply: Hashable, Sendable, CustomStringConvertible {
    public var code: Int
    /// The text of each line, without the code and its separator; may be empty strings.
    public var lines: [String]

    public init(code: Int, lines: [String]) {
        self.code = code
        self.lines = lines
    }

    /// 2yz: the command was carried out (RFC 5321 §4.2.1).
    public var isPositiveCompletion: Bool { (200..<300).contains(code) }
    /// 3yz: go on (354 after DATA).
    public var isPositiveIntermediate: Bool { (300..<400).contains(code) }
    /// 4yz: a transient failure; the same command may succeed later.
    public var isTransientFailure: Bool { (400..<500).contains(code) }
    /// 5yz: a permanent failure.
    public var isPermanentFailure: Bool { (500..<600).contains(code) }

    /// The code and the lines, for logs and error messages: `550 5.1.1 no such user`.
    public var description: String {
        let text = lines.joined(separator: " / ")
        return text.isEmpty ? String(code) : "\(code) \(text)"
    }
}

/// Why bytes from the server are not an SMTP reply.
public enum SMTPReplyError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A line that does not start with a reply code (three digits, 2–5 then 0–5 then 0–9).
    case malformedLine(String)
    /// A continuation line whose code differs from the first line's (RFC 5321 §4.2.1: all
    /// lines of a multiline reply carry the same code).
    case inconsistentCode(expected: Int, found: Int)
    case lineTooLong(limit: Int)
    case tooManyLines(limit: Int)

    public var description: String {
        switch self {
        case .malformedLine(let line): return "malformed SMTP reply line \"\(line)\""
        case .inconsistentCode(let expected, let found):
            return "SMTP reply line with code \(found) inside a reply with code \(expected)"
        case .lineTooLong(let limit): return "SMTP reply line longer than \(limit) bytes"
        case .tooManyLines(let limit): return "SMTP reply of more than \(limit) lines"
        }
    }
}

/// Cuts the bytes a server sends into replies (RFC 5321 §4.2):
///
///     Reply-line = *( Reply-code "-" [ textstring ] CRLF )
///                  Reply-code [ SP textstring ] CRLF
///     Reply-code = %x32-35 %x30-35 %x30-39
///
/// Pure and resumable: bytes may arrive split anywhere; `feed` returns the replies completed so
/// far and keeps the rest. A bare LF ends a line too, and a line with only the code (no text)
/// is accepted, as §4.2 asks receivers to be liberal. Lines and replies are bounded.
public struct SMTPReplyParser: Sendable {
    /// RFC 5321 §4.5.3.1.5 allows 512 octets per reply line; servers send longer ones.
    public var maximumLineLength: Int
    public var maximumLines: Int

    private var line: [UInt8] = []
    private var pendingCode: Int?
    private var pendingLines: [String] = []

    public init(maximumLineLength: Int = 4096, maximumLines: Int = 256) {
        self.maximumLineLength = maximumLineLength
        self.maximumLines = maximumLines
    }

    /// Whether a reply is partly received (bytes or lines waiting for the rest).
    public var hasPartialReply: Bool { !line.isEmpty || pendingCode != nil }

    /// Consumes `bytes`; returns every reply they complete, in order. After an error the
    /// parser is in an undefined state: the connection is to be dropped.
    public mutating func feed(_ bytes: some Sequence<UInt8>) throws(SMTPReplyError) -> [SMTPReply] {
        var replies: [SMTPReply] = []
        for byte in bytes {
            guard byte == UInt8(ascii: "\n") else {
                // The limit counts the line without its CRLF.
                guard line.count < maximumLineLength || (line.count == maximumLineLength && byte == UInt8(ascii: "\r"))
                else { throw .lineTooLong(limit: maximumLineLength) }
                line.append(byte)
                continue
            }
            if line.last == UInt8(ascii: "\r") { line.removeLast() }
            if let reply = try parseReplyLine(line) { replies.append(reply) }
            line.removeAll(keepingCapacity: true)
        }
        return replies
    }

    /// One `Reply-line` element: returns the reply when this line is its last.
    private mutating func parseReplyLine(_ line: [UInt8]) throws(SMTPReplyError) -> SMTPReply? {
        guard line.count >= 3,
              (UInt8(ascii: "2")...UInt8(ascii: "5")).contains(line[0]),
              (UInt8(ascii: "0")...UInt8(ascii: "5")).contains(line[1]),
              (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(line[2])
        else { throw .malformedLine(String(decoding: line.prefix(80), as: UTF8.self)) }
        let code = Int(line[0] - 0x30) * 100 + Int(line[1] - 0x30) * 10 + Int(line[2] - 0x30)
        let separator = line.count > 3 ? line[3] : UInt8(ascii: " ")
        guard separator == UInt8(ascii: " ") || separator == UInt8(ascii: "-") else {
            throw .malformedLine(String(decoding: line.prefix(80), as: UTF8.self))
        }
        if let pendingCode, pendingCode != code { throw .inconsistentCode(expected: pendingCode, found: code) }
        guard pendingLines.count < maximumLines else { throw .tooManyLines(limit: maximumLines) }
        pendingCode = code
        pendingLines.append(String(decoding: line.dropFirst(4), as: UTF8.self))
        guard separator == UInt8(ascii: " ") else { return nil }
        let reply = SMTPReply(code: code, lines: pendingLines)
        pendingCode = nil
        pendingLines = []
        return reply
    }
}
