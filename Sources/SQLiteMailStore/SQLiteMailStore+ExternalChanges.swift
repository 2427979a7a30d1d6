import GRDB
import MailCore
import MailStore

extension SQLiteMailStore {
    /// Watches for changes that other processes commit to the same data directory
    /// (`tern import`, `tern deliver`) and posts each observed mailbox whose HIGHESTMODSEQ or
    /// UIDNEXT moved, so that sessions learn of them as of their own process's changes
    /// (at once in IDLE, RFC 2177). Runs until cancelled, looking every `interval`.
    ///
    /// A dedicated connection's `PRAGMA data_version` tells whether anyone committed since the
    /// last look, so an idle store costs one pragma per interval. A change made in this process
    /// may be posted a second time, which costs a session one empty catch-up.
    public func watchExternalChanges(every interval: Duration) async throws {
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(10)
        let connection = try DatabaseQueue(path: directory + "/tern.sqlite", configuration: configuration)
        defer { try? connection.close() }
        var lastVersion: Int64?
        var seen: [Int64: [Int64]] = [:]
        while true {
            try await Task.sleep(for: interval)
            let observed = notifications.observedMailboxes.map(\.rawValue)
            let previous = lastVersion
            // A mailbox observed since the last look needs its counters read once, as the
            // baseline its next change is told from.
            let newlyObserved = observed.contains { seen[$0] == nil }
            let (version, rows): (Int64?, [Int64: [Int64]]) = try await connection.read { db in
                let version = try Int64.fetchOne(db, sql: "PRAGMA data_version")
                guard version != previous || newlyObserved, !observed.isEmpty else { return (version, [:]) }
                var rows: [Int64: [Int64]] = [:]
                for start in stride(from: 0, to: observed.count, by: 500) {
                    let chunk = Array(observed[start..<min(start + 500, observed.count)])
                    let marks = Array(repeating: "?", count: chunk.count).joined(separator: ",")
                    for row in try Row.fetchAll(db, sql: "SELECT id, highest_modseq, uidnext FROM mailboxes WHERE id IN (\(marks))",
                                                arguments: StatementArguments(chunk)) {
                        rows[row[0]] = [row[1], row[2]]
                    }
                }
                return (version, rows)
            }
            let changed = version != lastVersion || newlyObserved
            lastVersion = version
            guard changed, !observed.isEmpty else { continue }
            for (id, counters) in rows {
                if let before = seen[id], before != counters { notifications.post(MailboxID(rawValue: id)) }
                seen[id] = counters
            }
            seen = seen.filter { rows[$0.key] != nil }
        }
    }
}
