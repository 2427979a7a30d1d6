public import NIOCore
import Synchronization

/// Runs a connection's tasks on the event loop its channel lives on (SE-0417 task executor
/// preference), instead of Swift's global pool.
///
/// A command otherwise crosses threads several times: the event loop reads the bytes and
/// wakes a pool thread for the connection's task, which wakes another for the command's child
/// task, and the response goes back to the event loop to be written. Each crossing is a
/// futex wake and a context switch, which cost more CPU than a small command itself. On its
/// event loop, a connection's work runs where its bytes arrive and leave; only the store's
/// own threads (SQLite, file I/O) are visited, and their answers come back to this loop.
///
/// Work that blocks stays off the loop, as before: SQLite runs on GRDB's queues and file
/// work on the store's file threads; what runs here is the same parsing and encoding that
/// ran on the pool, whose threads are as many as the loops.
public final class EventLoopExecutor: TaskExecutor, @unchecked Sendable {
    public let eventLoop: any EventLoop

    init(_ eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        eventLoop.execute { job.runSynchronously(on: executor) }
    }

    /// One executor per event loop, made the first time a loop is asked for and kept (a
    /// server's loops are few and live as long as it).
    public final class Table: Sendable {
        private let executors = Mutex<[ObjectIdentifier: EventLoopExecutor]>([:])

        public init() {}

        public func executor(for loop: any EventLoop) -> EventLoopExecutor {
            executors.withLock { executors in
                if let known = executors[ObjectIdentifier(loop)] { return known }
                let made = EventLoopExecutor(loop)
                executors[ObjectIdentifier(loop)] = made
                return made
            }
        }
    }
}
