import FHIRCore

extension ValidationRun {
    /// The readers check formats as they read; trees built in code (typed models, the mapper)
    /// have not been read, so the validator checks again.
    mutating func checkPrimitive(_ value: String, kind: PrimitiveKind, isNarrative: Bool) {
        var value = value
        if isNarrative {
            if let problem = NarrativeCheck.problem(in: value) {
                report(.error, problem.code, problem.message)
            } else {
                checkNarrativeContent(value)
            }
            return
        }
        checkStringSize(value, kind: kind)
        let problem = value.withUTF8 { kind.check(UnsafeRawBufferPointer($0)) }
        if let problem { report(.error, .value, problem.message(for: kind)) }
    }
}
