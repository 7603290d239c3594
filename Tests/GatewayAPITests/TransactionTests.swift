import FHIRCore
import FHIRJSON
import Foundation
import GatewayStore
import Testing

/// Transaction Bundles over real loopback HTTP: every referral sample, as JSON and as its XML
/// twin, is accepted with a correct transaction-response; what was posted reads back, by read,
/// vread and search, with `urn:uuid` references rewritten; a bad entry stores nothing.
@Suite("Transactions over HTTP")
struct TransactionTests {
    static var locationPattern: Regex<(Substring, Substring, Substring, Substring)> {
        /^([A-Za-z]+)\/([A-Za-z0-9\-\.]{1,64})\/_history\/([0-9]+)$/
    }

    /// Checks a transaction-response against the request and returns its `Type/id/_history/v` locations.
    func checkResponse(_ reply: Reply, request: FHIRElement, file: String) throws -> [String] {
        #expect(reply.status == 200, "\(file): \(reply.text.prefix(600))")
        let bundle = try #require(reply.resource, "\(file): the response is not FHIR")
        #expect(bundle.resourceType == "Bundle")
        #expect(bundle.value("type") == "transaction-response")
        let entries = bundle.children("entry")
        #expect(entries.count == request.children("entry").count, "\(file): one response entry per request entry")
        var locations: [String] = []
        for (index, entry) in entries.enumerated() {
            let status = entry.value("response.status") ?? ""
            #expect(status == "201 Created" || status == "200 OK", "\(file) entry \(index): \(status)")
            let location = try #require(entry.value("response.location"), "\(file) entry \(index) has no location")
            let match = try #require(try Self.locationPattern.wholeMatch(in: location), "\(file): \(location)")
            #expect(entry.value("response.etag") == "W/\"\(match.3)\"")
            #expect(entry.value("response.lastModified") != nil)
            let requestMethod = request.children("entry")[index].value("request.method")
            if requestMethod == "POST", request.children("entry")[index].value("request.ifNoneExist") == nil {
                #expect(status == "201 Created", "\(file) entry \(index): a plain create is 201")
            }
            locations.append(location)
        }
        return locations
    }

    @Test("every referral sample, as JSON then as its XML twin, is committed and reads back")
    func referralSamples() async throws {
        let jsonFiles = APIFixtures.files(in: "SampleBundles/referrals", extension: "json")
            .filter { $0.lastPathComponent.first?.isNumber == true }
        try #require(jsonFiles.count == 16)
        try await withAPIServer { server in
            for jsonFile in jsonFiles {
                let name = jsonFile.lastPathComponent
                let jsonBytes = Array(try Data(contentsOf: jsonFile))
                let request = try #require(FHIRJSONReader().read(jsonBytes).resource)
                let reply = try await server.send("POST", "/fhir", body: jsonBytes)
                let locations = try checkResponse(reply, request: request, file: name)

                for location in locations {
                    let match = try #require(try Self.locationPattern.wholeMatch(in: location))
                    let read = try await server.send("GET", "/fhir/\(match.1)/\(match.2)")
                    #expect(read.status == 200, "\(name): read \(location)")
                    let resource = try #require(read.resource)
                    #expect(resource.value("id") == String(match.2))
                    #expect(read.header("ETag") != nil && read.header("Last-Modified") != nil)
                    // No reference is left pointing at a Bundle-internal urn:uuid.
                    #expect(!resource.referenceValues.contains { $0.hasPrefix("urn:uuid:") }, "\(name): \(location)")
                    let vread = try await server.send("GET", "/fhir/\(location)")
                    #expect(vread.status == 200)
                    #expect(vread.resource?.value("meta.versionId") == String(match.3))
                    let search = try await server.send("GET", "/fhir/\(match.1)?_id=\(match.2)")
                    #expect(search.resource?.value("total") == "1", "\(name): search \(location)")
                }

                // The XML twin, as XML both ways: conditional creates now match (200).
                let xmlFile = jsonFile.deletingPathExtension().appendingPathExtension("xml")
                let xmlBytes = Array(try Data(contentsOf: xmlFile))
                let xmlReply = try await server.send(
                    "POST", "/fhir", body: xmlBytes, contentType: "application/fhir+xml",
                    headers: ["Accept": "application/fhir+xml"])
                #expect(xmlReply.header("Content-Type")?.hasPrefix("application/fhir+xml") == true)
                let xmlLocations = try checkResponse(xmlReply, request: request, file: xmlFile.lastPathComponent)
                for (index, entry) in request.children("entry").enumerated() where entry.value("request.ifNoneExist") != nil {
                    // The same conditional create twice (two requests) is the same resource.
                    #expect(xmlLocations[index].split(separator: "/").prefix(2) == locations[index].split(separator: "/").prefix(2))
                }
            }
        }
    }

    @Test("urn:uuid references are rewritten to the ids the server assigned")
    func referencesRewritten() async throws {
        let file = APIFixtures.root.appendingPathComponent("SampleBundles/referrals/01-depression-ssri-referral.json")
        let bytes = Array(try Data(contentsOf: file))
        let request = try #require(FHIRJSONReader().read(bytes).resource)
        try await withAPIServer { server in
            let reply = try await server.send("POST", "/fhir", body: bytes, headers: ["Prefer": "return=representation"])
            let bundle = try #require(reply.resource)
            // fullUrl (urn:uuid) → Type/id, from the response.
            var assigned: [String: String] = [:]
            for (index, entry) in bundle.children("entry").enumerated() {
                guard let fullUrl = request.children("entry")[index].value("fullUrl"),
                      let location = entry.value("response.location") else { continue }
                assigned[fullUrl] = location.split(separator: "/").prefix(2).joined(separator: "/")
                // Prefer: return=representation puts each resource in its entry.
                #expect(entry.at("resource") != nil)
            }
            #expect(!assigned.isEmpty)
            for (index, entry) in request.children("entry").enumerated() {
                let requested = entry.at("resource")?.referenceValues ?? []
                guard let stored = bundle.children("entry")[index].at("resource") else { continue }
                let expected = requested.map { assigned[$0] ?? $0 }
                #expect(stored.referenceValues == expected, "entry \(index)")
            }
        }
    }

    @Test("every invalid sample is refused with its OperationOutcome, naming the entry, and stores nothing")
    func invalidSamples() async throws {
        let files = APIFixtures.files(in: "SampleBundles/invalid", extension: "json")
            + APIFixtures.files(in: "SampleBundles/invalid", extension: "xml")
        try #require(files.count >= 18)
        try await withAPIServer { server in
            for file in files {
                let name = file.lastPathComponent
                let xml = file.pathExtension == "xml"
                let reply = try await server.send(
                    "POST", "/fhir", body: Array(try Data(contentsOf: file)),
                    contentType: xml ? "application/fhir+xml" : "application/fhir+json")
                #expect(reply.status == 400 || reply.status == 422, "\(name): \(reply.status)")
                let outcome = try #require(reply.resource, "\(name)")
                #expect(outcome.resourceType == "OperationOutcome")
                let errors = outcome.children("issue").filter { $0.value("severity") == "error" }
                #expect(!errors.isEmpty, "\(name)")
                #expect(errors.contains { ($0.value("expression") ?? "").hasPrefix("Bundle.entry[") }, "\(name) names no entry")
                // Every error the sample's .outcome.json lists is in the answer.
                let expectedURL = file.deletingPathExtension().appendingPathExtension("outcome.json")
                if let data = try? Data(contentsOf: expectedURL), let expected = FHIRJSONReader().read(Array(data)).resource {
                    for issue in expected.children("issue") where issue.value("severity") == "error" {
                        #expect(errors.contains {
                            $0.value("expression") == issue.value("expression") && $0.value("diagnostics") == issue.value("diagnostics")
                                && $0.value("location") == issue.value("location")
                        }, "\(name): \(issue.value("expression") ?? "") \(issue.value("diagnostics") ?? "")")
                    }
                }
            }
            for type in ["Patient", "Appointment", "CarePlan", "MedicationRequest", "Communication", "DocumentReference",
                         "Consent", "ServiceRequest", "Practitioner", "PractitionerRole", "Organization"] {
                #expect(try server.count(type) == 0, "\(type) was stored from a refused transaction")
            }
        }
    }

    @Test("a transaction with one bad entry stores nothing and names the entry with line and column")
    func oneBadEntry() async throws {
        let file = APIFixtures.root.appendingPathComponent("SampleBundles/referrals/01-depression-ssri-referral.json")
        let text = try String(contentsOf: file, encoding: .utf8)
        let broken = text.replacingOccurrences(of: #""birthDate": "1987-06-14""#, with: #""birthDate": "1987-13-45""#)
        #expect(broken != text)
        try await withAPIServer { server in
            let reply = try await server.post("/fhir", json: broken)
            #expect(reply.status == 400)
            let outcome = try #require(reply.resource)
            let issue = try #require(outcome.children("issue").first { $0.value("severity") == "error" })
            #expect(issue.value("expression") == "Bundle.entry[0].resource.birthDate")
            #expect(issue.value("location")?.hasPrefix("Line[") == true)
            #expect(try server.count("Patient") == 0)
            #expect(try server.count("MedicationRequest") == 0)
            #expect(try server.count("ServiceRequest") == 0)
        }
    }
}
