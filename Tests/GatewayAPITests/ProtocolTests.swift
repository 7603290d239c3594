import FHIRCore
import FHIRJSON
import FHIRValidation
import FHIRXML
import Foundation
import GatewayStore
import Testing

/// Content negotiation, limits, /metadata, $validate and internal errors.
@Suite("Protocol")
struct ProtocolTests {
    @Test("Accept and _format choose JSON or XML; nothing acceptable is 406, an unreadable body type 415")
    func contentNegotiation() async throws {
        try await withAPIServer { server in
            let created = try await server.post("/fhir/Patient", json: patientJSON(mrn: "N-1"))
            let id = try #require(created.resource?.value("id"))
            let xml = try await server.send("GET", "/fhir/Patient/\(id)", headers: ["Accept": "application/fhir+xml"])
            #expect(xml.header("Content-Type") == "application/fhir+xml; charset=utf-8")
            #expect(FHIRXMLReader().read(Array(xml.body)).resource?.value("id") == id)
            let plainXML = try await server.send("GET", "/fhir/Patient/\(id)", headers: ["Accept": "application/xml"])
            #expect(plainXML.header("Content-Type") == "application/xml; charset=utf-8")
            let plainJSON = try await server.send("GET", "/fhir/Patient/\(id)", headers: ["Accept": "text/html, application/json;q=0.9"])
            #expect(plainJSON.header("Content-Type") == "application/json; charset=utf-8")
            let formatXML = try await server.send("GET", "/fhir/Patient/\(id)?_format=xml", headers: ["Accept": "application/fhir+json"])
            #expect(formatXML.header("Content-Type")?.hasPrefix("application/fhir+xml") == true)
            let formatJSON = try await server.send("GET", "/fhir/Patient/\(id)?_format=application/fhir%2Bjson")
            #expect(formatJSON.header("Content-Type")?.hasPrefix("application/fhir+json") == true)
            let wildcard = try await server.send("GET", "/fhir/Patient/\(id)", headers: ["Accept": "*/*"])
            #expect(wildcard.header("Content-Type")?.hasPrefix("application/fhir+json") == true)

            let html = try await server.send("GET", "/fhir/Patient/\(id)", headers: ["Accept": "text/html"])
            #expect(html.status == 406)
            #expect(html.resource?.resourceType == "OperationOutcome")
            #expect(try await server.send("GET", "/fhir/Patient/\(id)?_format=html").status == 406)

            let text = try await server.send("POST", "/fhir/Patient", body: Array(patientJSON(mrn: "N-2").utf8), contentType: "text/plain")
            #expect(text.status == 415)
            #expect(text.resource?.resourceType == "OperationOutcome")
            let latin = try await server.send(
                "POST", "/fhir/Patient", body: Array(patientJSON(mrn: "N-2").utf8), contentType: "application/fhir+json; charset=iso-8859-1")
            #expect(latin.status == 415)
            let wrong = try await server.send("POST", "/fhir/Patient", body: Array(patientJSON(mrn: "N-2").utf8), contentType: "application/fhir+xml")
            #expect(wrong.status == 400)
            #expect(try server.count("Patient") == 1)
        }
    }

    @Test("parse and validation errors are 400 with FHIRPath, line and column; mapping refusals 422; oversize 413")
    func errorStatuses() async throws {
        try await withAPIServer(configure: { $0.maxRequestBytes = 4096 }) { server in
            let broken = try await server.post("/fhir/Patient", json: "{\"resourceType\":\"Patient\",\n  \"active\": \"yes\"}")
            #expect(broken.status == 400)
            let issue = try #require(broken.resource?.at("issue"))
            #expect(issue.value("expression") == "Patient.active")
            #expect(issue.value("location") == "Line[2] Col[13]")

            // Valid FHIR the IOP cannot act on: a Patient without any identifier.
            let anonymous = #"{"resourceType":"Patient","name":[{"family":"Nobody"}],"gender":"female"}"#
            let refused = try await server.post("/fhir/Patient", json: anonymous)
            #expect(refused.status == 422, "\(refused.text)")
            #expect(refused.resource?.resourceType == "OperationOutcome")

            let large = try await server.post("/fhir/Patient", json: String(repeating: " ", count: 5000) + patientJSON(mrn: "L"))
            #expect(large.status == 413)
            #expect(try server.count("Patient") == 0)
        }
    }

    @Test("/metadata serves the gateway's CapabilityStatement as this instance's, in JSON and XML")
    func metadata() async throws {
        try await withAPIServer { server in
            let json = try await server.send("GET", "/fhir/metadata")
            #expect(json.status == 200)
            let statement = try #require(json.resource)
            #expect(statement.resourceType == "CapabilityStatement")
            #expect(statement.value("kind") == "instance")
            #expect(statement.value("instantiates") == "http://iop-gateway.example.org/fhir/CapabilityStatement/iop-gateway")
            #expect(statement.value("software.name") == "IOP FHIR gateway")
            #expect(statement.value("implementation.url") == server.base)
            #expect(statement.value("date") != nil)
            let issues = FHIRValidator().validate(statement).filter(\.isError)
            #expect(issues.isEmpty, "\(issues)")
            let xml = try await server.send("GET", "/fhir/metadata", headers: ["Accept": "application/fhir+xml"])
            let fromXML = FHIRXMLReader().read(Array(xml.body))
            #expect(fromXML.issues.filter(\.isError).isEmpty)
            #expect(fromXML.resource == statement)
        }
    }

    @Test("$validate answers an OperationOutcome, with profiles from the query or from Parameters")
    func validateOperation() async throws {
        try await withAPIServer { server in
            let valid = try await server.post("/fhir/Patient/$validate", json: patientJSON(mrn: "V-1"))
            #expect(valid.status == 200)
            #expect(valid.resource?.value("issue.severity") == "information")
            let invalid = try await server.post("/fhir/Patient/$validate", json: patientJSON(mrn: "V-2", gender: "x"))
            #expect(invalid.status == 200)
            #expect(invalid.resource?.children("issue").contains { $0.value("expression") == "Patient.gender" } == true)
            let profile = "http://iop-gateway.example.org/fhir/StructureDefinition/iop-participant"
            let noPhone = try await server.post("/fhir/Patient/$validate?profile=\(profile)", json: patientJSON(mrn: "V-3", phone: false))
            #expect(noPhone.resource?.children("issue").contains { ($0.value("diagnostics") ?? "").hasPrefix("iop-1") } == true, "\(noPhone.text)")
            let parameters = #"""
                {"resourceType":"Parameters","parameter":[{"name":"resource","resource":\#(patientJSON(mrn: "V-4", phone: false))},
                 {"name":"profile","valueUri":"\#(profile)"}]}
                """#
            let viaParameters = try await server.post("/fhir/Patient/$validate", json: parameters)
            #expect(viaParameters.resource?.children("issue").contains { ($0.value("diagnostics") ?? "").hasPrefix("iop-1") } == true)
            #expect(try server.count("Patient") == 0)
            #expect(try await server.send("GET", "/fhir/Patient/$validate").status == 405)
        }
    }

    struct SecretFailure: Error, CustomStringConvertible {
        var description: String { "SQLITE_IOERR at /srv/secret/gateway.sqlite: table resource_head" }
    }

    /// A store whose every unit of work fails with an error full of internals.
    struct FailingStore: GatewayStore {
        func write<T>(_ work: (any StoreTransaction) throws -> T) throws -> T { throw SecretFailure() }
        func read<T>(_ work: (any StoreReader) throws -> T) throws -> T { throw SecretFailure() }
    }

    @Test("a 500 says only that an incident was logged; the log has the cause")
    func internalErrorLeaksNothing() async throws {
        try await withAPIServer(store: FailingStore()) { server in
            for reply in [
                try await server.send("GET", "/fhir/Patient/abc"),
                try await server.post("/fhir/Patient", json: patientJSON(mrn: "E-1")),
                try await server.send("GET", "/fhir/Patient?identifier=E-1"),
            ] {
                #expect(reply.status == 500)
                let outcome = try #require(reply.resource)
                #expect(outcome.resourceType == "OperationOutcome")
                #expect(outcome.value("issue.code") == "exception")
                for secret in ["SQLITE", "secret", "resource_head", "sqlite", "SecretFailure"] {
                    #expect(!reply.text.contains(secret))
                }
                let incident = try #require(outcome.value("issue.diagnostics")?.split(separator: " ").first { $0.count == 16 })
                #expect(server.log.all.contains { $0.contains(String(incident)) && $0.contains("resource_head") })
            }
        }
    }
}
