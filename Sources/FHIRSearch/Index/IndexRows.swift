import FHIRCore
import FHIRPath
import GatewayStore

/// The rows of one resource as they are made: each FHIRPath result item turned into rows by its
/// FHIR type and the parameter's type (search.html §3.1.1.4; conventions: `SearchIndex`).
struct IndexRows {
    var index = SearchIndex()
    let types: TypeCatalogue
    let localBases: [String]
    /// The group of the composite value being indexed, 0 outside composites.
    var group = 0
    /// The last group number used, per composite parameter (numbered from 1 in each).
    private var lastGroup = 0

    init(types: TypeCatalogue, localBases: [String]) {
        self.types = types
        self.localBases = localBases
    }

    /// Where each table ends: the rows added after it belong to one parameter.
    struct Mark {
        let tokens, references, dates, strings, numbers, quantities, uris: Int
    }

    var mark: Mark {
        Mark(
            tokens: index.tokens.count, references: index.references.count, dates: index.dates.count,
            strings: index.strings.count, numbers: index.numbers.count, quantities: index.quantities.count,
            uris: index.uris.count)
    }

    /// Drops the rows added since `mark` that repeat one added since then.
    mutating func removeDuplicates(since mark: Mark) {
        index.tokens.removeDuplicates(from: mark.tokens)
        index.references.removeDuplicates(from: mark.references)
        index.dates.removeDuplicates(from: mark.dates)
        index.strings.removeDuplicates(from: mark.strings)
        index.numbers.removeDuplicates(from: mark.numbers)
        index.quantities.removeDuplicates(from: mark.quantities)
        index.uris.removeDuplicates(from: mark.uris)
    }

    static let quantityTypes: Set<String> = ["Quantity", "Age", "Duration", "Distance", "Count", "SimpleQuantity", "MoneyQuantity"]

    mutating func add(_ items: [FHIRPathItem], as type: SearchParameterType, parameter: String, derived: DerivedNames?) {
        for item in items { add(item, as: type, parameter: parameter, derived: derived) }
    }

    /// One group per value of the composite's expression; a value some component has nothing
    /// for gets no rows, since no search could match it.
    mutating func addComposite(_ items: [FHIRPathItem], _ plan: ParameterPlan, context: FHIRPathEvaluationContext) throws {
        lastGroup = 0
        for item in items {
            var rows = IndexRows(types: types, localBases: localBases)
            rows.group = lastGroup + 1
            var complete = true
            for component in plan.components {
                let before = rows.index.rowCount
                let values = try component.expression.evaluate(focus: [item], in: context)
                rows.add(values, as: component.type, parameter: component.name, derived: nil)
                if rows.index.rowCount == before { complete = false; break }
            }
            guard complete else { continue }
            lastGroup += 1
            index.tokens += rows.index.tokens
            index.references += rows.index.references
            index.dates += rows.index.dates
            index.strings += rows.index.strings
            index.numbers += rows.index.numbers
            index.quantities += rows.index.quantities
            index.uris += rows.index.uris
        }
    }

    private mutating func add(_ item: FHIRPathItem, as type: SearchParameterType, parameter: String, derived: DerivedNames?) {
        switch item {
        case .node(let node):
            add(node, as: type, parameter: parameter, derived: derived)
        case .boolean(let value):
            if type == .token { token(parameter, system: nil, code: value ? "true" : "false") }
        case .string(let text):
            addPrimitive(text, kind: .string, as: type, parameter: parameter)
        case .integer(let value):
            addPrimitive(String(value), kind: .integer, as: type, parameter: parameter)
        case .decimal(let value):
            addPrimitive(value.description, kind: .decimal, as: type, parameter: parameter)
        case .temporal(let value):
            if value.kind != .time { addPrimitive(value.description, kind: .dateTime, as: type, parameter: parameter) }
        case .quantity(let value):
            if type == .quantity, let interval = SearchNumberInterval(lexeme: value.value.description) {
                index.quantities.append(.init(
                    parameter: parameter, system: nil, code: value.unit, low: interval.low, high: interval.high, group: group))
            }
        case .typeInfo:
            break
        }
    }

    private mutating func add(_ node: FHIRPathNode, as type: SearchParameterType, parameter: String, derived: DerivedNames?) {
        let element = node.element
        if let kind = node.primitiveKind {
            if let value = element.value { addPrimitive(value, kind: kind, as: type, parameter: parameter) }
            return
        }
        if element.isResource {
            // `Bundle.entry[0].resource` (Bundle's `composition`, `message`): the resource itself.
            if type == .reference, let type = element.resourceType, let id = element.childValue("id") {
                index.references.append(.init(parameter: parameter, target: "\(type)/\(id)", group: group))
            }
            return
        }
        switch node.typeName {
        case "Extension":
            // An extension-based parameter selects the extension; its value is what is indexed.
            for child in element.children where child.name.hasPrefix("value") {
                add(node.child(child, catalogue: types), as: type, parameter: parameter, derived: derived)
            }
        case "HumanName" where type == .string:
            for child in element.children {
                switch child.name {
                case "family", "given", "prefix", "suffix", "text": if let value = child.value { string(parameter, value) }
                default: break
                }
            }
        case "Address" where type == .string:
            for child in element.children {
                switch child.name {
                case "line", "city", "district", "state", "postalCode", "country", "text":
                    if let value = child.value { string(parameter, value) }
                default: break
                }
            }
        case "Coding" where type == .token:
            coding(element, parameter: parameter, derived: derived)
        case "CodeableConcept" where type == .token:
            for child in element.children {
                if child.name == "coding" {
                    coding(child, parameter: parameter, derived: derived)
                } else if child.name == "text", let text = child.value, let derived {
                    string(derived.text, text)
                }
            }
        case "Identifier" where type == .token:
            guard let value = element.childValue("value") else { return }
            token(parameter, system: element.childValue("system"), code: value)
            guard let derived, let identifierType = element.child("type") else { return }
            for coding in identifierType.children where coding.name == "coding" {
                if let code = coding.childValue("code") {
                    token(derived.ofType, system: coding.childValue("system"), code: "\(code)|\(value)")
                }
            }
        case "ContactPoint" where type == .token:
            if let value = element.childValue("value") { token(parameter, system: element.childValue("system"), code: value) }
        case "Reference" where type == .reference:
            for child in element.children {
                if child.name == "reference", let reference = child.value,
                   let target = SearchReference.indexTarget(reference, localBases: localBases, types: types) {
                    index.references.append(.init(parameter: parameter, target: target, group: group))
                } else if child.name == "identifier", let derived, let value = child.childValue("value") {
                    token(derived.identifier, system: child.childValue("system"), code: value)
                }
            }
        case "Period" where type == .date:
            period(element, parameter: parameter)
        case "Timing" where type == .date:
            for child in element.children {
                if child.name == "event", let value = child.value {
                    addPrimitive(value, kind: .dateTime, as: .date, parameter: parameter)
                } else if child.name == "repeat", let bounds = child.child("boundsPeriod") {
                    period(bounds, parameter: parameter)
                }
            }
        case "Money" where type == .quantity:
            if let value = element.childValue("value"), let interval = SearchNumberInterval(lexeme: value) {
                index.quantities.append(.init(
                    parameter: parameter, system: "urn:iso:std:iso:4217", code: element.childValue("currency"),
                    low: interval.low, high: interval.high, group: group))
            }
        case "Range" where type == .quantity || type == .number:
            range(element, as: type, parameter: parameter)
        case let name where Self.quantityTypes.contains(name) && (type == .quantity || type == .number):
            guard let value = element.childValue("value"), let interval = SearchNumberInterval(lexeme: value) else { return }
            if type == .number {
                index.numbers.append(.init(parameter: parameter, low: interval.low, high: interval.high, group: group))
            } else {
                index.quantities.append(.init(
                    parameter: parameter, system: element.childValue("system"),
                    code: element.childValue("code") ?? element.childValue("unit"),
                    low: interval.low, high: interval.high, group: group))
            }
        default:
            break
        }
    }

    /// A primitive value (or a System value given as its lexeme) under a parameter's type.
    private mutating func addPrimitive(_ value: String, kind: PrimitiveKind, as type: SearchParameterType, parameter: String) {
        switch type {
        case .string:
            string(parameter, value)
        case .token:
            token(parameter, system: nil, code: value)
        case .uri:
            index.uris.append(.init(parameter: parameter, value: value, group: group))
        case .reference:
            if let target = SearchReference.indexTarget(value, localBases: localBases, types: types) {
                index.references.append(.init(parameter: parameter, target: target, group: group))
            }
        case .date:
            guard kind == .date || kind == .dateTime || kind == .instant, let interval = SearchDateInterval(lexeme: value)
            else { return }
            index.dates.append(.init(parameter: parameter, low: interval.low, high: interval.high, group: group))
        case .number, .quantity:
            guard let interval = SearchNumberInterval(lexeme: value) else { return }
            if type == .number {
                index.numbers.append(.init(parameter: parameter, low: interval.low, high: interval.high, group: group))
            } else {
                index.quantities.append(.init(
                    parameter: parameter, system: nil, code: nil, low: interval.low, high: interval.high, group: group))
            }
        case .composite, .special:
            break
        }
    }

    private mutating func coding(_ coding: FHIRElement, parameter: String, derived: DerivedNames?) {
        var system: String?
        var code: String?
        var display: String?
        for child in coding.children {
            switch child.name {
            case "system": system = child.value
            case "code": code = child.value
            case "display": display = child.value
            default: break
            }
        }
        if let code { token(parameter, system: system, code: code) }
        if let display, let derived { string(derived.text, display) }
    }

    private mutating func period(_ period: FHIRElement, parameter: String) {
        let start = period.childValue("start").flatMap(SearchDateInterval.init(lexeme:))
        let end = period.childValue("end").flatMap(SearchDateInterval.init(lexeme:))
        guard start != nil || end != nil else { return }
        index.dates.append(.init(
            parameter: parameter, low: start?.low ?? .distantPast, high: end?.high ?? .distantFuture, group: group))
    }

    /// A Range as one interval from its low's lower bound to its high's upper bound; an open side
    /// runs to the largest finite Double (both engines store it).
    private mutating func range(_ range: FHIRElement, as type: SearchParameterType, parameter: String) {
        let low = range.child("low")
        let high = range.child("high")
        let lowInterval = low?.childValue("value").flatMap(SearchNumberInterval.init(lexeme:))
        let highInterval = high?.childValue("value").flatMap(SearchNumberInterval.init(lexeme:))
        guard lowInterval != nil || highInterval != nil else { return }
        let lowValue = lowInterval?.low ?? -Double.greatestFiniteMagnitude
        let highValue = highInterval?.high ?? Double.greatestFiniteMagnitude
        if type == .number {
            index.numbers.append(.init(parameter: parameter, low: lowValue, high: highValue, group: group))
            return
        }
        let unitSource = low?.child("value") != nil ? low : high
        index.quantities.append(.init(
            parameter: parameter, system: unitSource?.childValue("system"),
            code: unitSource?.childValue("code") ?? unitSource?.childValue("unit"), low: lowValue, high: highValue, group: group))
    }

    private mutating func token(_ parameter: String, system: String?, code: String) {
        index.tokens.append(.init(parameter: parameter, system: system, code: code, group: group))
    }

    private mutating func string(_ parameter: String, _ value: String) {
        index.strings.append(.init(parameter: parameter, normalized: SearchText.normalized(value), exact: value, group: group))
    }
}

extension Array where Element: Hashable {
    /// Keeps the first of equal elements at `start` and after, in order.
    fileprivate mutating func removeDuplicates(from start: Int) {
        guard count - start > 1 else { return }
        var seen: Set<Element> = []
        var kept: [Element] = []
        for element in self[start...] where seen.insert(element).inserted { kept.append(element) }
        replaceSubrange(start..., with: kept)
    }
}
