import FHIRCore
import FHIRJSON
import Foundation
import Testing

/// The reader recurses once per nested object or array, bounded by `ReadLimits.maxDepth` (and
/// that by `ReadLimits.depthCeiling`), so the deepest document it accepts must fit in a small
/// thread stack: 512 KiB, the size of a secondary thread's stack on macOS and a common setting
/// for server worker threads.
@Suite("Recursion stays within a small stack")
struct StackDepthTests {
    /// Extensions nested inside extensions: two JSON containers per level.
    static func nestedExtensions(levels: Int) -> [UInt8] {
        var text = #"{"resourceType":"Patient""#
        for _ in 0..<levels { text += #","extension":[{"url":"http://example.org/x""# }
        text += #","valueString":"deepest""#
        for _ in 0..<levels { text += "}]" }
        return Array((text + "}").utf8)
    }

    static func readOnSmallStack(_ bytes: [UInt8], limits: ReadLimits) -> ReadResult? {
        let box = ResultBox()
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            box.result = FHIRJSONReader(limits: limits).read(bytes)
            done.signal()
        }
        thread.stackSize = 512 * 1024
        thread.start()
        done.wait()
        return box.result
    }

    /// Written by one thread, read after the semaphore: the semaphore orders the accesses.
    final class ResultBox: @unchecked Sendable {
        var result: ReadResult?
    }

    @Test("the deepest document the default limits accept reads on a 512 KiB stack")
    func defaultLimit() {
        let levels = (ReadLimits().maxDepth - 1) / 2
        let result = Self.readOnSmallStack(Self.nestedExtensions(levels: levels), limits: ReadLimits())
        #expect(result?.resource != nil, "\(result?.issues.map(\.description) ?? [])")
    }

    @Test("the depth ceiling holds even when a caller asks for more")
    func ceiling() {
        var limits = ReadLimits()
        limits.maxDepth = 1_000_000
        #expect(limits.maxDepth == ReadLimits.depthCeiling)
        let levels = (ReadLimits.depthCeiling - 1) / 2
        let result = Self.readOnSmallStack(Self.nestedExtensions(levels: levels), limits: limits)
        #expect(result?.resource != nil, "\(result?.issues.map(\.description) ?? [])")
        let tooDeep = Self.readOnSmallStack(Self.nestedExtensions(levels: levels + 1), limits: limits)
        #expect(tooDeep?.issues.last?.code == .tooCostly)
    }
}
