@testable import IMAPServer
import NIOCore
import NIOPosix
import Testing

/// A connection's tasks run on its channel's event loop (`EventLoopExecutor`), including
/// child tasks and the code after an await that went to another thread.
@Suite("EventLoopExecutor")
struct EventLoopExecutorTests {
    @Test("a task preferring a loop's executor runs there, before and after awaits, and so do its children")
    func runsOnItsLoop() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        let table = EventLoopExecutor.Table(group: group)
        for loop in group.makeIterator() {
            let executor = try #require(table.executor(for: loop))
            let observed: [Bool] = await withTaskExecutorPreference(executor) {
                var seen = [loop.inEventLoop]
                // A hop to another thread (a sleep's timer) comes back to the loop.
                try? await Task.sleep(for: .milliseconds(1))
                seen.append(loop.inEventLoop)
                async let child = loop.inEventLoop
                seen.append(await child)
                return seen
            }
            #expect(observed == [true, true, true])
        }
        try await group.shutdownGracefully()
    }

    @Test("a loop of another group has no executor: its work stays on the global pool")
    func foreignLoop() throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let other = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer {
            try? group.syncShutdownGracefully()
            try? other.syncShutdownGracefully()
        }
        let table = EventLoopExecutor.Table(group: group)
        #expect(table.executor(for: other.next()) == nil)
        #expect(table.executor(for: group.next()) != nil)
    }
}
