import FHIRCore

/// Checks a narrative `div` held as a string (as JSON carries it, or as code builds it) by the
/// same rules the XML reader applies while reading (`XMLTreeBuilder+XHTML.swift`): well-formed
/// XHTML in the XHTML namespace, only the elements and attributes of R4 narrative.html §2.4.
public enum NarrativeXHTML {
    /// The problems found, worded as the XML reader words them, with no location: a location
    /// inside the wrapper document would point at nothing the caller has.
    public static func problems(in div: String) -> [Issue] {
        // The div is read inside a resource with a narrative and no required elements, so the
        // reader's own rules (and nothing looser) decide.
        let document = #"<Patient xmlns="http://hl7.org/fhir"><text><status value="generated"/>"#
            + div + "</text></Patient>"
        let result = FHIRXMLReader(mode: .lenient).read(Array(document.utf8))
        return result.issues.filter { $0.isError }.map {
            Issue($0.severity, $0.code, $0.message)
        }
    }
}
