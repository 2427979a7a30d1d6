import Foundation
public import Logging
public import MailStore
public import ServiceLifecycle

/// The background job that forgets the ghosts of expunged messages once no session can still
/// be unaware of their expunge, and with them the blobs nothing else references (RFC 2180
/// §4.1.1; see `MessageStore` and `Housekeeping`), and the expired records of the delivery
/// ledger (`DeliveryLedger`).
///
/// Retention is kept by the store, by the time of each expunge, not by in-process bookkeeping
/// of which sessions were told: a store shared by several nodes cannot know that, and every
/// node may run this job (a purge is idempotent). A session is told of an expunge at its next
/// command other than FETCH, STORE and SEARCH (RFC 3501 §7.4.1), at once in IDLE, and is
/// logged out after `idleTimeoutSeconds` of silence (§5.4); the retention
/// (`ServerConfiguration.expungedRetentionSeconds`) is longer than that.
///
/// A `Service` (swift-service-lifecycle): one pass when it starts (the store was just
/// opened, and may hold ghosts of a previous run), then one per interval, until graceful
/// shutdown.
public struct GhostPurger: Service {
    let housekeeping: any Housekeeping
    /// How long a ghost is kept after its expunge.
    let retentionSeconds: Double
    /// Time between passes: a ghost lives at most retention plus this.
    let intervalSeconds: Double
    let logger: Logger

    public init(housekeeping: any Housekeeping, retentionSeconds: Double, logger: Logger) {
        self.housekeeping = housekeeping
        self.retentionSeconds = retentionSeconds
        intervalSeconds = Self.interval(forRetention: retentionSeconds)
        self.logger = logger
    }

    /// A quarter of the retention, between one second and five minutes.
    static func interval(forRetention retention: Double) -> Double {
        min(300, max(1, retention / 4))
    }

    public func run() async {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await self.purge(now: Int64(Date().timeIntervalSince1970))
                try? await Task.sleep(for: .seconds(self.intervalSeconds))
            }
        }
    }

    /// One pass: forgets the ghosts expunged more than the retention before `now` (seconds
    /// since 1970). A failure is logged and retried at the next pass.
    @discardableResult
    func purge(now: Int64) async -> Int {
        let cutoff = now - Int64(retentionSeconds.rounded(.up))
        do {
            let purged = try await housekeeping.purgeGhosts(expungedBefore: cutoff)
            if purged > 0 { logger.debug("Purged ghosts of expunged messages", metadata: ["count": "\(purged)"]) }
            await purgeLedger(now: now)
            return purged
        } catch {
            logger.error("Purging ghosts of expunged messages failed", metadata: ["error": "\(error)"])
            await purgeLedger(now: now)
            return 0
        }
    }

    /// Forgets expired delivery records (duplicates, vacation replies; `DeliveryLedger`), on
    /// the same schedule.
    private func purgeLedger(now: Int64) async {
        do {
            let purged = try await housekeeping.purgeExpiredLedgerRecords(now: now)
            if purged > 0 { logger.debug("Purged expired delivery records", metadata: ["count": "\(purged)"]) }
        } catch {
            logger.error("Purging expired delivery records failed", metadata: ["error": "\(error)"])
        }
    }
}
