import FHIRCore
import FHIRXML

/// The narrative rules (`txt-1`, `txt-2`, narrative.html §2.4) for a `div` value.
enum NarrativeCheck {
    static func problem(in div: String) -> (code: IssueType, message: String)? {
        guard let first = NarrativeXHTML.problems(in: div).first else { return nil }
        return (first.code, "the narrative is not valid FHIR XHTML: \(first.message)")
    }
}
