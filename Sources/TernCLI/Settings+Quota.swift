import Foundation
import MailStore
import TOMLKit

/// The `[quota]` settings (RFC 9208 quotas; see the README's "Quotas"):
///
/// ```toml
/// [quota]
/// storage = "1G"          # default limit of new accounts: octets, or with B, K, M, G, T (powers of 1024)
/// messages = 100000       # default message limit of new accounts
/// mailboxes = 500         # default mailbox limit of new accounts (INBOX and the standard ones count)
/// full_tempfail = false   # LMTP: a full mailbox gets 452 4.2.2 (try later) instead of 552 5.2.2
/// ```
/// A limit left out, or `"unlimited"`, is no limit. `tern quota set` changes one account's.
struct QuotaSettings: Equatable {
    /// What `tern user add` (and the first run) give a new account.
    var defaultLimits = QuotaLimits.unlimited
    /// As Dovecot's `quota_full_tempfail`: whether LMTP answers a delivery to a full mailbox
    /// with a temporary failure (the MTA keeps the message and retries) rather than bouncing it.
    var fullTempfail = false
}

extension Settings {
    mutating func applyQuota(_ section: TableReader) throws {
        try section.checkKeys(["storage", "messages", "mailboxes", "full_tempfail"])
        quota.defaultLimits.storage = try section.quotaAmount("storage", parse: QuotaAmounts.size)
        quota.defaultLimits.messages = try section.quotaAmount("messages", parse: QuotaAmounts.count)
        quota.defaultLimits.mailboxes = try section.quotaAmount("mailboxes", parse: QuotaAmounts.count)
        if let value = section.table["full_tempfail"] {
            guard let flag = value.bool else {
                throw SettingsError("\(section.file): quota.full_tempfail must be true or false")
            }
            quota.fullTempfail = flag
        }
        lmtp.quotaFullTempfail = quota.fullTempfail
    }
}

extension TableReader {
    /// A quota limit: an integer, or a string `parse` reads; nil when absent or unlimited.
    fileprivate func quotaAmount(_ key: String, parse: (String) throws(QuotaAmounts.Invalid) -> UInt64?) throws -> UInt64? {
        guard let value = table[key] else { return nil }
        let text: String
        if let int = value.int { text = String(int) } else if let string = value.string { text = string } else {
            throw SettingsError("\(file): quota.\(key) must be a number or a string such as \"1G\" or \"unlimited\"")
        }
        do {
            return try parse(text)
        } catch {
            throw SettingsError("\(file): quota.\(key): \(error.description)")
        }
    }
}

/// How an administrator writes quota limits (`[quota]`, `tern quota set`): pure parsing.
enum QuotaAmounts {
    struct Invalid: Error, CustomStringConvertible {
        var description: String
    }

    /// A storage limit in octets: digits with an optional unit B, K, M, G or T (powers of 1024,
    /// an optional trailing "B" or "iB": "2G", "2GB", "2GiB", "512K"); `unlimited` or `none`
    /// is nil.
    static func size(_ text: String) throws(Invalid) -> UInt64? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if isUnlimited(trimmed) { return nil }
        let digits = trimmed.prefix(while: \.isASCII).prefix(while: \.isNumber)
        var unit = trimmed.dropFirst(digits.count).uppercased()
        guard let number = UInt64(digits) else {
            throw Invalid(description: "\"\(text)\" is not a size such as 1073741824, \"512M\" or \"2G\"")
        }
        if unit.hasSuffix("IB") { unit.removeLast(2) } else if unit.count == 2, unit.hasSuffix("B") { unit.removeLast() }
        let shifts: [String: UInt64] = ["": 0, "B": 0, "K": 10, "M": 20, "G": 30, "T": 40]
        guard let shift = shifts[unit] else {
            throw Invalid(description: "\"\(text)\": the unit must be B, K, M, G or T")
        }
        let (value, overflow) = number.multipliedReportingOverflow(by: 1 << shift)
        guard !overflow, value <= UInt64(Int64.max) else { throw Invalid(description: "\"\(text)\" is too large") }
        return value
    }

    /// A count limit: digits; `unlimited` or `none` is nil.
    static func count(_ text: String) throws(Invalid) -> UInt64? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if isUnlimited(trimmed) { return nil }
        guard trimmed.allSatisfy({ $0.isASCII && $0.isNumber }), let value = UInt64(trimmed), value <= UInt64(Int64.max)
        else { throw Invalid(description: "\"\(text)\" is not a number (or \"unlimited\")") }
        return value
    }

    private static func isUnlimited(_ text: String) -> Bool {
        ["unlimited", "none"].contains(text.lowercased())
    }

    /// Octets as an administrator reads them: "2 GiB (2147483648 bytes)".
    static func describe(octets: UInt64) -> String {
        let units = [(40, "TiB"), (30, "GiB"), (20, "MiB"), (10, "KiB")]
        for (shift, name) in units where octets >= 1 << shift {
            let whole = octets >> shift
            let exact = whole << shift == octets
            let value = exact ? "\(whole)" : String(format: "%.1f", Double(octets) / Double(UInt64(1) << shift))
            return "\(value) \(name) (\(octets) bytes)"
        }
        return "\(octets) bytes"
    }
}
