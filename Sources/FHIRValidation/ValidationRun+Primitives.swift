import FHIRCore

extension ValidationRun {
    /// The readers check formats as they read; trees built in code (typed models, the mapper)
    /// have not been read, so the validator checks again.
    mutating func checkPrimitive(_ value: String, kind: PrimitiveKind, isNarrative: Bool) {
        if isNarrative {
            if let problem = NarrativeCheck.problem(in: value) {
                report(.error, problem.code, problem.message)
            } else {
                checkNarrativeContent(value)
            }
            return
        }
        checkStringSize(value, kind: kind)
        // Through the UTF-8 view's own storage where there is one: `withUTF8` needs a copy of
        // the string, a retain and a release per value checked.
        let problem = value.utf8.withContiguousStorageIfAvailable { kind.check(UnsafeRawBufferPointer($0)) }
            ?? { var copy = value; return copy.withUTF8 { kind.check(UnsafeRawBufferPointer($0)) } }()
        if let problem { report(.error, .value, problem.message(for: kind)) }
    }
}
