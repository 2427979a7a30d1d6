import Foundation
import IMAPServer
import Testing
@testable import TernCLI

/// `[notify]` (RFC 5465 §3.1, §5.8): defaults, values, refusals.
@Suite("Settings file: [notify]")
struct NotifySettingsTests {
    @Test("defaults, and each key sets its limit")
    func values() throws {
        let defaults = try loadSettings("").server
        #expect(defaults.notifyMaxMailboxes == 1000 && defaults.notifyMaxPendingEvents == 5000)
        let settings = try loadSettings("[notify]\nmax_mailboxes = 3\nmax_pending_events = 7\n").server
        #expect(settings.notifyMaxMailboxes == 3 && settings.notifyMaxPendingEvents == 7)
    }

    @Test("refusals name the key", arguments: [
        ("[notify]\nmax_mailboxes = 0\n", "notify.max_mailboxes must be a positive integer"),
        ("[notify]\nmax_events = 3\n", "unknown setting notify.max_events"),
    ])
    func refusals(text: String, message: String) {
        do {
            _ = try loadSettings(text)
            Issue.record("accepted: \(text)")
        } catch {
            #expect("\(error)".contains(message), "\(error)")
        }
    }
}
