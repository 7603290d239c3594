import FHIRCore
import FHIRJSON
import GatewayIntake
import Testing

/// Where a Bundle entry's fullUrl is replaced by the `Type/id` it was given (FHIR-RULES.md,
/// transactions rule 4): references, `uri` elements and narrative links, never canonicals.
@Suite("Reference rewriting")
struct ReferenceRewriterTests {
    static let fullUrl = "urn:uuid:5f0c7a3e-0000-4000-8000-000000000001"
    let rewriter = ReferenceRewriter(targets: [Self.fullUrl: "Patient/p-1"])

    func rewritten(_ json: String) throws -> FHIRElement {
        rewriter.rewrite(try #require(FHIRJSONReader().read(Array(json.utf8)).resource))
    }

    @Test("narrative href and src attributes that are exactly a fullUrl are rewritten, in either quote")
    func narrativeLinks() throws {
        let div = #"<div xmlns=\"http://www.w3.org/1999/xhtml\"><a href=\"\#(Self.fullUrl)\">them</a> <img src='\#(Self.fullUrl)'/> <a href=\"\#(Self.fullUrl)-x\">other</a> \#(Self.fullUrl)</div>"#
        let observation = try rewritten(
            #"{"resourceType":"Observation","status":"final","code":{"text":"x"},"text":{"status":"generated","div":"\#(div)"}}"#)
        let text = try #require(observation.child("text")?.child("div")?.value)
        #expect(text.contains(#"href="Patient/p-1""#))
        #expect(text.contains("src='Patient/p-1'"))
        // Not an exact attribute value, and plain text: left alone.
        #expect(text.contains(#"href="\#(Self.fullUrl)-x""#))
        #expect(text.hasSuffix(" \(Self.fullUrl)</div>"))
    }

    @Test("a narrative without links is returned as it was")
    func narrativeWithoutLinks() throws {
        let div = #"<div xmlns=\"http://www.w3.org/1999/xhtml\">Referral for \#(Self.fullUrl)</div>"#
        let observation = try rewritten(
            #"{"resourceType":"Observation","status":"final","code":{"text":"x"},"text":{"status":"generated","div":"\#(div)"}}"#)
        #expect(observation.child("text")?.child("div")?.value == div.replacingOccurrences(of: #"\""#, with: "\""))
    }

    @Test("Reference.reference and uri elements are rewritten; canonical elements are not")
    func elements() throws {
        let observation = try rewritten(
            #"{"resourceType":"Observation","implicitRules":"\#(Self.fullUrl)","meta":{"profile":["\#(Self.fullUrl)"]},"#
                + #""status":"final","code":{"text":"x"},"subject":{"reference":"\#(Self.fullUrl)"}}"#)
        #expect(observation.child("subject")?.child("reference")?.value == "Patient/p-1")
        #expect(observation.child("implicitRules")?.value == "Patient/p-1")
        #expect(observation.child("meta")?.child("profile")?.value == Self.fullUrl)
    }
}
