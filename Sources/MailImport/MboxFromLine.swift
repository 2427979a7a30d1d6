public import MailCore

/// The `From ` line that starts each message of an mbox file (RFC 4155 §2):
/// `From <sender> <date>`, the date as C's `asctime` writes it (`Mon Jan  1 00:00:00 2024`),
/// sometimes with a numeric zone before or after the year. Dovecot takes the message's
/// INTERNALDATE from it; a date without a zone is taken as UTC.
public struct MboxFromLine: Hashable, Sendable {
    public var sender: String
    public var date: ZonedDateTime

    /// Parses one line (without its line end); nil unless it is a `From ` line with a date.
    public static func parse<Bytes: Collection<UInt8>>(_ line: Bytes) -> MboxFromLine? {
        guard line.count >= 5, line.starts(with: Self.prefix) else { return nil }
        let text = String(decoding: line.prefix(256), as: UTF8.self)
        let tokens = text.split(separator: " ", omittingEmptySubsequences: true)
        guard tokens.count >= 5 else { return nil }
        for index in 2..<tokens.count {
            guard let month = CalendarDate.monthNames.firstIndex(where: { $0.caseInsensitiveCompare(tokens[index]) }),
                  index + 2 < tokens.count,
                  let day = Int(tokens[index + 1]), (1...31).contains(day),
                  let time = clock(tokens[index + 2])
            else { continue }
            var year: Int?
            var zone = 0
            for token in tokens[(index + 3)...].prefix(2) {
                if token.count == 4, let value = Int(token) {
                    year = value
                } else if let minutes = zoneMinutes(token) {
                    zone = minutes
                }
            }
            guard let year, (1970...9999).contains(year),
                  day <= CalendarDate.monthLength(month + 1, year: year)
            else { continue }
            let date = ZonedDateTime(date: CalendarDate(year: year, month: month + 1, day: day), hour: time.0,
                                     minute: time.1, second: time.2, zoneMinutes: zone)
            let sender = tokens[1]
            return MboxFromLine(sender: String(sender), date: date)
        }
        return nil
    }

    static let prefix = Array("From ".utf8)

    /// `hh:mm` or `hh:mm:ss`.
    private static func clock(_ token: Substring) -> (Int, Int, Int)? {
        let parts = token.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2 || parts.count == 3 else { return nil }
        let values = parts.compactMap { Int($0) }
        guard values.count == parts.count, (0..<24).contains(values[0]), (0..<60).contains(values[1]) else { return nil }
        let second = values.count == 3 ? values[2] : 0
        guard (0...60).contains(second) else { return nil }
        return (values[0], values[1], min(second, 59))
    }

    /// `+hhmm` or `-hhmm`, in minutes east of UTC.
    private static func zoneMinutes(_ token: Substring) -> Int? {
        guard token.count == 5, let sign = token.first, sign == "+" || sign == "-",
              let value = Int(token.dropFirst()), value % 100 < 60, value / 100 < 24
        else { return nil }
        let minutes = value / 100 * 60 + value % 100
        return sign == "-" ? -minutes : minutes
    }
}

extension String {
    fileprivate func caseInsensitiveCompare(_ other: Substring) -> Bool {
        lowercased() == other.lowercased()
    }
}
