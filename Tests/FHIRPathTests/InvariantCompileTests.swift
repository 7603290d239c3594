import FHIRPath
import Foundation
import GatewayTestSupport
import Testing

/// Every FHIRPath expression the R4 core definitions carry compiles: the invariants
/// (`constraint.expression`) of every StructureDefinition and the expression of every
/// SearchParameter. Compiling is what the validator and the search indexer do at start-up.
@Suite("R4 core expressions compile")
struct InvariantCompileTests {
    static let definitions = "fhir-r4/definitions"

    /// The files of `definitions` whose names start with `prefix`, parsed.
    static func documents(_ prefix: String) throws -> [(name: String, json: JSONValue)] {
        try SharedData.files(in: definitions, withExtension: "json")
            .filter { $0.lastPathComponent.hasPrefix(prefix) }
            .map { ($0.lastPathComponent, try JSONValue.parse(try SharedData.bytes(of: $0))) }
    }

    struct Constraint: Hashable {
        let key: String
        let expression: String
    }

    @Test("every constraint.expression of every StructureDefinition compiles (248 distinct)",
          .enabled(if: SharedData.root != nil, Comment(rawValue: SharedData.absentMessage)))
    func invariants() throws {
        let structures = try Self.documents("StructureDefinition-")
        #expect(structures.count > 600, "only \(structures.count) StructureDefinitions found")
        var constraints: Set<Constraint> = []
        for (_, json) in structures {
            guard case .object(let definition) = json else { continue }
            for part in ["snapshot", "differential"] {
                guard case .object(let view)? = definition[part], case .array(let elements)? = view["element"] else { continue }
                for case .object(let element) in elements {
                    guard case .array(let list)? = element["constraint"] else { continue }
                    for case .object(let constraint) in list {
                        guard case .string(let key)? = constraint["key"],
                              case .string(let expression)? = constraint["expression"]
                        else { continue }
                        constraints.insert(Constraint(key: key, expression: expression))
                    }
                }
            }
        }
        var failures: [String] = []
        for constraint in constraints.sorted(by: { ($0.key, $0.expression) < ($1.key, $1.expression) }) {
            do {
                _ = try FHIRPathExpression(constraint.expression)
            } catch {
                failures.append("\(constraint.key): \(error) in \(constraint.expression)")
            }
        }
        print("R4 invariants: \(constraints.count - failures.count) of \(constraints.count) distinct key/expression pairs "
              + "from \(structures.count) StructureDefinitions compile")
        #expect(constraints.count == 248)
        #expect(failures.isEmpty, "\(failures.count) did not compile:\n\(failures.joined(separator: "\n"))")
    }

    @Test("every SearchParameter expression compiles (1,384)",
          .enabled(if: SharedData.root != nil, Comment(rawValue: SharedData.absentMessage)))
    func searchParameters() throws {
        let parameters = try Self.documents("SearchParameter-")
        var compiled = 0
        var withoutExpression = 0
        var failures: [String] = []
        for (name, json) in parameters {
            guard case .object(let parameter) = json, case .string(let expression)? = parameter["expression"] else {
                withoutExpression += 1
                continue
            }
            do {
                _ = try FHIRPathExpression(expression)
                compiled += 1
            } catch {
                failures.append("\(name): \(error) in \(expression)")
            }
        }
        print("R4 search parameters: \(compiled) of \(compiled + failures.count) expressions compile "
              + "(\(withoutExpression) of \(parameters.count) files have no expression)")
        #expect(compiled + failures.count == 1384)
        #expect(failures.isEmpty, "\(failures.count) did not compile:\n\(failures.joined(separator: "\n"))")
    }
}
