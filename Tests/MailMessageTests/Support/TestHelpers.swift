import MailMessage

/// Message text with LF line ends written as CRLF, as messages arrive over IMAP and LMTP.
func crlf(_ text: String) -> [UInt8] {
    Array(text.replacingOccurrences(of: "\n", with: "\r\n").utf8)
}

/// Bytes from a hex string.
func hexBytes(_ hex: String) -> [UInt8] {
    var bytes: [UInt8] = []
    var index = hex.startIndex
    while index < hex.endIndex {
        let next = hex.index(index, offsetBy: 2)
        bytes.append(UInt8(hex[index..<next], radix: 16)!)
        index = next
    }
    return bytes
}

func text(_ bytes: some Sequence<UInt8>) -> String { String(decoding: Array(bytes), as: UTF8.self) }

/// An address list the way ENVELOPE shows it, for compact expectations:
/// `("name" NIL "mailbox" "host")` per address.
func render(_ addresses: [Address]) -> String {
    func field(_ value: [UInt8]?) -> String { value.map { "\"\(text($0))\"" } ?? "NIL" }
    return addresses.map {
        "(\(field($0.name)) \(field($0.route)) \(field($0.mailbox)) \(field($0.host)))"
    }.joined()
}

/// The text of `range` in `bytes`, or nil.
func slice(_ bytes: [UInt8], _ range: Range<Int>?) -> String? {
    range.map { text(bytes[$0]) }
}
