import FHIRCore
import FHIRJSON
import FHIRValidation
import FHIRXML
import Foundation
import GatewayTestSupport
import Testing

/// The R4 cases of the official validator test suite (`fhir-test-cases/validator`) that need
/// nothing beyond the core package, with our verdict ("errors" or "none") compared to the HL7
/// reference validator's (`outcomes/java/…`: at least one `error` or `fatal` issue means
/// "errors"). A parse error counts as an error verdict. Every case left out is left out for what
/// it needs (a module, manifest key or validator option we cannot supply, a terminology server),
/// never for our answer; the reasons are the tables below and the test prints the counts.
@Suite("Official validator test cases (R4, core package only)")
struct ValidatorCaseTests {
    /// The bar set by the issue: the share of selected cases on which we agree.
    static let requiredAgreement = 0.90

    /// Why each remaining disagreement remains: the reference decides these with rules R4 core
    /// does not state, with content beyond the core package, or by a policy this gateway does
    /// not share. Printed with the disagreement.
    static let knownDisagreements: [String: String] = [
        "maiden-name-extension":
            "the reference uses humanname-mothers-family from hl7.fhir.uv.extensions 5.3.0-ballot (context "
            + "HumanName.family); R4 core's definition has context HumanName, which Patient.name is",
        "pat-dob-ext":
            "an extension outside the HL7 namespaces whose definition is not available: the reference's default makes "
            + "it an error; R4 lets applications ignore extensions they do not understand (extensibility.html "
            + "§2.17.1.1), so the gateway does not report it (ValidationRun+Extensions.swift)",
        "nested-questionnaire-nested-valueset":
            "an SDC extension (hl7.fhir.uv.sdc, not in the core package) is unknown to the reference without the SDC "
            + "package; the gateway ignores extensions it does not know outside the core namespace",
        "q-bp":
            "SDC and healthconnex extensions not in the core package: the reference makes unknown extensions "
            + "errors; the gateway ignores extensions it does not know outside the core namespace",
        "encounter-period":
            "per-1 compares start and end of different precision (date vs dateTime); R4 FHIRPath makes that "
            + "comparison empty, so the invariant holds; the reference compares them anyway",
        "q-enablewhen-me-wrong":
            "que-12 in R4 is `enableWhen.count() > 2 implies enableBehavior.exists()`; the reference applies the "
            + "corrected `> 1` of later versions",
        "questionnaire-enableWhen-dw":
            "que-12 in R4 is `enableWhen.count() > 2 implies enableBehavior.exists()`; the reference applies the "
            + "corrected `> 1` of later versions",
        "bad-bundle-reference-type-4":
            "the reference matches `Practitioner/<uuid>` to the entry whose fullUrl is `urn:uuid:<uuid>`; "
            + "bundle.html §2.36.4.1 resolves a relative reference only against a RESTful fullUrl base",
        "obs-temp-bad":
            "the reference applies the core vital-signs profile (bodytemp) to any body-temperature Observation; "
            + "base validation applies only the profiles a resource claims or the caller asks for",
        "obs-mz":
            "StructureDefinition authoring check: the reference generates the snapshot of the profile in the "
            + "instance; the gateway does not generate snapshots",
        "observation-bad-profile":
            "StructureDefinition authoring check: a type profile's type must match the element's type; needs "
            + "snapshot machinery the gateway does not have",
    ]

    // MARK: What a case may need that we cannot supply

    /// Modules whose cases need something outside the core package or outside base validation.
    static let excludedModules: [String: String] = [
        "tx": "codes checked by a terminology server (LOINC, SNOMED CT, THO, UCUM, ValueSet/CodeSystem validation)",
        "tx-advanced": "ValueSet parameters evaluated by a terminology server",
        "cdshooks": "CDS Hooks documents read with the CDS Hooks logical model, not FHIR resources",
        "dsig": "digital signatures verified with certificates (JWS / XML-DSig)",
        "shc": "SMART Health Cards: JWS, deflate and issuer keys",
        "json5": "the reference's JSON5-tolerant reader mode (comments, unquoted keys, stray commas)",
        "cda": "CDA documents read with the CDA logical model",
        "xver": "cross-version extensions from the xver packages",
        "matchetype": "comparison against a matchetype template",
        "logical": "instances of logical models defined outside the core package",
        "package-versioning": "resolution of canonicals across specific package versions",
        "api": "SearchParameter / CapabilityStatement checks against the server's registered API definitions",
        "measure": "MeasureReports checked against their Measure and Libraries, supplied outside the core package",
    ]

    /// Manifest keys that load or fetch content beyond the core package.
    static let excludedKeys: [String: String] = [
        "supporting": "loads conformance resources from the test folder",
        "profile": "also validated against a profile that is not in the core package",
        "profiles": "loads StructureDefinitions from the test folder",
        "packages": "loads implementation guide packages",
        "fetcher": "resolves references through a fetcher (package cache / network)",
        "logical": "read with a logical model",
        "matchetype": "compared against a matchetype template",
        "tx-dependent": "marked by the suite as depending on the terminology server",
        "validateReference": "validates referenced resources that are supplied separately",
        "package-map": "maps canonicals to packages",
        "supporting5": "loads R5 conformance resources",
        "ips": "loads the IPS package and validates the Bundle against IPS profiles",
        "advisor": "a policy-advisor file from the test folder decides which checks run",
        "certificate": "a signing certificate from the test folder",
        "bundle-param": "validates Bundle entries against a profile named in the case",
        "scoring": "scores against a profile outside the core package",
        "sct": "a SNOMED CT edition chosen for the terminology server",
        "new-xver-mode": "cross-version extension loader",
        "fhir-validator-cli-options": "options of the command-line validator (message limits)",
    ]

    /// Validator options that switch the reference validator into a mode `FHIRValidator` does not
    /// have, so its outcome is not the one for default validation. `excludes` says for which
    /// values; the others are the harness default or cannot change the error verdict.
    static let optionRules: [String: (reason: String, excludes: @Sendable (JSONValue) -> Bool)] = [
        "security-checks": ("security-check mode (HTML or script in strings become errors)", { $0.bool == true }),
        "examples": ("example.org URLs disallowed (the harness default allows them)", { $0.bool == false }),
        "validateContains": ("contained resources not validated", { $0.string != "CHECK_VALID" }),
        "noHtmlInMarkdown": ("HTML in markdown reported as an error", { _ in true }),
        "no-experimental-content": ("experimental content disallowed", { _ in true }),
        "r5-bundle-relative-reference-policy": ("R5 Bundle reference rules applied to R4", { _ in true }),
        "allowed-extension-domain": ("unresolvable extensions accepted from a domain", { _ in true }),
        "allowed-extension-domains": ("unresolvable extensions accepted from domains", { _ in true }),
        "for-publication": ("publication checks", { $0.bool == true || $0.string == "true" }),
        "best-practice": ("best-practice findings raised to errors", { $0.string == "Error" }),
        "wrong-displays": ("display mismatches graded by a terminology server", { _ in true }),
        "language": ("a validation language for displays and messages", { _ in true }),
        "default-version": ("version-flexible canonical resolution", { $0.bool == true }),
        "allow-comments": ("JSON comments accepted", { $0.bool == true }),
        "no-tx": ("runs without a terminology server", { _ in false }),
        "enforceAggregationOutsideBundles": ("aggregation rules enforced outside Bundles", { $0.bool == true }),
        // Never excluding: assumeValidRestReferences=true takes `Type/id` for a resource of that
        // type, which is what we do (we never fetch); no-tx runs without a terminology server, as
        // we do; generate-shapshot only concerns profiles a case loads; ids-in-errors only
        // changes message text.
        "assumeValidRestReferences": ("REST references resolved by fetching", { _ in false }),
        "generate-shapshot": ("snapshot generation for loaded profiles", { _ in false }),
        "ids-in-errors": ("resource ids in message text", { _ in false }),
    ]

    /// Keys that describe a case or another validator's answer and change nothing here.
    static let neutralKeys: Set<String> = [
        "name", "file", "version", "module", "java", "use-test", "description", "explanation", "documentation",
        "comment", "tags", "debug", "crumb-trail", "txLog", "suppress", "errorCount", "close-up",
        "firely-sdk-current", "firely-sdk-wip", "brianpos", "dotnet-brianpos",
    ]

    /// Text of an expected error that says it came from, or needed, a terminology server.
    static let terminologyPhrases = [
        "terminology server", "tx.fhir.org", "tx-dev.fhir.org", "unable to check whether the code",
    ]

    // MARK: The run

    enum Verdict: String { case errors, none }

    struct Selected {
        let name: String
        let module: String
        let file: URL
        let expected: Verdict
        /// The reference validator's first error messages, with their expressions.
        let expectedMessages: [String]
    }

    struct Outcome {
        let selected: Selected
        let ours: Verdict
        let ourMessages: [String]
        var agrees: Bool { selected.expected == ours }
    }

    @Test("R4 core-only cases: our verdict agrees with the reference validator's",
          .enabled(if: SharedData.folder("fhir-test-cases/validator") != nil,
                   "../shared/fhir-test-cases/validator is not present beside the checkout: skipped"))
    func agreementWithReferenceValidator() throws {
        let folder = try #require(SharedData.folder("fhir-test-cases/validator"))
        let manifest = try JSONValue.parse(SharedData.bytes(of: folder.appendingPathComponent("manifest.json")))
        let cases = manifest["test-cases"]?.array ?? []
        #expect(!cases.isEmpty, "manifest.json has no test-cases")

        var excluded: [String: [String]] = [:]
        var selected: [Selected] = []
        var otherVersions = 0
        for entry in cases {
            let name = entry["name"]?.string ?? "?"
            guard let version = entry["version"]?.string, version == "4.0" || version == "4.0.1" else {
                otherVersions += 1
                continue
            }
            switch try Self.select(entry, in: folder) {
            case .excluded(let reason): excluded[reason, default: []].append(name)
            case .selected(let chosen): selected.append(chosen)
            }
        }

        let validator = FHIRValidator()
        let outcomes = try selected.map { chosen in
            let bytes = try SharedData.bytes(of: chosen.file)
            let read = chosen.file.pathExtension == "xml" ? FHIRXMLReader().read(bytes) : FHIRJSONReader().read(bytes)
            var issues = read.issues
            if let resource = read.resource { issues += validator.validate(resource) }
            let errors = issues.filter(\.isError)
            return Outcome(selected: chosen, ours: errors.isEmpty ? .none : .errors,
                           ourMessages: errors.prefix(4).map(\.description))
        }

        let r4Count = selected.count + excluded.values.reduce(0) { $0 + $1.count }
        var report = "Official validator cases: \(r4Count) for R4 (\(otherVersions) for other versions not considered); "
            + "\(selected.count) selected, \(r4Count - selected.count) excluded\n\n"
        report += "Excluded, by reason:\n"
        for (reason, names) in excluded.sorted(by: { ($0.value.count, $1.key) > ($1.value.count, $0.key) }) {
            report += "  \(String(names.count).leftPadded(4))  \(reason)\n"
            if names.count <= 8 { report += "        \(names.joined(separator: ", "))\n" }
        }

        report += "\n" + "module".rightPadded(16) + "cases".leftPadded(7) + "agree".leftPadded(7)
            + "disagree".leftPadded(10) + "   (missed errors / false positives)\n"
        let byModule = Dictionary(grouping: outcomes, by: \.selected.module)
        for module in byModule.keys.sorted() {
            let rows = byModule[module] ?? []
            let agree = rows.filter(\.agrees).count
            let missed = rows.filter { $0.selected.expected == .errors && $0.ours == .none }.count
            let falsePositives = rows.filter { $0.selected.expected == .none && $0.ours == .errors }.count
            report += module.rightPadded(16) + String(rows.count).leftPadded(7) + String(agree).leftPadded(7)
                + String(rows.count - agree).leftPadded(10) + "   \(missed) / \(falsePositives)\n"
        }
        let agreeing = outcomes.filter(\.agrees).count
        let agreement = outcomes.isEmpty ? 0 : Double(agreeing) / Double(outcomes.count)
        let percent = String(format: "%.1f%%", agreement * 100)
        report += "total".rightPadded(16) + String(outcomes.count).leftPadded(7) + String(agreeing).leftPadded(7)
            + String(outcomes.count - agreeing).leftPadded(10)
            + "   agreement \(percent) (bar \(Int(Self.requiredAgreement * 100))%)\n"

        let disagreements = outcomes.filter { !$0.agrees }
            .sorted { ($0.selected.module, $0.selected.name) < ($1.selected.module, $1.selected.name) }
        if !disagreements.isEmpty { report += "\nDisagreements:\n" }
        for outcome in disagreements {
            let chosen = outcome.selected
            report += "- [\(chosen.module)] \(chosen.name) (\(chosen.file.lastPathComponent)): "
                + "expected \(chosen.expected.rawValue), ours \(outcome.ours.rawValue)\n"
            if let reason = Self.knownDisagreements[chosen.name] { report += "    why:       \(reason)\n" }
            for message in chosen.expectedMessages { report += "    reference: \(message)\n" }
            for message in outcome.ourMessages { report += "    ours:      \(message)\n" }
        }
        print(report)

        #expect(agreement >= Self.requiredAgreement,
                """
                agreement \(percent) on \(outcomes.count) cases is below \(Int(Self.requiredAgreement * 100))%; \
                \(disagreements.count) disagreements: \(disagreements.map(\.selected.name).joined(separator: ", "))
                """)
    }

    // MARK: Selection

    enum Selection {
        case excluded(String)
        case selected(Selected)
    }

    /// Whether an R4 case needs nothing beyond the core package, and if so what it expects.
    static func select(_ entry: JSONValue, in folder: URL) throws -> Selection {
        if entry["use-test"]?.bool == false { return .excluded("use-test is false") }
        let module = entry["module"]?.string ?? "(none)"
        if let reason = excludedModules[module] { return .excluded("module \(module): \(reason)") }
        let keys = (entry.object?.keys.sorted() ?? []).filter { !neutralKeys.contains($0) }
        // What a case loads is the more fundamental reason, so it is reported before options.
        for key in keys {
            if let reason = excludedKeys[key] { return .excluded("needs '\(key)': \(reason)") }
        }
        for key in keys {
            if let rule = optionRules[key] {
                if let value = entry[key], rule.excludes(value) {
                    return .excluded("validator option '\(key)': \(rule.reason); FHIRValidator has no such mode")
                }
                continue
            }
            return .excluded("manifest key '\(key)' not understood by this test")
        }

        let fileName = entry["file"]?.string ?? ""
        let file = folder.appendingPathComponent(fileName)
        guard fileName.hasSuffix(".json") || fileName.hasSuffix(".xml") else {
            return .excluded("input neither .json nor .xml")
        }
        guard FileManager.default.fileExists(atPath: file.path) else { return .excluded("input file absent") }

        let name = entry["name"]?.string ?? fileName
        switch entry["java"] {
        case .object(let members)?:
            // The older form: only an error count.
            guard case .number(let count)? = members["errorCount"] else {
                return .excluded("no reference (java) outcome")
            }
            return .selected(Selected(name: name, module: module, file: file,
                                      expected: (Int(count) ?? 0) > 0 ? .errors : .none, expectedMessages: []))
        case .string(let path)?:
            let outcomeFile = folder.appendingPathComponent("outcomes").appendingPathComponent(path)
            guard FileManager.default.fileExists(atPath: outcomeFile.path) else {
                return .excluded("reference (java) outcome file absent")
            }
            let outcome = try JSONValue.parse(SharedData.bytes(of: outcomeFile))
            let errors = (outcome["issue"]?.array ?? []).filter {
                let severity = $0["severity"]?.string
                return severity == "error" || severity == "fatal"
            }
            if !errors.isEmpty && errors.allSatisfy(isTerminologyDerived) {
                return .excluded("every expected error comes from the terminology server")
            }
            let messages = errors.prefix(4).map { issue in
                let text = issue["details"]?["text"]?.string ?? issue["diagnostics"]?.string ?? "(no text)"
                let expression = issue["expression"]?.array?.first?.string ?? issue["location"]?.array?.first?.string
                return "\(issue["severity"]?.string ?? ""): \(expression.map { "\($0): " } ?? "")\(text)"
            }
            return .selected(Selected(name: name, module: module, file: file,
                                      expected: errors.isEmpty ? .none : .errors, expectedMessages: Array(messages)))
        default:
            return .excluded("no reference (java) outcome")
        }
    }

    /// An issue reported by the terminology server (the reference tags those with the
    /// `operationoutcome-issue-server` extension) or whose text says it needed one.
    static func isTerminologyDerived(_ issue: JSONValue) -> Bool {
        let fromServer = (issue["extension"]?.array ?? []).contains {
            $0["url"]?.string?.hasSuffix("operationoutcome-issue-server") == true
        }
        let text = ((issue["details"]?["text"]?.string ?? "") + " " + (issue["diagnostics"]?.string ?? "")).lowercased()
        return fromServer || terminologyPhrases.contains { text.contains($0) }
    }
}

// MARK: Small helpers

extension JSONValue {
    fileprivate subscript(key: String) -> JSONValue? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    fileprivate var object: [String: JSONValue]? {
        if case .object(let members) = self { return members }
        return nil
    }

    fileprivate var array: [JSONValue]? {
        if case .array(let items) = self { return items }
        return nil
    }

    fileprivate var string: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    fileprivate var bool: Bool? {
        if case .bool(let flag) = self { return flag }
        return nil
    }
}

extension String {
    fileprivate func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }

    fileprivate func rightPadded(_ width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
