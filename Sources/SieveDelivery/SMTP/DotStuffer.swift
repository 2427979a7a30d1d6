/// Turns message bytes into the text of SMTP DATA (RFC 5321 §4.5.2, §2.3.8), a chunk at a
/// time: a line that starts with "." gets a second one, and every line ends in CRLF (a bare LF
/// becomes CRLF; a bare CR is left alone). `finish()` ends the last line if needed and adds the
/// terminating ".".
///
/// Pure and resumable: the output is the same however the input is split.
public struct DotStuffer: Sendable {
    private var atLineStart = true
    private var previousWasCR = false
    /// Whether any byte went through (an empty message still gets its terminator alone).
    private var sawBytes = false

    public init() {}

    /// The stuffed form of `chunk`.
    public mutating func stuff(_ chunk: some Collection<UInt8>) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(chunk.count + chunk.count / 64 + 8)
        for byte in chunk {
            sawBytes = true
            if atLineStart && byte == UInt8(ascii: ".") { output.append(UInt8(ascii: ".")) }
            if byte == UInt8(ascii: "\n") && !previousWasCR { output.append(UInt8(ascii: "\r")) }
            output.append(byte)
            atLineStart = byte == UInt8(ascii: "\n")
            previousWasCR = byte == UInt8(ascii: "\r")
        }
        return output
    }

    /// The end of the data: CRLF if the last line is open, then ".\r\n".
    public mutating func finish() -> [UInt8] {
        var output: [UInt8] = []
        if sawBytes && !atLineStart {
            if !previousWasCR { output.append(UInt8(ascii: "\r")) }
            output.append(UInt8(ascii: "\n"))
        }
        output += Array(".\r\n".utf8)
        atLineStart = true
        previousWasCR = false
        return output
    }
}
