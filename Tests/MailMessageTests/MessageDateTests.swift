import MailMessage
import Testing

@Suite("RFC 5322 dates (§3.3 date-time, §4.3 obsolete forms)")
struct MessageDateTests {
    private func parse(_ text: String) -> MessageDate? { MessageDate(parsing: text) }

    @Test("The standard form with day of week, seconds and a numeric zone")
    func standard() throws {
        let date = try #require(parse("Tue, 2 Jan 2024 10:11:12 -0500"))
        #expect(date == MessageDate(year: 2024, month: 1, day: 2, hour: 10, minute: 11, second: 12,
                                    zoneMinutes: -300))
        #expect(date.secondsSince1970 == 1_704_208_272)
        #expect(date.daysSince1970 == 19_724)
    }

    @Test("Day of week and seconds are optional; a two-digit day is fine")
    func optionalParts() {
        #expect(parse("02 Jan 2024 10:11 +0100") ==
                MessageDate(year: 2024, month: 1, day: 2, hour: 10, minute: 11, zoneMinutes: 60))
        #expect(parse("31 Dec 1999 23:59:60 +0000")?.second == 60)
    }

    @Test("Comments and folding white space anywhere (§3.2.2)")
    func comments() {
        let expected = MessageDate(year: 2023, month: 7, day: 14, hour: 9, minute: 5, second: 0,
                                   zoneMinutes: 120)
        #expect(parse("Fri, 14 Jul 2023 09:05:00 +0200 (CEST)") == expected)
        #expect(parse("(sent (nested) \\) early) Fri,\r\n 14  Jul\t2023 09:05:00 (x) +0200") == expected)
        #expect(parse("Fri , 14 Jul 2023 09:05:00 +0200 (unterminated") == expected)
    }

    @Test("Two- and three-digit years (§4.3 obs-year)", arguments: [
        ("1 Feb 49 00:00 +0000", 2049), ("1 Feb 50 00:00 +0000", 1950), ("1 Feb 99 00:00 +0000", 1999),
        ("1 Feb 00 00:00 +0000", 2000), ("1 Feb 103 00:00 +0000", 2003), ("1 Feb 2049 00:00 +0000", 2049),
    ])
    func obsoleteYears(text: String, year: Int) {
        #expect(parse(text)?.year == year)
    }

    @Test("Named zones (§4.3 obs-zone) and common abbreviations", arguments: [
        ("UT", 0), ("GMT", 0), ("UTC", 0), ("EST", -300), ("EDT", -240), ("CST", -360), ("CDT", -300),
        ("MST", -420), ("MDT", -360), ("PST", -480), ("PDT", -420), ("CET", 60), ("cest", 120),
        ("JST", 540), ("A", 0), ("Y", 0), ("Z", 0), ("XYZT", 0),
    ])
    func namedZones(name: String, minutes: Int) {
        #expect(parse("Mon, 1 Jan 2024 12:00:00 \(name)")?.zoneMinutes == minutes)
    }

    @Test("Numeric zone variants and a missing zone")
    func numericZones() {
        #expect(parse("1 Jan 2024 12:00:00 +0530")?.zoneMinutes == 330)
        #expect(parse("1 Jan 2024 12:00:00 -0000")?.zoneMinutes == 0)
        #expect(parse("1 Jan 2024 12:00:00 +05:45")?.zoneMinutes == 345)
        #expect(parse("1 Jan 2024 12:00:00 -930")?.zoneMinutes == -570)
        #expect(parse("1 Jan 2024 12:00:00 +01")?.zoneMinutes == 60)
        #expect(parse("1 Jan 2024 12:00:00")?.zoneMinutes == 0)
        #expect(parse("1 Jan 2024")  == MessageDate(year: 2024, month: 1, day: 1))
    }

    @Test("Month names in any case, in full, and with dashes or slashes between parts")
    func monthsAndSeparators() {
        let expected = MessageDate(year: 2022, month: 9, day: 3, hour: 8, minute: 0, zoneMinutes: 0)
        #expect(parse("Sat, 3 SEP 2022 08:00:00 +0000") == expected)
        #expect(parse("Saturday, 3 September 2022 08:00:00 GMT") == expected)
        #expect(parse("3-Sep-2022 08:00:00 +0000") == expected)
        #expect(parse("3/Sept/2022 08:00:00 +0000") == expected)
    }

    @Test("asctime and date(1) orders")
    func asctime() {
        let expected = MessageDate(year: 2024, month: 1, day: 2, hour: 10, minute: 0, second: 0)
        #expect(parse("Tue Jan  2 10:00:00 2024") == expected)
        #expect(parse("Tue Jan 2 10:00:00 UTC 2024") == expected)
    }

    @Test("The date is kept as written, in its own zone, at the day's edges")
    func dayEdges() throws {
        let late = try #require(parse("Sun, 31 Dec 2023 23:30:00 -0800"))
        #expect(late.day == 31 && late.month == 12 && late.year == 2023)
        // The same instant is 1 Jan 2024 in UTC; the date as written is still 31 Dec.
        #expect(late.secondsSince1970 == 1_704_094_200)
        let early = try #require(parse("Mon, 1 Jan 2024 00:15:00 +1400"))
        #expect(early.daysSince1970 == late.daysSince1970 + 1)
        #expect(early.secondsSince1970 < late.secondsSince1970)
    }

    @Test("Leap days exist only in leap years")
    func leapDays() {
        #expect(parse("29 Feb 2024 00:00 +0000") != nil)
        #expect(parse("29 Feb 2000 00:00 +0000") != nil)
        #expect(parse("29 Feb 2023 00:00 +0000") == nil)
        #expect(parse("29 Feb 1900 00:00 +0000") == nil)
    }

    @Test("Garbage and out-of-range values are rejected", arguments: [
        "", "yesterday", "Mon, 1 Foo 2024 10:00:00 +0000", "32 Jan 2024 10:00 +0000",
        "0 Jan 2024 10:00 +0000", "1 Jan 10:00:00 +0000", "1 Jan 2024 24:00:00 +0000",
        "1 Jan 2024 10:60:00 +0000", "2024-01-02T10:00:00Z", "1 Jan 1234567890",
    ])
    func rejected(text: String) {
        #expect(parse(text) == nil)
    }

    @Test("Arbitrary bytes never trap")
    func robustness() {
        var seed: UInt64 = 0x9E37_79B9_7F4A_7C15
        let alphabet = Array("0123456789 :+-()\\,JanFebDecGMTabc\r\n\t\u{7}".utf8) + [0xFF, 0x00]
        for _ in 0..<2000 {
            var bytes: [UInt8] = []
            for _ in 0..<Int(seed % 40) {
                seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                bytes.append(alphabet[Int(seed >> 33) % alphabet.count])
            }
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            _ = MessageDate.parse(bytes)
        }
    }
}
