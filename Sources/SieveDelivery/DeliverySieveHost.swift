import Foundation
import Sieve

/// What a run may ask about the user's world (`SieveHost`), gathered before the run because a
/// run is synchronous and the store is not: the user's mailbox names (RFC 5490
/// `mailboxexists`), their other scripts (RFC 6609 `include :personal`) when the script uses
/// include, and the global script directory (`include :global`, read on demand).
///
/// Vacation tracking is not answered here: the filter claims the tracking record in the
/// `DeliveryLedger` after the run, atomically, which also covers two deliveries at once.
struct DeliverySieveHost: SieveHost {
    /// Names of the user's selectable mailboxes; INBOX in upper case.
    var mailboxNames: Set<String>
    var personalScripts: [String: [UInt8]]
    var globalDirectory: String?
    var maximumScriptSize: Int

    func mailboxExists(_ name: String) -> Bool {
        mailboxNames.contains(name.uppercased() == "INBOX" ? "INBOX" : name)
    }

    func includedScript(named name: String, location: IncludeLocation) -> [UInt8]? {
        switch location {
        case .personal:
            return personalScripts[name]
        case .global:
            guard let directory = globalDirectory, Self.isSafeScriptName(name) else { return nil }
            let path = directory + "/" + name + ".sieve"
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
                  let size = attributes[.size] as? NSNumber, size.intValue <= maximumScriptSize,
                  let data = FileManager.default.contents(atPath: path)
            else { return nil }
            return Array(data)
        }
    }

    /// A script name that stays inside its directory: no `/`, no leading dot, no controls
    /// (RFC 6609 §3.2 leaves names to the implementation; RFC 5804 §1.6 forbids controls).
    static func isSafeScriptName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 255 && !name.hasPrefix(".") && !name.contains("/")
            && !name.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }
    }
}
