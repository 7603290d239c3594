import FHIRJSON

/// A steady parse or emit loop over one file, for instruction-level profiling.
enum ProfileLoop {
    static func run(_ operation: String, bytes: [UInt8], count: Int) {
        let reader = FHIRJSONReader()
        guard let tree = reader.read(bytes).resource else { print("the file does not parse"); return }
        var total = 0
        for _ in 0..<count {
            if operation == "emit" {
                total &+= FHIRJSONWriter().write(tree).count
            } else {
                total &+= reader.read(bytes).issues.count
            }
        }
        print(total)
    }
}
