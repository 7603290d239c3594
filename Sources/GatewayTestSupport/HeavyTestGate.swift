/// Lets one CPU-heavy test (a whole corpus through the gateway) run at a time in the test
/// process, whichever test target it is in: on a 2-core machine several at once starve the
/// timing-sensitive delivery tests that run beside them (deadlines, backoff, circuit cool-downs).
/// Waiting is asynchronous, so no cooperative thread is blocked.
public actor HeavyTestGate {
    public static let shared = HeavyTestGate()

    private var busy = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    /// Runs `body` when no other heavy test runs.
    public func run<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        await acquire()
        defer { release() }
        return try await body()
    }

    private func acquire() async {
        if !busy {
            busy = true
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    private func release() {
        if waiting.isEmpty {
            busy = false
        } else {
            waiting.removeFirst().resume()
        }
    }
}
