import IMAPSyntax
import MailCore
import NIOCore

/// The bytes the encoder writes for one response, as a string (for 7-bit and UTF-8 output).
func wire(_ response: Response, utf8: Bool = false) -> String {
    String(decoding: wireBytes(response, utf8: utf8), as: UTF8.self)
}

/// The exact bytes the encoder writes for one response.
func wireBytes(_ response: Response, utf8: Bool = false) -> [UInt8] {
    var buffer = ByteBuffer()
    ResponseEncoder(utf8Enabled: utf8).encode(response, into: &buffer)
    return Array(buffer.readableBytesView)
}

/// One untagged FETCH response with the given items.
func wireFetch(_ sequence: UInt32 = 12, _ items: [FetchItem], utf8: Bool = false) -> String {
    wire(.untagged(.fetch(SequenceNumber(sequence), items)), utf8: utf8)
}

/// `* OK [code] text` CRLF.
func wireCode(_ code: ResponseCode, _ text: String = "Done") -> String {
    wire(.untagged(.condition(.ok, ResponseText(code: code, text))))
}

extension Array where Element == UInt8 {
    /// The ASCII bytes of a string literal, for exact-byte comparisons with 8-bit content.
    init(ascii string: String) { self = Array(string.utf8) }
}
