import MailCore
import Logging

extension Session {
    /// Logs a line the client can cause, within the connection's `LogBudget`; client values in
    /// `metadata` must already be `LoggedText`. The first line after some were left out says
    /// how many (`suppressed`).
    func logClientEvent(_ level: Logger.Level, _ message: Logger.Message, metadata: Logger.Metadata = [:]) {
        guard logBudget.allow() else { return }
        var metadata = metadata
        if logBudget.suppressed > 0 {
            metadata["suppressed"] = "\(logBudget.suppressed)"
            logBudget.reportedSuppressed()
        }
        logger.log(level: level, message, metadata: metadata)
    }
}
