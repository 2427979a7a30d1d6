import ConnectionGuards
import NIOCore

/// The deadlines of an IMAP connection (the shared `DeadlineGuard`):
///
/// - **Login** (`preauth_timeout`): a connection must authenticate within this much time of
///   opening, however busy it keeps the server (RFC 9051 §5.4 lets a server log out idle
///   clients; a slowloris client is never idle). The session stops the deadline when it has
///   logged in (`DeadlineControl.stop`).
/// - **Stalled output** (`write_timeout`): while the connection cannot take more output, the
///   timer runs; when it fires the connection is closed. What one connection may have queued
///   is bounded by the write-buffer water marks and the session's flush threshold.
typealias ConnectionGuard = DeadlineGuard<ConnectionInput>

extension DeadlineGuard where Input == ConnectionInput {
    convenience init(loginTimeout: TimeAmount, writeTimeout: TimeAmount) {
        self.init(deadline: loginTimeout, farewell: "* BYE Login time is over\r\n", writeTimeout: writeTimeout)
    }
}
