package import ConnectionGuards
package import NIOCore

/// The deadlines of an IMAP (or ManageSieve) connection, the shared `DeadlineGuard`:
///
/// - **Login** (`preauth_timeout`): a connection must authenticate within this much time of
///   opening, however busy it keeps the server (RFC 9051 §5.4 lets a server log out idle
///   clients; a slowloris client is never idle). The session says when it has logged in
///   (`ConnectionGuard.Authenticated`, which stops the deadline).
/// - **Stalled output** (`write_timeout`): while the connection cannot take more output, the
///   timer runs; when it fires the connection is closed. What one connection may have queued
///   is bounded by the write-buffer water marks and the session's flush threshold.
package typealias ConnectionGuard = DeadlineGuard<ConnectionInput>

extension DeadlineGuard where Input == ConnectionInput {
    /// The outbound user event by which the session says it has authenticated.
    package typealias Authenticated = LoginCompleted

    /// - Parameter farewell: the protocol's goodbye line, CRLF included (IMAP's untagged BYE
    ///   by default; ManageSieve's `BYE`, RFC 5804 §1.2).
    package convenience init(loginTimeout: TimeAmount, writeTimeout: TimeAmount,
                             farewell: String = "* BYE Login time is over\r\n") {
        self.init(deadline: loginTimeout, farewell: farewell, writeTimeout: writeTimeout)
    }
}

/// The session has logged in: the login deadline no longer applies.
package struct LoginCompleted: DeadlineSignal {
    package init() {}
    package var deadlineControl: DeadlineControl { .stop }
}
