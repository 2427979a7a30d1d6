import Foundation
import MailStore
import Testing
@testable import TernCLI

/// `[quota]` (README "Quotas") and the sizes `tern quota set` takes.
@Suite("Settings file: [quota]")
struct QuotaSettingsTests {
    private func load(_ text: String) throws -> Settings { try loadSettings(text) }

    @Test("no section: no limits, full mailboxes bounce")
    func defaults() throws {
        let settings = try load("")
        #expect(settings.quota == QuotaSettings())
        #expect(settings.quota.defaultLimits == .unlimited)
        #expect(!settings.lmtp.deliveryConfiguration(imapMaxMessageSize: 1).quotaFullTempfail)
    }

    @Test("sizes with units, counts, unlimited, full_tempfail reaching delivery")
    func values() throws {
        let settings = try load("[quota]\nstorage = \"1G\"\nmessages = 100000\nmailboxes = \"500\"\nfull_tempfail = true\n")
        #expect(settings.quota.defaultLimits == QuotaLimits(storage: 1 << 30, messages: 100_000, mailboxes: 500))
        #expect(settings.lmtp.deliveryConfiguration(imapMaxMessageSize: 1).quotaFullTempfail)
        let bytes = try load("[quota]\nstorage = 5000\nmessages = \"unlimited\"\n")
        #expect(bytes.quota.defaultLimits == QuotaLimits(storage: 5000))
    }

    @Test("mistakes are refused, naming the key")
    func refusals() {
        func refusal(_ text: String) -> String {
            do { _ = try load(text); return "accepted" } catch { return "\(error)" }
        }
        #expect(refusal("[quota]\nstorag = \"1G\"").contains("unknown setting quota.storag"))
        #expect(refusal("[quota]\nstorage = \"1Q\"").contains("quota.storage"))
        #expect(refusal("[quota]\nstorage = -5").contains("quota.storage"))
        #expect(refusal("[quota]\nmessages = \"1K\"").contains("quota.messages"))
        #expect(refusal("[quota]\nmailboxes = 1.5").contains("quota.mailboxes"))
        #expect(refusal("[quota]\nfull_tempfail = \"yes\"").contains("quota.full_tempfail must be true or false"))
        #expect(refusal("quota = 5").contains("[quota] must be a table"))
    }

    @Test("sizes: bytes, binary units with optional B/iB, unlimited; errors")
    func sizes() throws {
        #expect(try QuotaAmounts.size("1234") == 1234)
        #expect(try QuotaAmounts.size("512K") == 512 * 1024)
        #expect(try QuotaAmounts.size("512kb") == 512 * 1024)
        #expect(try QuotaAmounts.size("2G") == 2 << 30)
        #expect(try QuotaAmounts.size("2GiB") == 2 << 30)
        #expect(try QuotaAmounts.size("1T") == 1 << 40)
        #expect(try QuotaAmounts.size("7B") == 7)
        #expect(try QuotaAmounts.size("0") == 0)
        #expect(try QuotaAmounts.size("unlimited") == nil)
        #expect(try QuotaAmounts.size("NONE") == nil)
        for bad in ["", "G", "1.5G", "-1", "1 G G", "2X", "99999999999T", "١٢"] {
            #expect(throws: QuotaAmounts.Invalid.self, "\(bad)") { try QuotaAmounts.size(bad) }
        }
        #expect(try QuotaAmounts.count("100000") == 100_000)
        #expect(throws: QuotaAmounts.Invalid.self) { try QuotaAmounts.count("10K") }
        #expect(QuotaAmounts.describe(octets: 2 << 30) == "2 GiB (2147483648 bytes)")
        #expect(QuotaAmounts.describe(octets: 1536) == "1.5 KiB (1536 bytes)")
        #expect(QuotaAmounts.describe(octets: 10) == "10 bytes")
    }
}
