public import MailCore

/// Small writers for the header fields and bodies Tern generates (vacation responses): RFC 5322
/// dates, RFC 2047 encoded words, quoted-printable (RFC 2045 §6.7). Pure.
public enum HeaderEncoding {
    /// `date-time` of RFC 5322 §3.3: `Tue, 01 Jan 2030 09:05:00 +0100`.
    public static func rfc5322Date(_ moment: ZonedDateTime) -> String {
        let days = CalendarDate.daysFromCivil(year: moment.date.year, month: moment.date.month, day: moment.date.day)
        let weekdays = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"]  // 1970-01-01 was a Thursday
        let weekday = weekdays[((days % 7) + 7) % 7]
        let zone = abs(moment.zoneMinutes)
        return "\(weekday), \(two(moment.date.day)) \(CalendarDate.monthNames[moment.date.month - 1]) "
            + "\(moment.date.year) \(two(moment.hour)):\(two(moment.minute)):\(two(moment.second)) "
            + (moment.zoneMinutes < 0 ? "-" : "+") + two(zone / 60) + two(zone % 60)
    }

    private static func two(_ value: Int) -> String { value < 10 ? "0\(value)" : String(value) }

    /// An unstructured field value (RFC 5322 §3.2.5) ready for the header: as is when it is
    /// printable ASCII, else RFC 2047 "B" encoded words of UTF-8 (§4.1), each at most 75
    /// characters (§2) and never splitting a character (§5 (3)), separated by folding white
    /// space. Line breaks in the text become spaces.
    public static func unstructured(_ text: String) -> String {
        let flat = text.replacing("\r\n", with: " ").replacing("\n", with: " ").replacing("\r", with: " ")
        if flat.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) && !flat.contains("=?") { return flat }
        var words: [String] = []
        var pending: [UInt8] = []
        // "=?UTF-8?B?" + "?=" take 12 of the 75; 45 bytes make 60 base64 characters.
        for character in flat {
            let bytes = Array(String(character).utf8)
            if pending.count + bytes.count > 45 && !pending.isEmpty {
                words.append("=?UTF-8?B?" + base64(pending) + "?=")
                pending = []
            }
            pending += bytes
        }
        if !pending.isEmpty { words.append("=?UTF-8?B?" + base64(pending) + "?=") }
        return words.joined(separator: "\r\n ")
    }

    /// Base64 (RFC 2045 §6.8) without line breaks.
    public static func base64(_ bytes: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var output: [UInt8] = []
        output.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index < bytes.count {
            let b0 = bytes[index]
            let b1 = index + 1 < bytes.count ? bytes[index + 1] : 0
            let b2 = index + 2 < bytes.count ? bytes[index + 2] : 0
            output.append(alphabet[Int(b0 >> 2)])
            output.append(alphabet[Int((b0 & 0x03) << 4 | b1 >> 4)])
            output.append(index + 1 < bytes.count ? alphabet[Int((b1 & 0x0F) << 2 | b2 >> 6)] : UInt8(ascii: "="))
            output.append(index + 2 < bytes.count ? alphabet[Int(b2 & 0x3F)] : UInt8(ascii: "="))
            index += 3
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Quoted-printable (RFC 2045 §6.7) of text whose lines end in LF or CRLF: lines end in
    /// CRLF, encoded lines are at most 76 characters (soft breaks "=" before), "=", bytes
    /// outside printable ASCII and white space before a line end are encoded.
    public static func quotedPrintable(_ text: String) -> String {
        var output = ""
        let lines = text.replacing("\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false)
        for (number, line) in lines.enumerated() {
            var current = ""
            let bytes = Array(line.utf8)
            for (index, byte) in bytes.enumerated() {
                let isLast = index == bytes.count - 1
                let literal = (byte >= 0x21 && byte <= 0x7E && byte != UInt8(ascii: "="))
                    || ((byte == 0x20 || byte == 0x09) && !isLast)
                let piece = literal ? String(UnicodeScalar(byte)) : "=" + hex(byte)
                if current.utf8.count + piece.utf8.count > 75 {
                    output += current + "=\r\n"
                    current = ""
                }
                current += piece
            }
            output += current
            if number < lines.count - 1 { output += "\r\n" }
        }
        return output
    }

    private static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
    }
}
