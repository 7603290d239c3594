import FHIRCore
import FHIRJSON
import FHIRXML

/// A steady parse or emit loop over one file, for instruction-level profiling.
enum ProfileLoop {
    static func run(_ operation: String, bytes: [UInt8], count: Int) {
        let reader = FHIRJSONReader()
        let tree = reader.read(bytes).resource ?? FHIRElement(name: "none")
        var total = 0
        for _ in 0..<count {
            if operation == "xml-raw" {
                total &+= RawSAXPass.parse(bytes)
            } else if operation == "xml-parse" {
                total &+= FHIRXMLReader().read(bytes).issues.count
            } else if operation == "emit" {
                total &+= FHIRJSONWriter().write(tree).count
            } else {
                total &+= reader.read(bytes).issues.count
            }
        }
        print(total)
    }
}
