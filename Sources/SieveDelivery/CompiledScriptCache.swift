import Crypto
import MailCore
import Sieve
import Synchronization

/// Compiled scripts by user and content (SHA-256), so that a script is compiled once, not
/// once per delivery; a script that fails to compile is remembered with its error. Bounded:
/// beyond `capacity` entries the least recently used goes. An upload through ManageSieve
/// changes the content, hence the key: nothing needs invalidating.
final class CompiledScriptCache: Sendable {
    typealias Compiled = Result<SieveScript, SieveError>

    private struct Entry {
        var compiled: Compiled
        var lastUse: UInt64
    }

    private struct State {
        var entries: [String: Entry] = [:]
        var clock: UInt64 = 0
    }

    private let capacity: Int
    private let state = Mutex(State())

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    static func key(user: UserID, content: [UInt8]) -> String {
        let digest = SHA256.hash(data: content).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
        return "\(user):\(digest)"
    }

    /// The compiled script for this content, compiling it with `compile` on a miss.
    func script(user: UserID, content: [UInt8], compile: (_ content: [UInt8]) -> Compiled) -> Compiled {
        let key = Self.key(user: user, content: content)
        if let hit = state.withLock({ state -> Compiled? in
            guard var entry = state.entries[key] else { return nil }
            state.clock += 1
            entry.lastUse = state.clock
            state.entries[key] = entry
            return entry.compiled
        }) {
            return hit
        }
        let compiled = compile(content)
        state.withLock { state in
            state.clock += 1
            state.entries[key] = Entry(compiled: compiled, lastUse: state.clock)
            if state.entries.count > capacity,
               let oldest = state.entries.min(by: { $0.value.lastUse < $1.value.lastUse })?.key {
                state.entries[oldest] = nil
            }
        }
        return compiled
    }

    var count: Int { state.withLock { $0.entries.count } }
}
