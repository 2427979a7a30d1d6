import MailCore

/// The date and time of an RFC 5322 `Date:` field (RFC 5322 §3.3 `date-time`), as written:
/// the calendar date and time of day in the field's own zone, and that zone's offset.
///
/// SEARCH SENTBEFORE, SENTON and SENTSINCE compare the calendar date as written, disregarding
/// time and zone (RFC 9051 §6.4.4), so the parsed fields are kept as they are rather than
/// converted to UTC; `secondsSince1970` gives the instant when one is needed.
public struct MessageDate: Hashable, Sendable {
    public var year: Int
    /// 1...12
    public var month: Int
    /// 1...31
    public var day: Int
    public var hour: Int
    public var minute: Int
    /// 0...60 (60 is a leap second, RFC 5322 §3.3).
    public var second: Int
    /// Minutes east of UTC. `-0000` and zones of unknown meaning are 0 (RFC 5322 §3.3, §4.3).
    public var zoneMinutes: Int

    public init(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0,
                zoneMinutes: Int = 0) {
        self.year = year
        self.month = month
        self.day = day
        self.hour = hour
        self.minute = minute
        self.second = second
        self.zoneMinutes = zoneMinutes
    }

    /// Days from 1970-01-01 to the calendar date as written (in the field's own zone).
    public var daysSince1970: Int { CalendarDate.daysFromCivil(year: year, month: month, day: day) }

    /// The instant, in seconds since 1970-01-01T00:00:00Z.
    public var secondsSince1970: Int64 {
        let local = Int64(daysSince1970) * 86_400 + Int64(hour * 3600 + minute * 60 + second)
        return local - Int64(zoneMinutes * 60)
    }

    /// Parses the text of a `Date:` field (its unfolded value, comments allowed).
    public init?(parsing text: String) {
        guard let date = Self.parse(text.utf8) else { return nil }
        self = date
    }

    /// Parses a `date-time` (RFC 5322 §3.3) leniently, the way mail readers must take what
    /// senders write:
    ///
    /// - comments and folding white space anywhere (§3.2.2 `CFWS`); the day of the week is
    ///   optional and not checked against the date;
    /// - obsolete forms (§4.3): two-digit years (00–49 are 20xx, 50–99 are 19xx) and
    ///   three-digit years (+1900), the named zones `UT`, `GMT` and the North American ones,
    ///   military one-letter zones (taken as `-0000`, as §4.3 advises);
    /// - seconds may be missing (§3.3 allows it), a zone may be missing (taken as `-0000`);
    /// - month names in any case, abbreviated or in full; `-` or `/` between date parts;
    ///   the asctime order of C `ctime()` (`Tue Jan  2 10:00:00 2024`, also with a zone name
    ///   before the year as `date(1)` writes it);
    /// - a few well-known zone abbreviations (CET, CEST, EET, JST, ...) beyond RFC 822's;
    ///   others count as `-0000` (§4.3).
    ///
    /// Returns nil when no day, month and year can be found or a value is out of range.
    public static func parse(_ bytes: some Collection<UInt8>) -> MessageDate? {
        var tokens = DateTokenizer(Array(bytes)).tokens()[...]
        return DateInterpreter.interpret(&tokens)
    }
}

/// The pieces of a date-time text: words, numbers, times of day and numeric zones.
enum DateToken: Equatable {
    /// Letters, lower-cased.
    case word([UInt8])
    /// Digits: their value (capped) and how many there were.
    case number(Int, digits: Int)
    /// `hour ":" minute [":" second]` (RFC 5322 §3.3 `time-of-day`).
    case time(hour: Int, minute: Int, second: Int)
    /// `("+" / "-") 4DIGIT` (RFC 5322 §3.3 `zone`), in minutes east of UTC.
    case zone(Int)
}

/// Splits a date-time into tokens, dropping comments (RFC 5322 §3.2.2) and separators.
struct DateTokenizer {
    private let bytes: [UInt8]
    private var position = 0
    private var result: [DateToken] = []

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    consuming func tokens() -> [DateToken] {
        while position < bytes.count {
            let byte = bytes[position]
            if byte == ASCII.openParen {
                skipComment()
            } else if Self.isLetter(byte) {
                var word: [UInt8] = []
                while position < bytes.count, Self.isLetter(bytes[position]) {
                    word.append(ASCII.lowercased(bytes[position]))
                    position += 1
                }
                result.append(.word(word))
            } else if Self.isDigit(byte) {
                result.append(numberOrTime())
            } else if (byte == UInt8(ascii: "+") || byte == ASCII.dash), let zone = numericZone() {
                result.append(.zone(zone))
            } else {
                position += 1  // white space, ",", "-", "/", "." or stray bytes
            }
        }
        return result
    }

    /// A comment with nested comments and quoted pairs (RFC 5322 §3.2.2 `comment`); an
    /// unterminated one runs to the end.
    private mutating func skipComment() {
        var depth = 0
        while position < bytes.count {
            switch bytes[position] {
            case ASCII.backslash: position += 1
            case ASCII.openParen: depth += 1
            case ASCII.closeParen:
                depth -= 1
                if depth == 0 {
                    position += 1
                    return
                }
            default: break
            }
            position += 1
        }
    }

    private mutating func digits() -> (value: Int, count: Int) {
        var value = 0, count = 0
        while position < bytes.count, Self.isDigit(bytes[position]) {
            if count < 9 { value = value * 10 + Int(bytes[position] - 48) }
            count += 1
            position += 1
        }
        return (value, count)
    }

    /// A number, or a time of day when a colon and digits follow.
    private mutating func numberOrTime() -> DateToken {
        let first = digits()
        guard first.count <= 2, let minute = colonPart() else {
            return .number(first.value, digits: first.count)
        }
        let second = colonPart() ?? 0
        return .time(hour: first.value, minute: minute, second: second)
    }

    /// `":" 1*2DIGIT`, if present.
    private mutating func colonPart() -> Int? {
        guard position + 1 < bytes.count, bytes[position] == ASCII.colon,
              Self.isDigit(bytes[position + 1]) else { return nil }
        let start = position
        position += 1
        let part = digits()
        guard part.count <= 2 else {
            position = start
            return nil
        }
        return part.value
    }

    /// `("+" / "-") 4DIGIT`, leniently also `±HH`, `±HMM` and `±HH:MM`, but only after a time
    /// of day: before it a sign between digits is a date separator (`1-Jan-2024`).
    private mutating func numericZone() -> Int? {
        guard result.contains(where: { if case .time = $0 { return true } else { return false } }),
              position + 1 < bytes.count, Self.isDigit(bytes[position + 1]) else { return nil }
        let negative = bytes[position] == ASCII.dash
        let start = position
        position += 1
        let number = digits()
        var hours = number.value, minutes = 0
        switch number.count {
        case 1, 2:
            if let extra = colonPart() { minutes = extra }
        case 3, 4:
            hours = number.value / 100
            minutes = number.value % 100
        default:
            position = start
            return nil
        }
        guard minutes < 60, hours < 100 else {
            position = start
            return nil
        }
        let offset = hours * 60 + minutes
        return negative ? -offset : offset
    }

    private static func isLetter(_ byte: UInt8) -> Bool { (byte | 0x20) &- 97 < 26 }
    private static func isDigit(_ byte: UInt8) -> Bool { byte &- 48 < 10 }
}

/// Reads day, month, year, time and zone from the tokens, in RFC 5322 order or asctime order.
enum DateInterpreter {
    static func interpret(_ tokens: inout ArraySlice<DateToken>) -> MessageDate? {
        // `day-of-week` (or any other leading word that is not a month), §3.3 and §4.3.
        while case .word(let word)? = tokens.first, Self.month(named: word) == nil { tokens.removeFirst() }
        var day: Int, month: Int
        switch (tokens.popFirst(), tokens.first) {
        case (.number(let d, let digits)?, .word(let name)?) where digits <= 2:
            guard let m = Self.month(named: name) else { return nil }
            day = d
            month = m
            tokens.removeFirst()
        case (.word(let name)?, .number(let d, let digits)?) where digits <= 2:
            guard let m = Self.month(named: name) else { return nil }
            day = d
            month = m
            tokens.removeFirst()
        default:
            return nil
        }
        var year: Int?
        if case .number(let value, let digits)? = tokens.first {
            year = fullYear(value, digits: digits)
            tokens.removeFirst()
        }
        var time = (hour: 0, minute: 0, second: 0)
        if case .time(let h, let m, let s)? = tokens.first {
            time = (h, m, s)
            tokens.removeFirst()
        }
        var zone = 0
        switch tokens.first {
        case .zone(let minutes)?:
            zone = minutes
            tokens.removeFirst()
        case .word(let name)?:
            zone = zoneNames[name] ?? 0
            tokens.removeFirst()
        default:
            break
        }
        if year == nil, case .number(let value, let digits)? = tokens.first {
            year = fullYear(value, digits: digits)  // asctime: the year comes last
        }
        guard let year, (1...12).contains(month), day >= 1,
              day <= CalendarDate.monthLength(month, year: year),
              time.hour < 24, time.minute < 60, time.second <= 60 else { return nil }
        return MessageDate(year: year, month: month, day: day, hour: time.hour, minute: time.minute,
                           second: time.second, zoneMinutes: zone)
    }

    /// `year` (4 digits or more) and `obs-year` (RFC 5322 §4.3): 2 digits are 2000–2049 or
    /// 1950–1999, 3 digits are added to 1900.
    static func fullYear(_ value: Int, digits: Int) -> Int? {
        switch digits {
        case 1, 2: return value < 50 ? 2000 + value : 1900 + value
        case 3: return 1900 + value
        case 4...6: return value
        default: return nil
        }
    }

    private static let monthPrefixes: [[UInt8]] = ["jan", "feb", "mar", "apr", "may", "jun",
                                                   "jul", "aug", "sep", "oct", "nov", "dec"]
        .map { Array($0.utf8) }

    /// 1...12 for a month name: its first three letters, in any case ("Jan", "JANUARY", "Sept").
    static func month(named word: [UInt8]) -> Int? {
        guard word.count >= 3 else { return nil }
        let prefix = Array(word[..<3])
        return monthPrefixes.firstIndex(of: prefix).map { $0 + 1 }
    }

    /// Zone names (lower case) in minutes east of UTC: RFC 5322 §4.3 `obs-zone` and a few
    /// common abbreviations whose meaning is unambiguous. Military letters and unknown names
    /// are absent: they count as `-0000`.
    static let zoneNames: [[UInt8]: Int] = {
        let table: [String: Int] = [
            "ut": 0, "utc": 0, "gmt": 0, "z": 0,
            "est": -300, "edt": -240, "cst": -360, "cdt": -300,
            "mst": -420, "mdt": -360, "pst": -480, "pdt": -420,
            "wet": 0, "west": 60, "cet": 60, "cest": 120, "met": 60, "mest": 120,
            "eet": 120, "eest": 180, "msk": 180, "jst": 540, "kst": 540, "hst": -600,
            "akst": -540, "akdt": -480, "nzst": 720, "nzdt": 780,
        ]
        var result: [[UInt8]: Int] = [:]
        for (name, minutes) in table { result[Array(name.utf8)] = minutes }
        return result
    }()
}
