import IMAPSyntax

/// When the running command last told the client how far it got (RFC 9585 §4: "The server
/// MAY send the INPROGRESS response code to notify the client about the progress of the
/// commands in execution or simply to prevent the client from timing out"). A command
/// reports at most once per interval (`ReadingLimits.progressInterval`), the first time one
/// interval after it began, so that short commands send nothing.
struct CommandProgress {
    private(set) var tag: Tag?
    private var next = ContinuousClock.now
    private var interval = Duration.seconds(1)

    /// A command begins.
    mutating func start(tag: Tag, interval seconds: Double) {
        self.tag = tag
        interval = .milliseconds(Int64(max(0, seconds) * 1000))
        next = ContinuousClock.now + interval
    }

    /// Whether a report is due now; if so, the next is one interval away.
    mutating func due() -> Bool {
        let now = ContinuousClock.now
        guard now >= next else { return false }
        next = now + interval
        return true
    }
}

extension Session {
    /// Sends `* OK [INPROGRESS ("tag" done total)]` and writes it out at once, if a report is
    /// due (RFC 9585 §4); `total` 0 is unknown (NIL).
    func reportProgress(done: Int, total: Int) async throws {
        guard progress.due() else { return }
        send(.condition(.ok, ResponseText(code: .inProgress(tag: progress.tag, done: UInt64(done), total: UInt64(total)),
                                          "Still working")))
        try await output.flush()
    }
}
