import MailCore

/// The trace fields a final delivery puts on top of a message (RFC 5321 §4.4): they are
/// written into the upload before the first byte of the message, so the body is never copied.
enum TraceHeaders {
    /// `Return-Path:` (always), `Delivered-To:` (only with a single recipient, so that one
    /// recipient's copy does not name the others, as Dovecot and Postfix do) and `Received:`.
    static func render(envelope: DeliveryEnvelope, recipients: [DeliveryRecipient], hostName: String,
                       protocolName: String, date: ZonedDateTime) -> [UInt8] {
        var text = "Return-Path: <\(clean(envelope.sender))>\r\n"
        let single = recipients.count == 1 ? recipients.first : nil
        if let single { text += "Delivered-To: \(clean(single.address))\r\n" }
        // RFC 5321 §4.4: Received: from <helo> (<TCP-info>) by <host> with <protocol> [for <path>]; date
        var from = clean(envelope.heloName ?? "unknown")
        if from.isEmpty { from = "unknown" }
        let peer = envelope.remoteAddress.map { "[\(clean($0))]" } ?? "local"
        text += "Received: from \(from) (\(peer))\r\n\tby \(clean(hostName)) (Tern) with \(protocolName)"
        if let single { text += "\r\n\tfor <\(clean(single.address))>" }
        text += "; \(rfc5322Date(date))\r\n"
        return Array(text.utf8)
    }

    /// The value without controls (a header line must not be broken by what a client sent).
    private static func clean(_ text: String) -> String {
        String(text.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7f }.map(Character.init))
    }

    /// `date-time` of RFC 5322 §3.3: `Fri, 01 Jan 2027 12:00:00 +0000`.
    static func rfc5322Date(_ date: ZonedDateTime) -> String {
        let weekdays = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"]  // 1970-01-01 was a Thursday
        let days = date.date.daysSince1970
        let weekday = weekdays[((days % 7) + 7) % 7]
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let zone = abs(date.zoneMinutes)
        let sign = date.zoneMinutes < 0 ? "-" : "+"
        return "\(weekday), \(two(date.date.day)) \(CalendarDate.monthNames[date.date.month - 1]) \(date.date.year) "
            + "\(two(date.hour)):\(two(date.minute)):\(two(date.second)) \(sign)\(two(zone / 60))\(two(zone % 60))"
    }
}
