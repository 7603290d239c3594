import Foundation
import Synchronization

/// SIGTERM and SIGINT for every long-running command (`serve`, `import`, `deliver`): the first
/// one asks for a clean stop (drain, finish the unit of work in progress) and says so on stderr;
/// a second one exits at once with 130. Nothing committed is lost either way: every unit of work
/// is one transaction.
final class StopSignals {
    private let sources: [any DispatchSourceSignal]

    init(announcing message: String, _ stop: @escaping @Sendable () -> Void) {
        let count = Mutex(0)
        sources = [SIGTERM, SIGINT].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                let signals = count.withLock { value -> Int in
                    value += 1
                    return value
                }
                if signals > 1 { exit(130) }
                FileHandle.standardError.write(Data((message + " (a second signal stops at once)\n").utf8))
                stop()
            }
            source.resume()
            return source
        }
    }

    func cancel() {
        for source in sources { source.cancel() }
        signal(SIGTERM, SIG_DFL)
        signal(SIGINT, SIG_DFL)
    }
}
