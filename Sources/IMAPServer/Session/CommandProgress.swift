import IMAPSyntax

/// When the running command last told the client how far it got (RFC 9585 §4: "The server
/// MAY send the INPROGRESS response code to notify the client about the progress of the
/// commands in execution or simply to prevent the client from timing out"). A command
/// reports at most once per interval (`ReadingLimits.progressInterval`), the first time one
/// interval after it began, so that short commands send nothing.
struct CommandProgress {
    private(set) var tag: Tag?
    private var next = ContinuousClock.now
    private(set) var interval = Duration.seconds(1)

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
    /// due (RFC 9585 §4); nil counts are unknown (`NIL NIL`, `inprogress-state-unknown`).
    func reportProgress(done: Int?, total: Int?) async throws {
        guard progress.due() else { return }
        let code = ResponseCode.inProgress(tag: progress.tag, done: done.map(UInt64.init),
                                           total: done == nil ? nil : total.map(UInt64.init))
        send(.condition(.ok, ResponseText(code: code, "Still working")))
        try await output.flush()
    }

    /// Runs one store step that cannot be cut into pages (COPY and MOVE are all or nothing)
    /// and, while it runs, reports `INPROGRESS ("tag" NIL NIL)` once per interval, "simply to
    /// prevent the client from timing out" (RFC 9585 §4).
    func reportingProgress<T: Sendable>(_ work: @escaping @Sendable () async throws -> T) async throws -> T {
        let interval = max(progress.interval, .milliseconds(10))
        return try await withThrowingTaskGroup(of: T?.self) { group in
            // The work, and a timer that ends once per interval (nil) while the work goes on.
            group.addTask { try await work() }
            group.addTask {
                try await Task.sleep(for: interval)
                return nil
            }
            while let next = try await group.next() {
                if let result = next {
                    group.cancelAll()  // the pending timer
                    return result
                }
                try await reportProgress(done: nil, total: nil)
                group.addTask {
                    try await Task.sleep(for: interval)
                    return nil
                }
            }
            throw CancellationError()  // not reached: the work's own result ends the loop
        }
    }
}
