import Logging
import ServiceLifecycle
import SQLiteMailStore

/// The service of `tern serve` that tells sessions of changes other processes made to the
/// data directory (`tern import`, `tern deliver`): see `SQLiteMailStore.watchExternalChanges`.
struct ExternalChangeWatcher: Service {
    let store: SQLiteMailStore
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            do {
                try await store.watchExternalChanges(every: .seconds(1))
            } catch is CancellationError {
                return
            } catch {
                logger.error("watching the store for other processes' changes stopped", metadata: ["error": "\(error)"])
            }
        }
    }
}
