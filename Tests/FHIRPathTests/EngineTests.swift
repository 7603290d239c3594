import FHIRCore
import FHIRJSON
import FHIRPath
import Foundation
import Testing

/// Unit tests of the engine's behaviour that the official suite covers thinly or not at all.
@Suite("FHIRPath engine")
struct EngineTests {
    // MARK: Helpers

    static func resource(_ json: String) throws -> FHIRElement {
        let result = FHIRJSONReader().read(Array(json.utf8))
        #expect(!result.hasErrors, "\(result.issues.map(\.description))")
        return try #require(result.resource)
    }

    static let patient = """
        {"resourceType": "Patient", "id": "pat1",
         "name": [{"family": "Chalmers", "given": ["Peter", "James"]}, {"use": "nickname", "given": ["Jim"]}],
         "gender": "male", "birthDate": "1974-12",
         "contact": [{"name": {"family": "Chalmers"}}, {"gender": "female"}],
         "managingOrganization": {"reference": "Organization/org1"}}
        """

    static let observation = """
        {"resourceType": "Observation", "id": "obs1",
         "contained": [{"resourceType": "Patient", "id": "p1", "name": [{"family": "Contained"}]}],
         "status": "final", "code": {"text": "weight"},
         "subject": {"reference": "#p1"},
         "performer": [{"reference": "Practitioner/doc1"}],
         "valueQuantity": {"value": 1.50, "unit": "kg", "system": "http://unitsofmeasure.org", "code": "kg"}}
        """

    /// Evaluates on a resource (or on nothing) and renders each item as text: System values as
    /// FHIRPath would write them, nodes by their FHIR type in angle brackets.
    static func evaluate(
        _ expression: String, on json: String? = nil, environment: FHIRPathEnvironment = FHIRPathEnvironment()
    ) throws -> [String] {
        let compiled = try FHIRPathExpression(expression)
        let items: [FHIRPathItem]
        if let json {
            items = try compiled.evaluate(on: try resource(json), environment: environment)
        } else {
            items = try compiled.evaluate(focus: [], resource: nil, environment: environment)
        }
        return items.map(render)
    }

    static func render(_ item: FHIRPathItem) -> String {
        switch item {
        case .node(let node):
            guard node.primitiveKind != nil, let value = item.systemValue else { return "<\(node.typeName)>" }
            return render(value)
        case .boolean(let flag): return flag ? "true" : "false"
        case .string(let text): return "'\(text)'"
        case .integer(let integer): return "\(integer)"
        case .decimal(let decimal): return decimal.description
        case .temporal(let value): return "@\(value.kind == .time ? "T" : "")\(value)"
        case .quantity(let quantity): return quantity.description
        case .typeInfo(let namespace, let name): return "\(namespace).\(name)"
        }
    }

    // MARK: Precedence

    @Test("operators bind by N1 precedence, left to right, implies to the right", arguments: [
        ("1 + 2 * 3", "7"),
        ("(1 + 2) * 3", "9"),
        ("2 - 3 - 4", "-5"),
        ("5 div 2 * 2", "4"),
        ("7 mod 4 + 1", "4"),
        ("true or false and false", "true"),
        ("(true or false) and false", "false"),
        ("true xor true or true", "true"),
        ("false implies false implies false", "true"),
        ("1 < 2 = true", "true"),
        ("'a' & 'b' = 'ab'", "true"),
        ("1 + 2 in (3 | 4)", "true"),
        ("(1 | 2 | 3).count() = 3 and 2 > 1", "true"),
        ("-2 + 5", "3"),
        ("(1 | 1 is Integer).count()", "2"),
    ])
    func precedence(_ expression: String, _ expected: String) throws {
        #expect(try Self.evaluate(expression) == [expected], "\(expression)")
    }

    // MARK: Empty and three-valued logic

    @Test("empty propagates through arithmetic, comparison and functions")
    func emptyPropagation() throws {
        for expression in ["{} + 1", "1 - {}", "{} = 1", "1 != {}", "{} < 1", "{} = {}", "{}.not()", "{} & {} = ''",
                           "Patient.deceased + 1", "Patient.name.suffix.upper()", "{}.substring(1)"] {
            let result = try Self.evaluate(expression, on: Self.patient)
            if expression == "{} & {} = ''" {
                #expect(result == ["true"], "& treats empty as '' (N1 §6.6.3)")
            } else {
                #expect(result.isEmpty, "\(expression) gave \(result)")
            }
        }
        #expect(try Self.evaluate("{} ~ {}") == ["true"])
        #expect(try Self.evaluate("{}.empty()") == ["true"])
        #expect(try Self.evaluate("{}.count()") == ["0"])
    }

    @Test("and, or, xor, implies follow the three-valued truth tables", arguments: [
        ("true and {}", nil), ("false and {}", "false"), ("{} and false", "false"), ("{} and {}", nil),
        ("true or {}", "true"), ("{} or true", "true"), ("false or {}", nil), ("{} or {}", nil),
        ("true xor {}", nil), ("{} xor false", nil), ("true xor false", "true"),
        ("false implies {}", "true"), ("{} implies true", "true"), ("true implies {}", nil), ("{} implies false", nil),
        ("true and 'text'", "true"),
    ] as [(String, String?)])
    func threeValuedLogic(_ expression: String, _ expected: String?) throws {
        #expect(try Self.evaluate(expression) == (expected.map { [$0] } ?? []), "\(expression)")
    }

    @Test("a collection of several items where one is needed is an execution error")
    func singletonError() throws {
        let error = #expect(throws: FHIRPathEvaluationError.self) {
            try Self.evaluate("Patient.name.given + 'x'", on: Self.patient)
        }
        #expect(error?.kind == .execution)
    }

    // MARK: Decimals

    @Test("decimals keep the digits after the point: 1.50 stays 1.50")
    func decimalPrecision() throws {
        #expect(try Self.evaluate("1.50") == ["1.50"])
        #expect(try Self.evaluate("1.50.toString()") == ["'1.50'"])
        #expect(try Self.evaluate("1.50 = 1.5") == ["true"])
        #expect(try Self.evaluate("1.50 + 1.0") == ["2.50"])
        #expect(try Self.evaluate("0.1 + 0.2 = 0.3") == ["true"], "decimal, not binary floating point")
        #expect(try Self.evaluate("Observation.value.value", on: Self.observation) == ["1.50"])
        #expect(try Self.evaluate("Observation.value.value.precision()", on: Self.observation) == ["2"])
        let value = try FHIRPathExpression("1.50").evaluate(focus: [], resource: nil)
        guard case .decimal(let decimal)? = value.first else {
            Issue.record("1.50 is not a Decimal: \(value)")
            return
        }
        #expect(decimal.scale == 2)
        #expect(decimal.description == "1.50")
        #expect(FHIRPathDecimal(lexeme: "1.50")?.description == "1.50")
        #expect(FHIRPathDecimal(lexeme: "1e3") == nil, "FHIR decimals have no exponent")
    }

    // MARK: Dates

    @Test("comparing dates of different precision gives empty where the answer is open", arguments: [
        ("@2012 < @2012-05", nil),
        ("@2012-01 = @2012-01-15", nil),
        ("@2012-01 < @2013-05-01", "true"),
        ("@2012-05 > @2012-04-30", "true"),
        ("@2012-01-01T10:30 = @2012-01-01T10:30:00", nil),
        ("@2012-01-01 = @2012-01-01", "true"),
        ("@2012-01 ~ @2012-01-15", "false"),
        ("Patient.birthDate < @1974-12-25", nil),
        ("Patient.birthDate < @1975", "true"),
        ("Patient.birthDate = @1974-12", "true"),
        ("Patient.birthDate < @1975-01-01", "true"),
    ] as [(String, String?)])
    func partialDates(_ expression: String, _ expected: String?) throws {
        #expect(try Self.evaluate(expression, on: Self.patient) == (expected.map { [$0] } ?? []), "\(expression)")
    }

    // MARK: Choice elements

    @Test("a choice element is reached by its FHIRPath name and typed by its suffix")
    func choiceNavigation() throws {
        #expect(try Self.evaluate("Observation.value", on: Self.observation) == ["<Quantity>"])
        #expect(try Self.evaluate("Observation.value.ofType(Quantity).unit", on: Self.observation) == ["'kg'"])
        #expect(try Self.evaluate("Observation.value is Quantity", on: Self.observation) == ["true"])
        #expect(try Self.evaluate("Observation.value.ofType(string)", on: Self.observation).isEmpty)
        #expect(try Self.evaluate("(Observation.value as Quantity).code", on: Self.observation) == ["'kg'"])
        #expect(try Self.evaluate("Observation.value < 2 'kg'", on: Self.observation) == ["true"])
        #expect(try Self.evaluate("Observation.value > 1400 'g'", on: Self.observation) == ["true"])
        // The name with its suffix is not a FHIRPath name: empty, or an error in strict mode.
        #expect(try Self.evaluate("Observation.valueQuantity", on: Self.observation).isEmpty)
        #expect(throws: FHIRPathEvaluationError.self) {
            try Self.evaluate("Observation.valueQuantity", on: Self.observation,
                              environment: FHIRPathEnvironment(strictNames: true))
        }
    }

    // MARK: References

    @Test("resolve() finds a contained resource by #id, and the resource itself by #")
    func resolveContained() throws {
        #expect(try Self.evaluate("Observation.subject.resolve().name.family", on: Self.observation) == ["'Contained'"])
        #expect(try Self.evaluate("subject.resolve() is Patient", on: Self.observation) == ["true"])
        #expect(try Self.evaluate("subject.reference.resolve().id", on: Self.observation) == ["'p1'"])
        #expect(try Self.evaluate("'#'.resolve().id", on: Self.observation) == ["'obs1'"])
        #expect(try Self.evaluate("'#nothere'.resolve()", on: Self.observation).isEmpty)
        // Without a resolver, other references resolve to nothing.
        #expect(try Self.evaluate("performer.resolve()", on: Self.observation).isEmpty)
    }

    @Test("resolve() hands other references to the environment's resolver")
    func resolveReferenceHook() throws {
        let practitioner = try Self.resource("""
            {"resourceType": "Practitioner", "id": "doc1", "name": [{"family": "Careful"}]}
            """)
        let asked = Locked<[String]>([])
        let environment = FHIRPathEnvironment(resolveReference: { reference in
            asked.withLock { $0.append(reference) }
            return reference == "Practitioner/doc1" ? FHIRPathNode(resource: practitioner) : nil
        })
        #expect(try Self.evaluate("performer.resolve().name.family", on: Self.observation, environment: environment)
                == ["'Careful'"])
        #expect(try Self.evaluate("performer.resolve() is Practitioner", on: Self.observation, environment: environment)
                == ["true"])
        #expect(try Self.evaluate("'Patient/unknown'.resolve()", on: Self.observation, environment: environment).isEmpty)
        #expect(try Self.evaluate("subject.resolve().id", on: Self.observation, environment: environment) == ["'p1'"],
                "a #id is resolved without the hook")
        #expect(asked.withLock { $0 } == ["Practitioner/doc1", "Practitioner/doc1", "Patient/unknown"])
    }

    // MARK: Invariants on elements

    @Test("an invariant evaluates on an element inside a resource, with %resource the resource")
    func invariantOnElement() throws {
        let patient = try Self.resource(Self.patient)
        let resourceNode = FHIRPathNode(resource: patient)
        let contacts = patient.children("contact")
        #expect(contacts.count == 2)
        // pat-1: SHALL at least contain a contact's details or a reference to an organization.
        let pat1 = try FHIRPathExpression(
            "name.exists() or telecom.exists() or address.exists() or organization.exists()")
        let first = try #require(FHIRPathNode(element: contacts[0], path: "Patient.contact"))
        let second = try #require(FHIRPathNode(element: contacts[1], path: "Patient.contact"))
        #expect(try pat1.evaluateBoolean(focus: first, resource: resourceNode) == true)
        #expect(try pat1.evaluateBoolean(focus: second, resource: resourceNode) == false)
        // %resource and %context are bound as an invariant needs them.
        let context = try FHIRPathExpression("%resource.id = 'pat1' and %context.gender = 'female'")
        #expect(try context.evaluateBoolean(focus: second, resource: resourceNode) == true)
        // A data type's invariant on a data type node (qty-3: a code needs a system).
        let quantity = FHIRElement(name: "valueQuantity", children: [
            FHIRElement(name: "value", value: "3", form: [.primitive, .number]),
            FHIRElement(name: "code", value: "mg", form: .primitive),
        ])
        let qty3 = try FHIRPathExpression("code.empty() or system.exists()")
        let node = try #require(FHIRPathNode(element: quantity, path: "Quantity"))
        #expect(try qty3.evaluateBoolean(focus: node, resource: nil) == false)
        // An empty result is `nil`, not `false`.
        #expect(try FHIRPathExpression("comparator = '<'").evaluateBoolean(focus: node, resource: nil) == nil)
        #expect(FHIRPathNode(element: quantity, path: "NoSuchType.element") == nil)
    }

    @Test("evaluateBoolean refuses a result of several items")
    func evaluateBooleanSeveral() throws {
        let patient = FHIRPathNode(resource: try Self.resource(Self.patient))
        #expect(throws: FHIRPathEvaluationError.self) {
            try FHIRPathExpression("name.given").evaluateBoolean(focus: patient, resource: patient)
        }
    }

    // MARK: Errors

    @Test("syntax errors carry line and column", arguments: [
        ("1 +\n  * 2", "unexpected symbol", 2, 3),
        ("Patient.name.where(given = 'x'", "expected ')'", 1, 31),
        ("name = 'abc", "unterminated string", 1, 8),
        ("name.\n\n   where(", "unexpected end of expression", 3, 10),
        ("nosuchfunction()", "unknown function", 1, 1),
        ("2 + 2 /* open", "unterminated comment", 1, 7),
        ("'é' = 'e' and (", "unexpected end of expression", 1, 16),
    ])
    func syntaxErrorLocation(_ text: String, _ message: String, _ line: Int, _ column: Int) {
        let error = #expect(throws: FHIRPathSyntaxError.self) {
            _ = try FHIRPathExpression(text)
        }
        guard let error else { return }
        #expect(error.message == message, "\(text): \(error)")
        #expect(error.line == line && error.column == column, "\(text): \(error)")
        #expect(error.description.contains("\(line):\(column)"))
    }

    @Test("error messages name constructs, never data values")
    func noDataInErrors() throws {
        // A string literal that does not end: its text stays out of the message.
        do {
            _ = try FHIRPathExpression("name.family = 'SECRET-Chalmers")
            Issue.record("expected a syntax error")
        } catch {
            #expect(!error.description.contains("SECRET"))
            #expect(!error.message.contains("Chalmers"))
        }
        do {
            _ = try FHIRPathExpression("name.family = 'SECRET' and ((")
            Issue.record("expected a syntax error")
        } catch {
            #expect(!error.description.contains("SECRET"))
        }
        // Evaluation errors on patient data name types and operations only.
        for expression in ["Patient.name.family < 5", "Patient.name.given.single()", "Patient.name.family - 1",
                           "Patient.birthDate + 7", "-Patient.gender"] {
            do {
                let result = try Self.evaluate(expression, on: Self.patient)
                Issue.record("\(expression) gave \(result) instead of an error")
            } catch let error as FHIRPathEvaluationError {
                for value in ["Chalmers", "Peter", "James", "1974", "male"] {
                    #expect(!error.description.contains(value), "\(expression): \(error)")
                }
            }
        }
        // trace() reports a name and a count, never the items.
        let traced = Locked<[String]>([])
        let environment = FHIRPathEnvironment(trace: { name, count in traced.withLock { $0.append("\(name):\(count)") } })
        #expect(try Self.evaluate("Patient.name.given.trace('given').count()", on: Self.patient, environment: environment)
                == ["3"])
        #expect(traced.withLock { $0 } == ["given:3"])
    }

    // MARK: Strict mode

    @Test("strict mode turns unknown names into semantic errors; lenient mode gives empty")
    func strictMode() throws {
        let strict = FHIRPathEnvironment(strictNames: true)
        for expression in ["Patient.nmae", "name.given1", "Patient.contact.nosuch", "children().first()"] {
            #expect(try Self.evaluate(expression, on: Self.patient).count <= 1, "\(expression) in lenient mode")
            let error = #expect(throws: FHIRPathEvaluationError.self, "\(expression) in strict mode") {
                try Self.evaluate(expression, on: Self.patient, environment: strict)
            }
            #expect(error?.kind == .semantic, "\(expression): \(String(describing: error))")
        }
        #expect(try Self.evaluate("Patient.nmae", on: Self.patient).isEmpty)
        // Known names still work in strict mode, and so do names of other types at a path start.
        #expect(try Self.evaluate("Patient.name.given.first()", on: Self.patient, environment: strict) == ["'Peter'"])
        #expect(try Self.evaluate("Patient.name.period", on: Self.patient, environment: strict).isEmpty)
        #expect(throws: FHIRPathEvaluationError.self) {
            try Self.evaluate("%nosuchvariable", on: Self.patient)
        }
        #expect(throws: FHIRPathEvaluationError.self) {
            try Self.evaluate("Patient.gender.is(NoSuchType)", on: Self.patient)
        }
    }

    @Test("variables of the environment and the FHIR constants")
    func variables() throws {
        let environment = FHIRPathEnvironment(variables: ["limit": [.integer(2)]])
        #expect(try Self.evaluate("Patient.name.given.count() > %limit", on: Self.patient, environment: environment)
                == ["true"])
        #expect(try Self.evaluate("%ucum") == ["'http://unitsofmeasure.org'"])
        #expect(try Self.evaluate("%`vs-administrative-gender`") == ["'http://hl7.org/fhir/ValueSet/administrative-gender'"])
        #expect(try Self.evaluate("%'ext-patient-birthPlace'") == ["'http://hl7.org/fhir/StructureDefinition/patient-birthPlace'"])
        let fixed = FHIRPathEnvironment(now: Date(timeIntervalSince1970: 0))
        #expect(try Self.evaluate("today().toString().substring(0, 4)", environment: fixed).count == 1)
        #expect(try Self.evaluate("now() > @1969-12-30", environment: fixed) == ["true"])
        #expect(try Self.evaluate("now() < @1970-01-02", environment: fixed) == ["true"])
    }

    // MARK: Threads

    @Test("one compiled expression evaluates on many threads at once")
    func concurrentEvaluation() throws {
        let expression = try FHIRPathExpression(
            "name.given.where($this.matches('^P[0-9]+$')).count() + contact.count()")
        let patients = try (0..<8).map { index in
            try Self.resource("""
                {"resourceType": "Patient", "id": "p\(index)",
                 "name": [{"given": [\((0...index).map { "\"P\($0)\"" }.joined(separator: ", "))]}],
                 "contact": [{"gender": "female"}]}
                """)
        }
        let iterations = 400
        let results = Locked<[Int: String]>([:])
        DispatchQueue.concurrentPerform(iterations: iterations) { iteration in
            let index = iteration % patients.count
            let answer: String
            do {
                answer = try expression.evaluate(on: patients[index]).map(Self.render).joined(separator: ",")
            } catch {
                answer = "\(error)"
            }
            results.withLock { $0[iteration] = answer }
        }
        let collected = results.withLock { $0 }
        #expect(collected.count == iterations)
        let wrong = (0..<iterations).filter { collected[$0] != "\($0 % patients.count + 2)" }
        #expect(wrong.isEmpty, "\(wrong.count) wrong, first: \(wrong.first.map { "\($0): \(collected[$0] ?? "nil")" } ?? "")")
    }
}

/// A value behind a lock, shared by the closures the engine calls from any thread.
final class Locked<Value>: @unchecked Sendable {
    private var value: Value
    private let lock = NSLock()

    init(_ value: Value) {
        self.value = value
    }

    func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}
