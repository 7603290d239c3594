import FHIRCore
import FHIRJSON
import FHIRPath
import Foundation
import GatewayStore
import GatewayTestSupport
@testable import FHIRSearch

/// The Synthea Bundles and US Core examples as one store (a temporary SQLite file) and as plain
/// resources for the oracle. Synthea's `urn:uuid` fullUrls become the ids and their references
/// `Type/id`; its conditional references (`Organization?identifier=…`) are resolved here by
/// identifier. Nothing of the gateway's transaction code is used, so the oracle sees the data
/// exactly as the store does.
final class OracleCorpus: @unchecked Sendable {
    // @unchecked: every stored property is a `let` filled in `load()` and never changed after.
    let byType: [String: [String: FHIRElement]]
    let store: SQLiteGatewayStore
    let folder: URL
    let environment: FHIRPathEnvironment

    var count: Int { byType.values.reduce(0) { $0 + $1.count } }

    private init(byType: [String: [String: FHIRElement]], store: SQLiteGatewayStore, folder: URL) {
        self.byType = byType
        self.store = store
        self.folder = folder
        let resources = byType
        environment = FHIRPathEnvironment(resolveReference: { reference in
            let parts = reference.split(separator: "/")
            guard parts.count >= 2, let resource = resources[String(parts[parts.count - 2])]?[String(parts[parts.count - 1])] else {
                return nil
            }
            return FHIRPathNode(resource: resource)
        }, castsFilterCollections: true)
    }

    deinit {
        try? store.checkpoint()
        try? FileManager.default.removeItem(at: folder)
    }

    static func load() throws -> OracleCorpus {
        let reader = FHIRJSONReader(mode: .lenient)
        var resources: [(type: String, id: String, element: FHIRElement)] = []
        var seen: Set<String> = []
        for file in SharedData.files(in: "synthea/bundles", withExtension: "json") {
            guard let bundle = reader.read(try SharedData.bytes(of: file)).resource else { continue }
            var targets: [String: String] = [:]
            var entries: [(String, FHIRElement)] = []
            for entry in bundle.children("entry") {
                guard let resource = entry.child("resource"), let type = resource.resourceType,
                      let fullUrl = entry.child("fullUrl")?.value, fullUrl.hasPrefix("urn:uuid:")
                else { continue }
                let id = String(fullUrl.dropFirst("urn:uuid:".count))
                targets[fullUrl] = "\(type)/\(id)"
                entries.append((id, resource))
            }
            for (id, resource) in entries {
                var element = Self.rewritten(resource, targets: targets)
                element.children.removeAll { $0.name == "id" }
                element.children.insert(FHIRElement(name: "id", value: id, form: .primitive), at: 0)
                guard let type = element.resourceType, seen.insert("\(type)/\(id)").inserted else { continue }
                resources.append((type, id, element))
            }
        }
        for file in SharedData.files(in: "us-core/examples", withExtension: "json") {
            guard let resource = reader.read(try SharedData.bytes(of: file)).resource, let type = resource.resourceType,
                  let id = resource.child("id")?.value, seen.insert("\(type)/\(id)").inserted
            else { continue }
            resources.append((type, id, resource))
        }
        // Conditional references resolve by identifier across everything loaded.
        var byIdentifier: [String: String] = [:]
        for resource in resources {
            for identifier in resource.element.children("identifier") {
                if let system = identifier.child("system")?.value, let value = identifier.child("value")?.value {
                    byIdentifier["\(resource.type)?identifier=\(system)|\(value)"] = "\(resource.type)/\(resource.id)"
                }
            }
        }
        resources = resources.map { ($0.type, $0.id, Self.rewritten($0.element, targets: byIdentifier)) }

        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("oracle-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let store = try SQLiteGatewayStore(path: folder.appendingPathComponent("oracle.sqlite").path)
        let writer = FHIRJSONWriter()
        for start in stride(from: 0, to: resources.count, by: 500) {
            try store.write { transaction in
                for resource in resources[start..<min(start + 500, resources.count)] {
                    _ = try transaction.create(
                        type: resource.type, id: resource.id, body: Data(writer.write(resource.element)),
                        index: SearchIndexer.r4.index(resource.element))
                }
            }
        }
        var byType: [String: [String: FHIRElement]] = [:]
        for resource in resources { byType[resource.type, default: [:]][resource.id] = resource.element }
        return OracleCorpus(byType: byType, store: store, folder: folder)
    }

    /// Every `reference` whose text is a key of `targets`, replaced by its value.
    static func rewritten(_ element: FHIRElement, targets: [String: String]) -> FHIRElement {
        var copy = element
        if copy.name == "reference", let value = copy.value, let target = targets[value] { copy.value = target }
        copy.children = copy.children.map { rewritten($0, targets: targets) }
        return copy
    }

    /// Every match of a search, following `next` cursors.
    func search(_ type: String, _ items: [(String, String)], parser: SearchQueryParser) throws -> Set<String> {
        var query = try parser.parse(type: type, items.map { (name: $0.0, value: $0.1) }).query
        query.count = 5_000
        var ids: Set<String> = []
        repeat {
            let page = try store.read { try $0.search(query) }
            ids.formUnion(page.resources.map(\.id))
            query.cursor = page.next
        } while query.cursor != nil
        return ids
    }

    /// The parameter's values in one resource, read from its FHIRPath results by their FHIR type.
    func values(of expression: FHIRPathExpression, type: SearchParameterType, on resource: FHIRElement) -> [OracleValue] {
        guard let items = try? expression.evaluate(on: resource, environment: environment) else { return [] }
        return items.flatMap { item -> [OracleValue] in
            switch item {
            case .node(let node): return Self.values(of: node, type: type)
            case .string(let text): return type == .uri ? [.uri(text)] : type == .token ? [.token(system: nil, code: text)] : [.string(text)]
            case .boolean(let flag): return type == .token ? [.token(system: nil, code: flag ? "true" : "false")] : []
            default: return []
            }
        }
    }

    static func values(of node: FHIRPathNode, type: SearchParameterType) -> [OracleValue] {
        let element = node.element
        func text(_ name: String) -> [String] { element.children(name).compactMap(\.value) }
        switch (type, node.typeName) {
        case (.string, "HumanName"):
            return (text("family") + text("given") + text("prefix") + text("suffix") + text("text")).map(OracleValue.string)
        case (.string, "Address"):
            return (text("line") + text("city") + text("district") + text("state") + text("postalCode") + text("country") + text("text"))
                .map(OracleValue.string)
        case (.string, _):
            return element.value.map { [.string($0)] } ?? []
        case (.token, "Coding"):
            return element.child("code")?.value.map { [.token(system: element.child("system")?.value, code: $0)] } ?? []
        case (.token, "CodeableConcept"):
            return element.children("coding").compactMap { coding in
                coding.child("code")?.value.map { OracleValue.token(system: coding.child("system")?.value, code: $0) }
            }
        case (.token, "Identifier"):
            return element.child("value")?.value.map { [.token(system: element.child("system")?.value, code: $0)] } ?? []
        case (.token, "ContactPoint"):
            return element.child("value")?.value.map { [.token(system: nil, code: $0)] } ?? []
        case (.token, _):
            return element.value.map { [.token(system: nil, code: $0)] } ?? []
        case (.reference, "Reference"):
            guard let reference = element.child("reference")?.value, !reference.hasPrefix("#") else { return [] }
            return [.reference(reference)]
        case (.reference, _), (.uri, _):
            guard let value = element.value else { return [] }
            return [type == .uri ? .uri(value) : .reference(value)]
        case (.date, "Period"):
            let low = element.child("start")?.value.flatMap { SearchDateInterval(lexeme: $0)?.low } ?? .distantPast
            let high = element.child("end")?.value.flatMap { SearchDateInterval(lexeme: $0)?.high } ?? .distantFuture
            return [.date(low: low.microsecondsSinceEpoch, high: high.microsecondsSinceEpoch)]
        case (.date, _):
            guard let lexeme = element.value, let interval = SearchDateInterval(lexeme: lexeme) else { return [] }
            return [.date(low: interval.low.microsecondsSinceEpoch, high: interval.high.microsecondsSinceEpoch)]
        case (.number, _):
            return element.value.flatMap { number($0, system: nil, code: nil) }.map { [$0] } ?? []
        case (.quantity, "Quantity"), (.quantity, "Age"), (.quantity, "Duration"), (.quantity, "SimpleQuantity"),
             (.quantity, "Distance"), (.quantity, "Count"):
            guard let lexeme = element.child("value")?.value else { return [] }
            let code = element.child("code")?.value ?? element.child("unit")?.value
            return number(lexeme, system: element.child("system")?.value, code: code).map { [$0] } ?? []
        default:
            return []
        }
    }

    /// A decimal lexeme as the interval its precision implies, in exact decimal arithmetic.
    static func number(_ lexeme: String, system: String?, code: String?) -> OracleValue? {
        guard let value = Decimal(string: lexeme), !lexeme.lowercased().contains("e") else { return nil }
        let decimals = lexeme.split(separator: ".").dropFirst().first?.count ?? 0
        var half = Decimal(5)
        for _ in 0...decimals { half /= 10 }
        return .number(low: value - half, high: value + half, lexeme: lexeme, system: system, code: code)
    }
}
