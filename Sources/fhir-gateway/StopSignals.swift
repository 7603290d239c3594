import Foundation
import Synchronization

/// SIGTERM and SIGINT for every long-running command (`serve`, `import`, `deliver`): the first
/// one asks for a clean stop (drain, finish the unit of work in progress) and says so on stderr;
/// a second one exits at once with 130. Nothing committed is lost either way: every unit of work
/// is one transaction.
///
/// The handler is a plain C signal handler that writes a byte to a pipe (async-signal-safe), read
/// by a Dispatch source. Not a Dispatch signal source: that needs the signal ignored first and is
/// registered later, on Dispatch's own thread, so a SIGTERM that came right after start (as a
/// test or an orchestrator may send one) was ignored and the process never stopped.
final class StopSignals {
    private let source: any DispatchSourceRead
    private let descriptors: (read: Int32, write: Int32)

    init(announcing message: String, _ stop: @escaping @Sendable () -> Void) {
        var ends: [Int32] = [-1, -1]
        _ = ends.withUnsafeMutableBufferPointer { pipe($0.baseAddress!) }
        descriptors = (ends[0], ends[1])
        stopSignalPipe.store(ends[1], ordering: .releasing)
        for number in [SIGTERM, SIGINT] {
            signal(number) { _ in
                var byte: UInt8 = 1
                _ = write(stopSignalPipe.load(ordering: .acquiring), &byte, 1)
            }
        }
        let count = Mutex(0)
        source = DispatchSource.makeReadSource(fileDescriptor: ends[0], queue: .global())
        source.setEventHandler { [read = ends[0]] in
            var bytes = [UInt8](repeating: 0, count: 16)
            let received = Foundation.read(read, &bytes, bytes.count)
            guard received > 0 else { return }
            let signals = count.withLock { value -> Int in
                value += received
                return value
            }
            if signals > 1 { exit(130) }
            FileHandle.standardError.write(Data((message + " (a second signal stops at once)\n").utf8))
            stop()
        }
        source.resume()
    }

    func cancel() {
        signal(SIGTERM, SIG_DFL)
        signal(SIGINT, SIG_DFL)
        source.cancel()
    }
}

/// The write end of the pipe the signal handler writes to: a C handler cannot capture context.
private let stopSignalPipe = Atomic<Int32>(-1)
