import FHIRCore
import FHIRJSON
import FHIRSearch
import Foundation
import GatewayStore

/// The ten typical queries of `gateway-bench search`, each repeated with values drawn from the
/// store (patients sampled by id, which are random UUIDs) and from the Synthea data (codes and
/// quantities), through the parser and the store as the API runs them. `_include` is resolved
/// as the API does it: the page's reference rows, then `readCurrent` per target type.
struct SearchQueries {
    struct Query {
        let label: String
        let type: String
        let items: () -> [(name: String, value: String)]
    }

    struct Patient {
        let id: String
        let family: String
        let identifier: String
        let birthYear: Int
    }

    let store: any GatewayStore
    let copies: SyntheaCopies
    let options: SearchBenchmark.Options

    func run() throws {
        let patients = try samplePatients()
        let codes = observationCodes()
        let quantities = observationQuantities()
        let conditions = conditionCodes()
        guard !patients.isEmpty, !codes.isEmpty, !quantities.isEmpty, !conditions.isEmpty else {
            print("gateway-bench search: no values to query with")
            return
        }
        let queries: [Query] = [
            Query(label: "Patient?family=<3-letter prefix>", type: "Patient") {
                [("family", String(patients.randomElement()!.family.prefix(3)))]
            },
            Query(label: "Patient?identifier=<system>|<value>", type: "Patient") {
                [("identifier", patients.randomElement()!.identifier)]
            },
            Query(label: "Observation?patient=<id>&code=<loinc>", type: "Observation") {
                [("patient", "Patient/" + patients.randomElement()!.id), ("code", codes.randomElement()!)]
            },
            Query(label: "Observation?code=<loinc>&date=ge<year>&_sort=-date&_count=20", type: "Observation") {
                [("code", codes.randomElement()!), ("date", "ge\(Int.random(in: 2010...2019))-01-01"),
                 ("_sort", "-date"), ("_count", "20")]
            },
            Query(label: "Encounter?subject=<id>&_include=Encounter:subject", type: "Encounter") {
                [("subject", "Patient/" + patients.randomElement()!.id), ("_include", "Encounter:subject")]
            },
            Query(label: "Condition?clinical-status=active&patient=<id>", type: "Condition") {
                [("clinical-status", "active"), ("patient", "Patient/" + patients.randomElement()!.id)]
            },
            Query(label: "MedicationRequest?status=active&_count=50", type: "MedicationRequest") {
                [("status", "active"), ("_count", "50")]
            },
            Query(label: "Observation?code-value-quantity=<loinc>$ge<value>", type: "Observation") {
                let quantity = quantities.randomElement()!
                return [("code-value-quantity", "\(quantity.code)$ge\(quantity.value)")]
            },
            Query(label: "Patient?birthdate=lt<year>", type: "Patient") {
                [("birthdate", "lt\(Int.random(in: 1930...1990))")]
            },
            Query(label: "Observation?subject:Patient.family=<family>", type: "Observation") {
                [("subject:Patient.family", patients.randomElement()!.family)]
            },
            Query(label: "Patient?_has:Condition:patient:code=<snomed>", type: "Patient") {
                [("_has:Condition:patient:code", conditions.randomElement()!)]
            },
        ]
        let parser = SearchQueryParser(baseURL: "http://localhost/fhir")
        print("\nqueries (\(patients.count) sampled patients, \(codes.count) LOINC codes; up to \(options.repeats) runs "
              + "or \(format(options.secondsPerQuery, 0)) s each, after 3 warm-up runs):")
        print("| query | runs | p50 ms | p99 ms | results/page (mean) | load |")
        print("|---|---:|---:|---:|---:|---|")
        fflush(nil)
        for query in queries {
            var samples: [Double] = []
            var results = 0
            var failure: String?
            let budget = DispatchTime.now().uptimeNanoseconds + UInt64(options.secondsPerQuery * 1e9)
            var run = 0
            while run < options.repeats + 3 && (run < 8 || DispatchTime.now().uptimeNanoseconds < budget) {
                let items = query.items()
                let start = DispatchTime.now().uptimeNanoseconds
                do {
                    let parsed = try parser.parse(type: query.type, items)
                    let found = try store.read { reader in try Self.answer(parsed, reader) }
                    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
                    if run >= 3 {
                        samples.append(seconds)
                        results += found
                    }
                } catch {
                    failure = "\(error)"
                    break
                }
                run += 1
            }
            if let failure {
                print("| `\(query.label)` | failed: \(failure) | | | | |")
                continue
            }
            samples.sort()
            let p99 = samples[min(samples.count - 1, Int((Double(samples.count) * 0.99).rounded(.up)) - 1)]
            print("| `\(query.label)` | \(samples.count) | \(format(samples[samples.count / 2] * 1e3, 2)) | \(format(p99 * 1e3, 2)) | "
                  + "\(format(Double(results) / Double(samples.count))) | \(loadAverage()) |")
            fflush(nil)
        }
    }

    /// The page, and the resources `_include` adds; returns how many resources the answer has.
    static func answer(_ parsed: ParsedSearch, _ reader: any StoreReader) throws -> Int {
        let page = try reader.search(parsed.query)
        var count = page.resources.count
        for include in parsed.includes {
            let ids = page.resources.map(\.id)
            guard !ids.isEmpty else { continue }
            var byType: [String: Set<String>] = [:]
            for reference in try reader.indexedReferences(type: include.sourceType, ids: ids, parameter: include.parameter) {
                let parts = reference.target.split(separator: "/")
                guard parts.count == 2 else { continue }
                byType[String(parts[0]), default: []].insert(String(parts[1]))
            }
            for (type, ids) in byType {
                count += try reader.readCurrent(type: type, ids: ids.sorted()).count
            }
        }
        return count
    }

    /// Patients in id order from the start: a random sample, since ids are random UUIDs.
    func samplePatients() throws -> [Patient] {
        let page = try store.read { try $0.search(ResourceQuery(type: "Patient", sort: [.id(descending: false)], count: 500)) }
        let reader = FHIRJSONReader(mode: .lenient)
        return page.resources.compactMap { stored in
            guard let patient = reader.read(Array(stored.body)).resource,
                  let family = patient.children("name").first?.childValue("family"),
                  let identifier = patient.children("identifier").first(where: { $0.childValue("system") != nil }),
                  let system = identifier.childValue("system"), let value = identifier.childValue("value"),
                  let birthYear = patient.childValue("birthDate").flatMap({ Int($0.prefix(4)) }) else { return nil }
            return Patient(id: stored.id, family: family, identifier: "\(system)|\(value)", birthYear: birthYear)
        }
    }

    private func resources(of type: String) -> [FHIRElement] {
        let reader = FHIRJSONReader()
        return copies.templates.filter { $0.type == type }.compactMap { reader.read($0.bytes).resource }
    }

    /// `system|code` of the first coding of each resource's `code`, the 20 most frequent.
    private func frequentCodes(of type: String) -> [String] {
        var counts: [String: Int] = [:]
        for resource in resources(of: type) {
            guard let coding = resource.child("code")?.children("coding").first,
                  let system = coding.childValue("system"), let code = coding.childValue("code") else { continue }
            counts["\(system)|\(code)", default: 0] += 1
        }
        return counts.sorted { ($0.value, $0.key) > ($1.value, $1.key) }.prefix(20).map(\.key)
    }

    func observationCodes() -> [String] { frequentCodes(of: "Observation") }

    func conditionCodes() -> [String] { frequentCodes(of: "Condition") }

    /// (`system|code`, value) of Observations with a valueQuantity.
    func observationQuantities() -> [(code: String, value: String)] {
        resources(of: "Observation").compactMap { observation -> (code: String, value: String)? in
            guard let coding = observation.child("code")?.children("coding").first,
                  let system = coding.childValue("system"), let code = coding.childValue("code"),
                  let quantity = observation.child("valueQuantity") ?? observation.child("value"),
                  let value = quantity.childValue("value") else { return nil }
            return ("\(system)|\(code)", value)
        }
    }
}
