import Foundation
import SieveDelivery
import Testing
@testable import TernCLI

/// `[sieve]` (README "Sieve at delivery"): every key lands in `SieveDeliveryConfiguration`,
/// mistakes are refused naming the key.
@Suite("Sieve settings")
struct SieveSettingsTests {
    private func load(_ text: String) throws -> Settings { try loadSettings(text) }

    @Test func everyKeyIsRead() throws {
        let settings = try load("""
            [sieve]
            relay = "127.0.0.1:2525"
            global_dir = "/etc/tern/sieve"
            max_script_size = 2000
            max_actions = 5
            max_redirects = 2
            max_steps = 1000
            max_include_depth = 2
            vacation_min_period = 3600
            vacation_max_period = 86400
            max_redirect_hops = 3
            max_message_size_for_body = 100000
            body_prefix_size = 5000
            relay_timeout = 5
            disabled_extensions = ["vacation", "include"]
            """)
        let sieve = settings.sieve
        #expect(sieve.relay?.host == "127.0.0.1" && sieve.relay?.port == 2525 && sieve.relay?.replyTimeoutSeconds == 5)
        #expect(sieve.globalScriptDirectory == "/etc/tern/sieve")
        #expect(sieve.limits.maximumScriptSize == 2000 && sieve.limits.maximumActions == 5)
        #expect(sieve.limits.maximumRedirects == 2 && sieve.limits.maximumSteps == 1000)
        #expect(sieve.limits.maximumIncludeDepth == 2)
        #expect(sieve.limits.vacationMinimumPeriod == 3600 && sieve.limits.vacationMaximumPeriod == 86400)
        #expect(sieve.maximumRedirectHops == 3 && sieve.maximumWholeMessageSize == 100_000 && sieve.bodyPrefixSize == 5000)
        #expect(!sieve.extensions.contains(.vacation) && !sieve.extensions.contains(.include))
        #expect(sieve.extensions.contains(.fileinto))
    }

    @Test func defaultsHaveNoRelay() throws {
        #expect(try load("").sieve.relay == nil)
    }

    @Test func mistakesAreRefused() {
        for (text, message) in [
            ("[sieve]\nrelay = \"nowhere\"", "sieve.relay"),
            ("[sieve]\nmax_actions = 0", "sieve.max_actions"),
            ("[sieve]\ndisabled_extensions = [\"teleport\"]", "teleport"),
            ("[sieve]\ndisabled_extensions = \"vacation\"", "list of strings"),
            ("[sieve]\nvacation_min_period = 100\nvacation_max_period = 10", "vacation_min_period"),
            ("[sieve]\nrelays = \"x:1\"", "unknown setting sieve.relays"),
        ] {
            #expect(throws: (any Error).self) { try load(text) }
            do { _ = try load(text) } catch { #expect("\(error)".contains(message), "\(error)") }
        }
    }
}
