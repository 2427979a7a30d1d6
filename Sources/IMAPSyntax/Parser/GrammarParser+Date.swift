import MailCore

// Dates and date-times (RFC 9051 §9): SEARCH dates and APPEND internal dates.
// Every defect inside a date is `.invalidDate`; a date missing at the end is `.unexpectedEnd`.

extension GrammarParser {
    /// `date = date-text / DQUOTE date-text DQUOTE` (RFC 9051 §9).
    static func parseDate(_ buffer: inout ParseBuffer) throws(ParseError) -> CalendarDate {
        guard !buffer.isAtEnd else { throw ParseError(.unexpectedEnd) }
        let quoted = buffer.consume(.dquote)
        let date = try parseDateText(&buffer)
        if quoted {
            guard buffer.consume(.dquote) else { throw ParseError(.invalidDate) }
        } else if let next = buffer.current, next.isAtomChar {
            throw ParseError(.invalidDate)
        }
        return date
    }

    /// `date-text = date-day "-" date-month "-" date-year`, `date-day = 1*2DIGIT`
    /// (RFC 9051 §9). The day must exist in its month.
    static func parseDateText(_ buffer: inout ParseBuffer) throws(ParseError) -> CalendarDate {
        guard let first = digitValue(buffer.current) else { throw ParseError(.invalidDate) }
        buffer.index += 1
        var day = first
        if let second = digitValue(buffer.current) {
            day = day * 10 + second
            buffer.index += 1
        }
        return try parseDateRest(&buffer, day: day)
    }

    /// `"-" date-month "-" date-year` after the day, validated.
    private static func parseDateRest(_ buffer: inout ParseBuffer, day: Int) throws(ParseError) -> CalendarDate {
        guard buffer.consume(.minus) else { throw ParseError(.invalidDate) }
        let month = try parseDateMonth(&buffer)
        guard buffer.consume(.minus) else { throw ParseError(.invalidDate) }
        let year = try parseDateYear(&buffer)
        let date = CalendarDate(year: year, month: month, day: day)
        guard date.isValid else { throw ParseError(.invalidDate) }
        return date
    }

    /// `date-month = "Jan" / "Feb" / ... / "Dec"` (RFC 9051 §9), case-insensitively: 1…12.
    static func parseDateMonth(_ buffer: inout ParseBuffer) throws(ParseError) -> Int {
        guard let a = buffer.peek(0), let b = buffer.peek(1), let c = buffer.peek(2) else {
            throw ParseError(.invalidDate)
        }
        let key = UInt32(a.asciiUppercased) << 16 | UInt32(b.asciiUppercased) << 8 | UInt32(c.asciiUppercased)
        let month: Int
        switch key {
        case 0x4A414E: month = 1   // JAN
        case 0x464542: month = 2   // FEB
        case 0x4D4152: month = 3   // MAR
        case 0x415052: month = 4   // APR
        case 0x4D4159: month = 5   // MAY
        case 0x4A554E: month = 6   // JUN
        case 0x4A554C: month = 7   // JUL
        case 0x415547: month = 8   // AUG
        case 0x534550: month = 9   // SEP
        case 0x4F4354: month = 10  // OCT
        case 0x4E4F56: month = 11  // NOV
        case 0x444543: month = 12  // DEC
        default: throw ParseError(.invalidDate)
        }
        buffer.index += 3
        return month
    }

    /// `date-year = 4DIGIT` (RFC 9051 §9).
    static func parseDateYear(_ buffer: inout ParseBuffer) throws(ParseError) -> Int {
        try parseFixedDigits(&buffer, count: 4)
    }

    /// `date-time = DQUOTE date-day-fixed "-" date-month "-" date-year SP time SP zone DQUOTE`
    /// (RFC 9051 §9), the INTERNALDATE of APPEND.
    static func parseDateTime(_ buffer: inout ParseBuffer) throws(ParseError) -> ZonedDateTime {
        guard !buffer.isAtEnd else { throw ParseError(.unexpectedEnd) }
        guard buffer.consume(.dquote) else { throw ParseError(.invalidDate) }
        let day = try parseDateDayFixed(&buffer)
        let date = try parseDateRest(&buffer, day: day)
        guard buffer.consume(.space) else { throw ParseError(.invalidDate) }
        let (hour, minute, second) = try parseTime(&buffer)
        guard buffer.consume(.space) else { throw ParseError(.invalidDate) }
        let zone = try parseZone(&buffer)
        guard buffer.consume(.dquote) else { throw ParseError(.invalidDate) }
        return ZonedDateTime(date: date, hour: hour, minute: minute, second: second, zoneMinutes: zone)
    }

    /// `date-day-fixed = (SP DIGIT) / 2DIGIT` (RFC 9051 §9).
    static func parseDateDayFixed(_ buffer: inout ParseBuffer) throws(ParseError) -> Int {
        if buffer.consume(.space) { return try parseFixedDigits(&buffer, count: 1) }
        return try parseFixedDigits(&buffer, count: 2)
    }

    /// `time = 2DIGIT ":" 2DIGIT ":" 2DIGIT` (RFC 9051 §9): hour < 24, minute and second < 60.
    static func parseTime(_ buffer: inout ParseBuffer) throws(ParseError) -> (Int, Int, Int) {
        let hour = try parseFixedDigits(&buffer, count: 2)
        guard buffer.consume(.colon) else { throw ParseError(.invalidDate) }
        let minute = try parseFixedDigits(&buffer, count: 2)
        guard buffer.consume(.colon) else { throw ParseError(.invalidDate) }
        let second = try parseFixedDigits(&buffer, count: 2)
        guard hour < 24, minute < 60, second < 60 else { throw ParseError(.invalidDate) }
        return (hour, minute, second)
    }

    /// `zone = ("+" / "-") 4DIGIT` (RFC 9051 §9): hhmm east of UTC, as minutes.
    static func parseZone(_ buffer: inout ParseBuffer) throws(ParseError) -> Int {
        let sign: Int
        if buffer.consume(.plus) {
            sign = 1
        } else if buffer.consume(.minus) {
            sign = -1
        } else {
            throw ParseError(.invalidDate)
        }
        let hours = try parseFixedDigits(&buffer, count: 2)
        let minutes = try parseFixedDigits(&buffer, count: 2)
        guard hours < 24, minutes < 60 else { throw ParseError(.invalidDate) }
        return sign * (hours * 60 + minutes)
    }

    /// Exactly `count` digits (a part of a date).
    private static func parseFixedDigits(_ buffer: inout ParseBuffer, count: Int) throws(ParseError) -> Int {
        var value = 0
        for _ in 0..<count {
            guard let digit = digitValue(buffer.current) else { throw ParseError(.invalidDate) }
            value = value * 10 + digit
            buffer.index += 1
        }
        return value
    }

    private static func digitValue(_ byte: UInt8?) -> Int? {
        guard let byte, byte.isDigit else { return nil }
        return Int(byte &- .zero)
    }
}
