import Outbound
import Synchronization

/// `deliver`'s long-running form: each worker's passes, one after another, until `stop`; a pass
/// in progress then finishes (its exchanges are answered and recorded) and no new one starts.
///
/// Not `EndpointWorker.run()` under task cancellation: cancellation reaches the exchange in
/// flight, which the worker records as a failed attempt, and a batch cut short that way opens the
/// endpoint's circuit, so the rest of the batch waited out the circuit's cool-down (60 s) before
/// any process could send it (seen in the rolling-restart test of three processes).
final class DeliveryLoop: Sendable {
    private let stopping = Atomic<Bool>(false)

    func stop() { stopping.store(true, ordering: .releasing) }

    private var isStopping: Bool { stopping.load(ordering: .acquiring) }

    /// Passes until `stop`; after a pass that claimed nothing (or failed: the store is busy or
    /// gone), a pause of `idle`, cut short by `stop`.
    func run(_ worker: EndpointWorker, idle: Duration) async {
        while !isStopping {
            let claimed = (try? await worker.runOnce().claimed) ?? 0
            if claimed == 0 { await pause(idle) }
        }
    }

    /// `work` now and then every `interval` until `stop` (housekeeping beside the workers).
    func repeatUntilStopped(every interval: Duration, _ work: () async -> Void) async {
        while !isStopping {
            await work()
            await pause(interval)
        }
    }

    private func pause(_ duration: Duration) async {
        let end = ContinuousClock.now + duration
        while !isStopping, ContinuousClock.now < end {
            try? await Task.sleep(for: .milliseconds(50))
        }
    }
}
