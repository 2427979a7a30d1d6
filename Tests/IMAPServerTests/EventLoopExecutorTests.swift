import ConnectionGuards
import NIOCore
import NIOPosix
import Testing

/// A connection's tasks run on its channel's event loop (`EventLoopExecutor`, used by every
/// `ListenerGroup`), including child tasks and the code after an await that went to another
/// thread.
@Suite("EventLoopExecutor")
struct EventLoopExecutorTests {
    @Test("a task preferring a loop's executor runs there, before and after awaits, and so do its children")
    func runsOnItsLoop() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        let table = EventLoopExecutor.Table()
        for loop in group.makeIterator() {
            let observed: [Bool] = await withTaskExecutorPreference(table.executor(for: loop)) {
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

    @Test("one executor per loop, the same each time it is asked for")
    func onePerLoop() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        let table = EventLoopExecutor.Table()
        let loops = Array(group.makeIterator())
        #expect(table.executor(for: loops[0]) === table.executor(for: loops[0]))
        #expect(table.executor(for: loops[0]) !== table.executor(for: loops[1]))
        #expect(table.executor(for: loops[1]).eventLoop === loops[1])
        try await group.shutdownGracefully()
    }
}
