import FHIRCore
import Foundation
import Testing

/// The same conditional create makes exactly one resource, however it arrives: twice in one
/// Bundle, in two sequential requests, or in 20 concurrent ones (FHIR-RULES.md, rule 8).
@Suite("Conditional create")
struct ConditionalCreateTests {
    static let condition = "identifier=http://clinic.example.org/mrn|"

    @Test("twice in one Bundle: one Patient, both entries answer with it, references go to it")
    func twiceInOneBundle() async throws {
        let patient = patientJSON(mrn: "CC-1")
        let bundle = #"""
            {"resourceType":"Bundle","type":"transaction","entry":[
              {"fullUrl":"urn:uuid:6a0f1c3e-0000-4000-8000-000000000001","resource":\#(patient),
               "request":{"method":"POST","url":"Patient","ifNoneExist":"\#(Self.condition)CC-1"}},
              {"fullUrl":"urn:uuid:6a0f1c3e-0000-4000-8000-000000000002","resource":\#(patient),
               "request":{"method":"POST","url":"Patient","ifNoneExist":"\#(Self.condition)CC-1"}}]}
            """#
        try await withAPIServer { server in
            let reply = try await server.post("/fhir", json: bundle)
            #expect(reply.status == 200, "\(reply.text)")
            let entries = try #require(reply.resource).children("entry")
            #expect(entries.map { $0.value("response.status") } == ["201 Created", "200 OK"])
            #expect(entries[0].value("response.location") == entries[1].value("response.location"))
            #expect(try server.count("Patient") == 1)
        }
    }

    @Test("in two sequential requests: 201 then 200 with the same resource")
    func twoSequentialRequests() async throws {
        try await withAPIServer { server in
            let headers = ["If-None-Exist": Self.condition + "CC-2"]
            let first = try await server.post("/fhir/Patient", json: patientJSON(mrn: "CC-2"), headers: headers)
            let second = try await server.post("/fhir/Patient", json: patientJSON(mrn: "CC-2"), headers: headers)
            #expect(first.status == 201)
            #expect(second.status == 200)
            #expect(first.resource?.value("id") != nil)
            #expect(first.resource?.value("id") == second.resource?.value("id"))
            #expect(first.header("Location") == second.header("Location"))
            // The same condition in a transaction also finds it.
            let bundle = #"""
                {"resourceType":"Bundle","type":"transaction","entry":[{"resource":\#(patientJSON(mrn: "CC-2")),
                 "request":{"method":"POST","url":"Patient","ifNoneExist":"\#(Self.condition)CC-2"}}]}
                """#
            let third = try await server.post("/fhir", json: bundle)
            #expect(third.resource?.children("entry").first?.value("response.status") == "200 OK")
            #expect(try server.count("Patient") == 1)
        }
    }

    @Test("in 20 concurrent requests: one 201, nineteen 200, one resource")
    func twentyConcurrentRequests() async throws {
        try await withAPIServer { server in
            let headers = ["If-None-Exist": Self.condition + "CC-3"]
            let replies = try await withThrowingTaskGroup(of: Reply.self) { group in
                for _ in 0..<20 {
                    group.addTask { try await server.post("/fhir/Patient", json: patientJSON(mrn: "CC-3"), headers: headers) }
                }
                var replies: [Reply] = []
                for try await reply in group { replies.append(reply) }
                return replies
            }
            #expect(replies.filter { $0.status == 201 }.count == 1)
            #expect(replies.filter { $0.status == 200 }.count == 19)
            #expect(Set(replies.compactMap { $0.resource?.value("id") }).count == 1)
            #expect(try server.count("Patient") == 1)
        }
    }

    @Test("a condition that matches several resources is 412; one the gateway cannot search is 400")
    func multipleMatchesAndUnsupported() async throws {
        try await withAPIServer { server in
            _ = try await server.post("/fhir/Patient", json: patientJSON(mrn: "CC-4"))
            _ = try await server.post("/fhir/Patient", json: patientJSON(mrn: "CC-4"))
            let reply = try await server.post(
                "/fhir/Patient", json: patientJSON(mrn: "CC-4"), headers: ["If-None-Exist": Self.condition + "CC-4"])
            #expect(reply.status == 412)
            #expect(reply.resource?.value("issue.code") == "multiple-matches")
            let unsupported = try await server.post(
                "/fhir/Patient", json: patientJSON(mrn: "CC-5"), headers: ["If-None-Exist": "name=Tester"])
            #expect(unsupported.status == 400)
            #expect(try server.count("Patient") == 2)
        }
    }
}
