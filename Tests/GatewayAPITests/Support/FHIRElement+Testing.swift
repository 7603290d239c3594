import FHIRCore

extension FHIRElement {
    /// The first node down a dotted path of child names: `entry.response.status`.
    func at(_ path: String) -> FHIRElement? {
        var node: FHIRElement? = self
        for name in path.split(separator: ".") { node = node?.child(String(name)) }
        return node
    }

    func value(_ path: String) -> String? { at(path)?.value }

    /// Every `reference` value anywhere below.
    var referenceValues: [String] {
        var found: [String] = []
        for child in children {
            if child.name == "reference", let value = child.value { found.append(value) }
            found += child.referenceValues
        }
        return found
    }
}

/// A Patient the IOP accepts (identifier, name, phone, gender, birth date).
func patientJSON(mrn: String, id: String? = nil, gender: String = "female", phone: Bool = true) -> String {
    let idPart = id.map { #""id":"\#($0)","# } ?? ""
    let telecom = phone ? #""telecom":[{"system":"phone","value":"+1-555-0100"}],"# : ""
    return #"{"resourceType":"Patient",\#(idPart)"identifier":[{"system":"http://clinic.example.org/mrn","value":"\#(mrn)"}],"#
        + #""name":[{"family":"Tester","given":["Alex"]}],\#(telecom)"gender":"\#(gender)","birthDate":"1990-01-01"}"#
}
