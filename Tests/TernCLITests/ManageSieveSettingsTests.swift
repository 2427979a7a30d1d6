import Foundation
import Testing
@testable import TernCLI

/// `[managesieve]` (README "Configuration"): off by default, one address or a list, the
/// quotas, and the script size limit shared with the Sieve compiler.
@Suite("Settings file: [managesieve]")
struct ManageSieveSettingsTests {
    private func load(_ text: String) throws -> Settings { try loadSettings(text) }

    @Test("off unless listen is set")
    func offByDefault() throws {
        let settings = try load("")
        #expect(settings.manageSieve.listen.isEmpty)
        #expect(settings.manageSieve.maxScripts == 64 && settings.manageSieve.maxScriptSize == 1 << 20)
    }

    @Test("listen as a list or one address; quotas; the compiler's size limit follows")
    func values() throws {
        let list = try load("[managesieve]\nlisten = [\"127.0.0.1:4190\", \"[::1]:4190\"]\nmax_scripts = 5\nmax_script_size = 2000\n")
        #expect(list.manageSieve.listen.map(\.host) == ["127.0.0.1", "::1"])
        #expect(list.manageSieve.listen.map(\.port) == [4190, 4190])
        #expect(list.manageSieve.maxScripts == 5 && list.manageSieve.maxScriptSize == 2000)
        #expect(list.manageSieve.sieveLimits.maximumScriptSize == 2000)
        let one = try load("[managesieve]\nlisten = \"0.0.0.0:4190\"\n")
        #expect(one.manageSieve.listen.map(\.host) == ["0.0.0.0"])
    }

    @Test("mistakes are refused, naming the key")
    func refusals() {
        func refusal(_ text: String) -> String {
            do { _ = try load(text); return "accepted" } catch { return "\(error)" }
        }
        #expect(refusal("[managesieve]\nport = 4190").contains("unknown setting managesieve.port"))
        #expect(refusal("[managesieve]\nlisten = 4190").contains("managesieve.listen must be a string or a list"))
        #expect(refusal("[managesieve]\nlisten = [\"nowhere\"]").contains("managesieve.listen must be HOST:PORT"))
        #expect(refusal("[managesieve]\nmax_scripts = 0").contains("managesieve.max_scripts must be a positive integer"))
    }
}
