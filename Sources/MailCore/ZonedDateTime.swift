/// A calendar day without a zone: IMAP's `date` (RFC 9051 §9) of SEARCH BEFORE/ON/SINCE.
public struct CalendarDate: Hashable, Sendable {
    public var year: Int
    /// 1...12
    public var month: Int
    /// 1...31
    public var day: Int
    public init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }
}

/// A moment with the UTC offset it was given in: the INTERNALDATE of a message, IMAP's
/// `date-time` (RFC 9051 §9, `"17-Jul-1996 02:44:25 -0700"`).
public struct ZonedDateTime: Hashable, Sendable {
    public var date: CalendarDate
    public var hour: Int
    public var minute: Int
    public var second: Int
    /// Minutes east of UTC, e.g. -420 for `-0700`.
    public var zoneMinutes: Int

    public init(date: CalendarDate, hour: Int, minute: Int, second: Int, zoneMinutes: Int) {
        self.date = date
        self.hour = hour
        self.minute = minute
        self.second = second
        self.zoneMinutes = zoneMinutes
    }

    /// Seconds since 1970-01-01T00:00:00Z.
    public var secondsSince1970: Int64 {
        let days = Int64(CalendarDate.daysFromCivil(year: date.year, month: date.month, day: date.day))
        let local = days * 86_400 + Int64(hour * 3600 + minute * 60 + second)
        return local - Int64(zoneMinutes * 60)
    }

    /// The date-time of a moment, expressed in the given zone.
    public init(secondsSince1970: Int64, zoneMinutes: Int = 0) {
        let local = secondsSince1970 + Int64(zoneMinutes * 60)
        var days = local / 86_400
        var rest = local % 86_400
        if rest < 0 {
            rest += 86_400
            days -= 1
        }
        self.date = CalendarDate.civil(fromDays: Int(days))
        self.hour = Int(rest / 3600)
        self.minute = Int(rest % 3600 / 60)
        self.second = Int(rest % 60)
        self.zoneMinutes = zoneMinutes
    }
}

extension CalendarDate {
    /// The month abbreviations of `date-month` (RFC 9051 §9), index 0 = January.
    public static let monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// Days from 1970-01-01 to this date in the proleptic Gregorian calendar.
    public var daysSince1970: Int { Self.daysFromCivil(year: year, month: month, day: day) }

    /// Whether the day exists (e.g. no 30 February).
    public var isValid: Bool {
        guard (1...12).contains(month), day >= 1 else { return false }
        return day <= Self.monthLength(month, year: year)
    }

    public static func monthLength(_ month: Int, year: Int) -> Int {
        switch month {
        case 2:
            let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
            return leap ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    // Howard Hinnant's days_from_civil / civil_from_days.
    public static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    public static func civil(fromDays days: Int) -> CalendarDate {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return CalendarDate(year: yoe + era * 400 + (month <= 2 ? 1 : 0), month: month, day: day)
    }
}
