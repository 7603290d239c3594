import Foundation

/// Function dispatch, and the collection functions of N1 §5.1–§5.4, §5.8, §5.9 and §7.
extension Evaluator {
    /// An argument evaluated against the enclosing `$this`, as N1 evaluates non-lambda parameters.
    func argument(_ call: FunctionCall, _ position: Int, _ scope: Scope) throws -> Items {
        try evaluate(call.arguments[position], input: scope.this, scope: scope)
    }

    /// A lambda argument evaluated for one item with `$this` and `$index` bound.
    func lambda(_ expression: Expression, item: FHIRPathItem, index: Int, scope: Scope) throws -> Items {
        let inner = Scope(this: [item], index: index, total: scope.total)
        return try evaluate(expression, input: [item], scope: inner)
    }

    /// A lambda's criterion for one item (`where`, `all`, `exists`): `criterion(lambda(…))`.
    func lambdaCriterion(
        _ expression: Expression, item: FHIRPathItem, index: Int, scope: Scope, _ operation: String
    ) throws -> Bool? {
        guard Self.isLogical(expression) else {
            return try criterion(lambda(expression, item: item, index: index, scope: scope), operation)
        }
        let single: Items = [item]
        return try condition(
            expression, input: single, scope: Scope(this: single, index: index, total: scope.total), operation)
    }

    func invoke(_ call: FunctionCall, on target: Items, scope: Scope) throws -> Items {
        switch call.function {
        case .empty: return [.boolean(target.isEmpty)]
        case .exists:
            guard let criteria = call.arguments.first else { return [.boolean(!target.isEmpty)] }
            for (index, item) in target.enumerated()
            where try lambdaCriterion(criteria, item: item, index: index, scope: scope, "exists") == true {
                return [.boolean(true)]
            }
            return [.boolean(false)]
        case .all:
            for (index, item) in target.enumerated()
            where try lambdaCriterion(call.arguments[0], item: item, index: index, scope: scope, "all") != true {
                return [.boolean(false)]
            }
            return [.boolean(true)]
        case .allTrue, .anyTrue, .allFalse, .anyFalse:
            return [.boolean(try booleanAggregate(call.function, target))]
        case .subsetOf:
            let other = try argument(call, 0, scope)
            return [.boolean(target.allSatisfy { collection(other, contains: $0) })]
        case .supersetOf:
            let other = try argument(call, 0, scope)
            return [.boolean(other.allSatisfy { collection(target, contains: $0) })]
        case .count: return [.integer(target.count)]
        case .distinct: return distinctItems(target)
        case .isDistinct: return [.boolean(distinctItems(target).count == target.count)]
        case .where:
            var result: Items = []
            for (index, item) in target.enumerated()
            where try lambdaCriterion(call.arguments[0], item: item, index: index, scope: scope, "where") == true {
                result.append(item)
            }
            return result
        case .select:
            var result: Items = []
            for (index, item) in target.enumerated() {
                result.append(contentsOf: try lambda(call.arguments[0], item: item, index: index, scope: scope))
            }
            return result
        case .repeat: return try repeated(call.arguments[0], target, scope)
        case .ofType:
            guard let type = call.type else { return [] }
            return try target.filter { try matches($0, type, exactPrimitive: true) }
        case .single: return try single(target, "single()").map { [$0] } ?? []
        case .first: return target.first.map { [$0] } ?? []
        case .last: return target.last.map { [$0] } ?? []
        case .tail: return Array(target.dropFirst())
        case .skip:
            guard let count = try integer(argument(call, 0, scope), "skip") else { return target }
            return Array(target.dropFirst(max(0, count)))
        case .take:
            guard let count = try integer(argument(call, 0, scope), "take") else { return [] }
            return Array(target.prefix(max(0, count)))
        case .intersect:
            let other = try argument(call, 0, scope)
            return distinctItems(target.filter { collection(other, contains: $0) })
        case .exclude:
            let other = try argument(call, 0, scope)
            return target.filter { !collection(other, contains: $0) }
        case .union: return distinctItems(target + (try argument(call, 0, scope)))
        case .combine: return target + (try argument(call, 0, scope))
        case .iif: return try conditional(call, target, scope)
        case .children: return childItems(target)
        case .descendants: return descendantItems(target)
        case .trace:
            if let name = try string(argument(call, 0, scope), "trace") { environment.trace?(name, target.count) }
            return target
        case .now: return [.temporal(clock(.dateTime))]
        case .today: return [.temporal(clock(.date))]
        case .timeOfDay: return [.temporal(clock(.time))]
        case .aggregate: return try aggregate(call, target, scope)
        case .sort: return try sorted(call, target, scope)
        case .not:
            return try boolean(target, "not()").map { [.boolean(!$0)] } ?? []
        case .is:
            guard let type = call.type, let item = try single(target, "is()") else { return [] }
            return [.boolean(try matches(item, type))]
        case .as:
            if target.count > 1, environment.castsFilterCollections, let type = call.type {
                return try target.filter { try matches($0, type, exactPrimitive: true) }
            }
            guard let type = call.type, let item = try single(target, "as()") else { return [] }
            return try matches(item, type, exactPrimitive: true) ? [item] : []
        case .type:
            return target.map { .typeInfo(namespace: $0.typeName.namespace, name: $0.typeName.name) }
        default:
            return try invokeValueFunction(call, on: target, scope: scope)
        }
    }

    private func booleanAggregate(_ function: FHIRPathFunction, _ target: Items) throws -> Bool {
        var flags: [Bool] = []
        for item in target {
            guard case .boolean(let flag)? = item.systemValue else { throw fail("\(function)() expects Booleans") }
            flags.append(flag)
        }
        switch function {
        case .allTrue: return flags.allSatisfy { $0 }
        case .anyTrue: return flags.contains(true)
        case .allFalse: return flags.allSatisfy { !$0 }
        default: return flags.contains(false)
        }
    }

    /// `repeat(projection)`: the projection applied again to its own results until nothing new appears.
    private func repeated(_ projection: Expression, _ target: Items, _ scope: Scope) throws -> Items {
        var result: Items = []
        var frontier = target
        while !frontier.isEmpty {
            var next: Items = []
            for (index, item) in frontier.enumerated() {
                for produced in try lambda(projection, item: item, index: index, scope: scope)
                where !collection(result, contains: produced) {
                    result.append(produced)
                    next.append(produced)
                }
            }
            frontier = next
        }
        return result
    }

    private func conditional(_ call: FunctionCall, _ target: Items, _ scope: Scope) throws -> Items {
        guard target.count <= 1 else { throw fail("iif() expects at most one input item") }
        let inner = target.isEmpty ? scope : Scope(this: target, index: scope.index, total: scope.total)
        let condition = try evaluate(call.arguments[0], input: inner.this, scope: inner)
        if try criterion(condition, "iif()") == true {
            return try evaluate(call.arguments[1], input: inner.this, scope: inner)
        }
        guard call.arguments.count > 2 else { return [] }
        return try evaluate(call.arguments[2], input: inner.this, scope: inner)
    }

    private func aggregate(_ call: FunctionCall, _ target: Items, _ scope: Scope) throws -> Items {
        var total = call.arguments.count > 1 ? try argument(call, 1, scope) : []
        for (index, item) in target.enumerated() {
            let inner = Scope(this: [item], index: index, total: total)
            total = try evaluate(call.arguments[0], input: [item], scope: inner)
        }
        return total
    }

    /// `sort(key, -key…)`: a leading minus sorts that key descending (FHIRPath 3.0 `sort`).
    private func sorted(_ call: FunctionCall, _ target: Items, _ scope: Scope) throws -> Items {
        let keys: [(Expression, descending: Bool)] = call.arguments.isEmpty
            ? [(.this, false)]
            : call.arguments.map { argument in
                if case .negate(let inner) = argument { return (inner, true) }
                return (argument, false)
            }
        var keyed: [(item: FHIRPathItem, keys: [FHIRPathItem?])] = []
        for (index, item) in target.enumerated() {
            let values = try keys.map { key in
                try singleValue(lambda(key.0, item: item, index: index, scope: scope), "sort()")
            }
            keyed.append((item, values))
        }
        var failure: (any Error)?
        keyed.sort { a, b in
            for (position, key) in keys.enumerated() {
                guard let x = a.keys[position], let y = b.keys[position] else {
                    if (a.keys[position] == nil) != (b.keys[position] == nil) { return a.keys[position] == nil }
                    continue
                }
                do {
                    guard let order = try compare(x, y, "sort()"), order != 0 else { continue }
                    return key.descending ? order > 0 : order < 0
                } catch {
                    failure = error
                    return false
                }
            }
            return false
        }
        if let failure { throw failure }
        return keyed.map(\.item)
    }

    private func clock(_ kind: FHIRPathDateTime.Kind) -> FHIRPathDateTime {
        let offset = TimeZone.current.secondsFromGMT(for: now) / 60
        let milliseconds = Int((now.timeIntervalSince1970 * 1000).rounded(.down)) + offset * 60000
        var value = FHIRPathDateTime(kind: .dateTime, precision: .millisecond)
        value.year = 1970
        value.timeZoneOffset = offset
        value = value.adding(milliseconds, .millisecond)
        switch kind {
        case .date:
            value.kind = .date
            value.precision = .day
            value.timeZoneOffset = nil
        case .time:
            value.kind = .time
            value.timeZoneOffset = nil
        case .dateTime:
            break
        }
        return value
    }
}
