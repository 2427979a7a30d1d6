import MailCore

/// The date parts of the date and currentdate tests (RFC 5260 §4.2) and the zones of
/// their `:zone` argument (§4.1).
enum DateParts {
    enum Part: String, CaseIterable {
        case year, month, day, date, julian, hour, minute, second, time, iso8601, std11, zone, weekday
    }

    /// `"+" / "-" 4DIGIT` (RFC 5260 §4.1, the `zone` of RFC 5322 §3.3) in minutes east of UTC.
    static func zoneMinutes(_ text: String) -> Int? {
        let bytes = Array(text.utf8)
        guard bytes.count == 5, bytes[0] == UInt8(ascii: "+") || bytes[0] == UInt8(ascii: "-"),
              bytes[1...].allSatisfy(Byte.isDigit) else { return nil }
        let digits = bytes[1...].map { Int($0 - UInt8(ascii: "0")) }
        let hours = digits[0] * 10 + digits[1], minutes = digits[2] * 10 + digits[3]
        guard hours <= 23, minutes <= 59 else { return nil }
        return (bytes[0] == UInt8(ascii: "-") ? -1 : 1) * (hours * 60 + minutes)
    }

    /// The text of `part` for a date-time (RFC 5260 §4.2's table).
    static func value(_ part: Part, of moment: ZonedDateTime) -> String {
        let date = moment.date
        switch part {
        case .year: return pad(date.year, 4)
        case .month: return pad(date.month, 2)
        case .day: return pad(date.day, 2)
        case .date: return "\(pad(date.year, 4))-\(pad(date.month, 2))-\(pad(date.day, 2))"
        // Modified Julian Day: days since 1858-11-17, which is day -40587 of the Unix epoch.
        case .julian: return String(date.daysSince1970 + 40_587)
        case .hour: return pad(moment.hour, 2)
        case .minute: return pad(moment.minute, 2)
        case .second: return pad(moment.second, 2)
        case .time: return "\(pad(moment.hour, 2)):\(pad(moment.minute, 2)):\(pad(moment.second, 2))"
        case .iso8601:
            // RFC 3339 §5.6 with RFC 5260's restriction: UTC is "Z".
            let zone = moment.zoneMinutes
            let offset = zone == 0 ? "Z" : (zone < 0 ? "-" : "+") + "\(pad(abs(zone) / 60, 2)):\(pad(abs(zone) % 60, 2))"
            return "\(value(.date, of: moment))T\(value(.time, of: moment))" + offset
        case .std11:
            let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
            let month = CalendarDate.monthNames[max(0, min(11, date.month - 1))]
            return "\(weekdays[weekday(date)]), \(date.day) \(month) \(pad(date.year, 4)) "
                + "\(value(.time, of: moment)) \(value(.zone, of: moment))"
        case .zone:
            let zone = moment.zoneMinutes
            return (zone < 0 ? "-" : "+") + pad(abs(zone) / 60, 2) + pad(abs(zone) % 60, 2)
        case .weekday: return String(weekday(date))
        }
    }

    /// 0 for Sunday ... 6 for Saturday; 1970-01-01 was a Thursday.
    static func weekday(_ date: CalendarDate) -> Int {
        let days = date.daysSince1970
        return ((days % 7) + 7 + 4) % 7
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(abs(value))
        return (value < 0 ? "-" : "") + String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
