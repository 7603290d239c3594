import FHIRCore
import FHIRJSON
import FHIRPath
import FHIRXML
import Foundation

/// The official FHIRPath test suite for R4 (`fhir-test-cases/r4/fhirpath/tests-fhir-r4.xml`):
/// its tests as read by `MiniXML`, and a runner that checks our engine against each.
struct OfficialSuite {
    /// One `<output>`: the type the suite names (`boolean`, `code`, `date`, `Quantity`…) and the
    /// value as written (dates with their `@`).
    struct Output: Sendable, CustomStringConvertible {
        /// Empty when the suite gives no type (the `lowBoundary()` and `precision()` tests).
        let type: String
        let value: String
        var description: String { "\(type) \(value)" }
    }

    /// One `<test>`.
    struct Case: Sendable {
        let name: String
        let group: String
        let inputFile: String?
        let expression: String
        /// `strict` (on the test or on its expression), or nil.
        let mode: String?
        /// `predicate="true"`: the result is read as one Boolean before comparing.
        let predicate: Bool
        /// `syntax`, `semantic`, `execution` or `true`: the expression must fail. Any error
        /// counts: the engine reports most semantic errors at run time, and six tests disagree
        /// on the kind (`@T14:34:28Z` is a syntax error here, `execution` in the suite;
        /// `iif(1 | 2 | 3, …)` and `@1974-12-25 + 7` are execution errors here, `semantic` in
        /// the suite; `as(string1)`/`ofType(string1)` are semantic here, `execution` there).
        let invalid: String?
        /// `ordered="false"`: the outputs may come in any order.
        let ordered: Bool
        let outputs: [Output]

        /// Strict names where the suite asks for strict mode or expects a semantic error (our
        /// engine finds unknown names at run time, and only in strict mode).
        var strictNames: Bool { mode == "strict" || invalid == "semantic" }
    }

    /// Tests we do not run, each with why. Each one is tried anyway and reported if it passes.
    static let skipped: [String: String] = [
        "testSubSetOf3": "our strict JSON reader rejects explanationofbenefit-example.json",
        "testPrimitiveExtensions": "our strict JSON reader rejects patient-name-extensions.json",
        "testQuantity9": "UCUM unit multiplication (cm × m = m2) is not implemented",
        "testPolymorphismAsB": "strict mode finds unknown names only at run time, and `as Period` leaves nothing to navigate",
    ]

    let cases: [Case]

    /// Reads the suite. `<test>` elements inside comments are not tests; `<modeTest>` is not either.
    init(suiteFile: URL) throws {
        let root = try MiniXML.parse(Array(try Data(contentsOf: suiteFile)))
        var cases: [Case] = []
        for group in root.elements("group") {
            for test in group.elements("test") {
                let expressions = test.elements("expression")
                guard expressions.count == 1, let expression = expressions.first else {
                    throw MiniXMLError(message: "test \(test["name"] ?? "?") has \(expressions.count) expressions", line: 0)
                }
                cases.append(Case(
                    name: test["name"] ?? "(unnamed in \(group["name"] ?? "?"))",
                    group: group["name"] ?? "",
                    inputFile: test["inputfile"],
                    expression: expression.text,
                    mode: expression["mode"] ?? test["mode"],
                    predicate: test["predicate"] == "true",
                    invalid: expression["invalid"],
                    ordered: test["ordered"] != "false",
                    outputs: test.elements("output").map { Output(type: $0["type"] ?? "", value: $0.text) }))
            }
        }
        self.cases = cases
    }

    // MARK: Inputs

    /// The resources the tests run on, read once each; a failure names the reader's first issues.
    final class Inputs: @unchecked Sendable {
        private let folder: URL
        private var cache: [String: Result<FHIRElement, InputError>] = [:]
        private let lock = NSLock()

        struct InputError: Error, CustomStringConvertible {
            let description: String
        }

        init(folder: URL) {
            self.folder = folder
        }

        func resource(_ name: String) -> Result<FHIRElement, InputError> {
            lock.lock()
            defer { lock.unlock() }
            if let cached = cache[name] { return cached }
            let result = Self.read(folder.appendingPathComponent(name), name: name)
            cache[name] = result
            return result
        }

        private static func read(_ url: URL, name: String) -> Result<FHIRElement, InputError> {
            guard var bytes = try? Array(Data(contentsOf: url)) else {
                return .failure(InputError(description: "\(name) cannot be read"))
            }
            if name == "observation-example.xml" { bytes = repairObservation(bytes) }
            let result = name.hasSuffix(".json") ? FHIRJSONReader().read(bytes) : FHIRXMLReader().read(bytes)
            guard let resource = result.resource, !result.hasErrors else {
                let issues = result.issues.filter(\.isError).prefix(3).map(\.description)
                return .failure(InputError(description: "\(name) does not read: \(issues.joined(separator: "; "))"))
            }
            return .success(resource)
        }

        /// `observation-example.xml` has `<status>` right after `<text>`, before `<extension>`;
        /// our strict reader refuses elements out of order, so it moves after the extension.
        static func repairObservation(_ bytes: [UInt8]) -> [UInt8] {
            var text = String(decoding: bytes, as: UTF8.self)
            let status = "<status value=\"final\"/>"
            guard let misplaced = text.range(of: "</text>" + status) else { return bytes }
            text.replaceSubrange(misplaced, with: "</text>")
            guard let extensionEnd = text.range(of: "</extension>") else { return bytes }
            text.insert(contentsOf: status, at: extensionEnd.upperBound)
            return Array(text.utf8)
        }
    }

    // MARK: Running

    enum Outcome: Sendable {
        case passed
        case failed(String)
    }

    /// Runs one test: compile, evaluate, compare.
    static func run(_ test: Case, inputs: Inputs) -> Outcome {
        var focus: FHIRPathNode?
        if let file = test.inputFile {
            switch inputs.resource(file) {
            case .success(let resource): focus = FHIRPathNode(resource: resource)
            case .failure(let error): return .failed("input: \(error)")
            }
        }
        let environment = FHIRPathEnvironment(strictNames: test.strictNames)
        let compiled: FHIRPathExpression
        do {
            compiled = try FHIRPathExpression(test.expression)
        } catch {
            return test.invalid != nil ? .passed : .failed("unexpected \(error)")
        }
        let result: [FHIRPathItem]
        do {
            if let focus {
                result = try compiled.evaluate(focus: focus, resource: focus, rootResource: focus, environment: environment)
            } else {
                result = try compiled.evaluate(focus: [], resource: nil, environment: environment)
            }
        } catch {
            return test.invalid != nil ? .passed : .failed("unexpected \(error)")
        }
        if let invalid = test.invalid {
            return .failed("expected a \(invalid) error, got \(describe(result))")
        }
        var actual = result
        if test.predicate {
            actual = [.boolean(predicateValue(result))]
        }
        return compare(actual, test.outputs, ordered: test.ordered)
    }

    /// The suite's reading of a result as a predicate: empty is false, one Boolean is itself,
    /// anything else is true.
    static func predicateValue(_ items: [FHIRPathItem]) -> Bool {
        guard let first = items.first else { return false }
        if items.count == 1, case .boolean(let flag)? = first.systemValue { return flag }
        return true
    }

    static func compare(_ actual: [FHIRPathItem], _ expected: [Output], ordered: Bool) -> Outcome {
        let mismatch = Outcome.failed("expected [\(expected.map(\.description).joined(separator: ", "))], got \(describe(actual))")
        guard actual.count == expected.count else { return mismatch }
        if ordered {
            for (item, output) in zip(actual, expected) where !matches(item, output) { return mismatch }
            return .passed
        }
        var unmatched = actual
        for output in expected {
            guard let index = unmatched.firstIndex(where: { matches($0, output) }) else { return mismatch }
            unmatched.remove(at: index)
        }
        return .passed
    }

    /// Whether one result item is the expected output: the type the suite names and the value.
    static func matches(_ item: FHIRPathItem, _ output: Output) -> Bool {
        guard output.type.isEmpty || typeMatches(item, output.type), let value = item.systemValue else { return false }
        let expected = output.value
        switch value {
        case .boolean(let flag):
            return expected == (flag ? "true" : "false")
        case .integer(let integer):
            return Int(expected) == integer
        case .decimal(let decimal):
            // The digits as written when the suite spells them out (precision matters for
            // `lowBoundary()`); otherwise the same number (`2 / 2` is `1` or `1.0`).
            return decimal.description == expected || (FHIRPathDecimal(lexeme: expected).map { $0.value == decimal.value } ?? false)
        case .string(let text):
            return text == expected
        case .temporal(let temporal):
            var body = expected.hasPrefix("@") ? String(expected.dropFirst()) : expected
            if temporal.kind == .time, body.hasPrefix("T") { body.removeFirst() }
            return temporal.description == body || FHIRPathDateTime(parsing: body, as: temporal.kind) == temporal
        case .quantity(let quantity):
            return parseQuantity(expected).map { $0.value.value == quantity.value.value && $0.unit == quantity.unit } ?? false
        case .typeInfo(let namespace, let name):
            return expected == "\(namespace).\(name)" || expected == name
        case .node:
            return false
        }
    }

    /// The suite's type names are FHIR types (`code`, `id`) or System types in lower case
    /// (`boolean`, `date`), `Quantity` for both.
    static func typeMatches(_ item: FHIRPathItem, _ type: String) -> Bool {
        if case .node(let node) = item {
            if node.typeName.lowercased() == type.lowercased() { return true }
            // A FHIR Quantity (or Age…) node reads as a System Quantity.
            return type == "Quantity" && node.primitiveKind == nil && item.systemValue != nil
        }
        return item.typeName.name.lowercased() == type.lowercased()
    }

    /// `4 'g'`, `1 year`, `3`.
    static func parseQuantity(_ text: String) -> FHIRPathQuantity? {
        let parts = text.split(separator: " ", maxSplits: 1).map(String.init)
        guard let first = parts.first, let number = FHIRPathDecimal(lexeme: first) else { return nil }
        guard parts.count == 2 else { return FHIRPathQuantity(value: number, unit: "1") }
        var unit = parts[1]
        if unit.hasPrefix("'"), unit.hasSuffix("'"), unit.count >= 2 { unit = String(unit.dropFirst().dropLast()) }
        return FHIRPathQuantity(value: number, unit: unit)
    }

    /// A result for failure messages: types and values (the suite's data is public test data).
    static func describe(_ items: [FHIRPathItem]) -> String {
        "[" + items.map { item -> String in
            let type = item.typeName.name
            switch item.systemValue {
            case .boolean(let flag)?: return "\(type) \(flag)"
            case .integer(let integer)?: return "\(type) \(integer)"
            case .decimal(let decimal)?: return "\(type) \(decimal)"
            case .string(let text)?: return "\(type) '\(text)'"
            case .temporal(let temporal)?: return "\(type) @\(temporal)"
            case .quantity(let quantity)?: return "\(type) \(quantity)"
            case .typeInfo(let namespace, let name)?: return "TypeInfo \(namespace).\(name)"
            case .node?, nil: return type
            }
        }.joined(separator: ", ") + "]"
    }
}
