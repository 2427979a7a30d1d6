/// A value a client chose (a user name, an ID field, an error that quotes one), as it may
/// appear in a log line: in double quotes, with `"` and `\` escaped, every control character
/// (C0, DEL, C1), line or paragraph separator and invisible format character (such as the
/// bidirectional overrides) written as `\n`, `\r`, `\t` or `\u{…}`, and cut after `limit`
/// characters, saying how many were left out. So a client cannot forge a log line (a CRLF in
/// a LOGIN literal), hide text, or fill the log with one long value (CWE-117). Client text in
/// the protocol is bytes (RFC 9051 §4.3); invalid UTF-8 shows as U+FFFD.
package struct LoggedText: CustomStringConvertible, Sendable {
    package static let defaultLimit = 128

    package let description: String

    package init(_ raw: String, limit: Int = LoggedText.defaultLimit) {
        var text = "\""
        var count = 0
        var omitted = 0
        for scalar in raw.unicodeScalars {
            guard count < limit else {
                omitted += 1
                continue
            }
            count += 1
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "\n": text += "\\n"
            case "\r": text += "\\r"
            case "\t": text += "\\t"
            default:
                if Self.mustEscape(scalar) {
                    text += "\\u{" + String(scalar.value, radix: 16) + "}"
                } else {
                    text.unicodeScalars.append(scalar)
                }
            }
        }
        text += "\""
        if omitted > 0 { text += "…(+\(omitted))" }
        description = text
    }

    package init(bytes: [UInt8], limit: Int = LoggedText.defaultLimit) {
        self.init(String(decoding: bytes, as: UTF8.self), limit: limit)
    }

    /// Control characters, separators other than SPACE, and format characters.
    private static func mustEscape(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .control, .format, .lineSeparator, .paragraphSeparator, .surrogate, .privateUse, .unassigned:
            return true
        case .spaceSeparator:
            return scalar != " "
        default:
            return false
        }
    }
}
