import Foundation
import IMAPServer
import Testing
@testable import TernCLI

/// `[namespaces]` (README "Sharing"): the prefixes of the other users' and shared namespaces.
@Suite("Settings file: [namespaces]")
struct NamespaceSettingsTests {
    @Test("defaults, and prefixes of one level")
    func values() throws {
        #expect(try loadSettings("").server.namespaces == NamespacePrefixes(otherUsers: "Other Users", shared: "Shared"))
        let settings = try loadSettings("[namespaces]\nother_users = \"Users\"\nshared = \"Public Folders\"\n")
        #expect(settings.server.namespaces == NamespacePrefixes(otherUsers: "Users", shared: "Public Folders"))
    }

    @Test("mistakes are refused, naming the section")
    func refusals() {
        func refusal(_ text: String) -> String {
            do { _ = try loadSettings(text); return "accepted" } catch { return "\(error)" }
        }
        #expect(refusal("[namespaces]\nother = \"x\"").contains("unknown setting namespaces.other"))
        #expect(refusal("[namespaces]\nshared = \"a/b\"").contains("namespaces prefixes"))
        #expect(refusal("[namespaces]\nshared = \"\"").contains("namespaces prefixes"))
        #expect(refusal("[namespaces]\nshared = \"inbox\"").contains("namespaces prefixes"))
        #expect(refusal("[namespaces]\nshared = \"Users\"\nother_users = \"Users\"").contains("must differ"))
    }
}

/// What `tern acl` reads from its arguments (RFC 4314 §2, §3.1).
@Suite("tern acl arguments")
struct AccessArgumentsTests {
    @Test("identifiers: users canonical, anyone, authenticated, negative")
    func identifiers() throws {
        #expect(try AccessArguments.identifier("Bob") == (.user("bob"), false))
        #expect(try AccessArguments.identifier("-anyone") == (.anyone, true))
        #expect(try AccessArguments.identifier("authenticated") == (.authenticated, false))
        #expect(throws: (any Error).self) { try AccessArguments.identifier("-") }
    }

    @Test("rights: replace, add, remove; unknown letters refused")
    func rights() throws {
        #expect(try AccessArguments.change("+ite").mode == .add)
        #expect(try AccessArguments.change("lr").rights == [.lookup, .read])
        #expect(throws: (any Error).self) { try AccessArguments.change("lrq") }
    }
}
