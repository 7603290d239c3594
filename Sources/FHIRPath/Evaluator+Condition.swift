import FHIRCore

/// Boolean evaluation without collections: invariants are trees of `and`, `or`, `implies`,
/// `not()`, `exists()`, `empty()` and comparisons, and each of those yields one Boolean or
/// nothing. Evaluating them as `Bool?` spares the one-item arrays, and `exists()`/`empty()` on a
/// path stop at the first match instead of collecting the last step's nodes. Every answer and
/// every error is the one the collection evaluation gives (`condition` falls back to it).
extension Evaluator {
    /// A Boolean as a collection: `nil` is empty.
    @inline(__always)
    static func items(_ value: Bool?) -> Items {
        value.map { [.boolean($0)] } ?? []
    }

    /// Whether an expression always yields either nothing or a single Boolean, so that its
    /// `condition` is all there is to know about it.
    static func isLogical(_ expression: Expression) -> Bool {
        switch expression {
        case .literal(.boolean):
            return true
        case .binary(let op, _, _):
            switch op {
            case .and, .or, .xor, .implies, .equal, .notEqual, .equivalent, .notEquivalent, .in, .contains, .less,
                 .greater, .lessOrEqual, .greaterOrEqual:
                return true
            default:
                return false
            }
        case .typeTest:
            return true
        case .call(_, let call):
            switch call.function {
            case .not, .exists, .empty, .all, .hasValue, .startsWith, .endsWith, .contains, .allTrue, .anyTrue,
                 .allFalse, .anyFalse, .subsetOf, .supersetOf, .isDistinct, .hasExtension:
                return true
            default:
                return false
            }
        default:
            return false
        }
    }

    /// The Boolean reading of an expression (N1 §4.5), as `boolean(evaluate(expression), operation)`.
    func condition(
        _ expression: Expression, input: Items, scope: Scope, _ operation: @autoclosure () -> String
    ) throws -> Bool? {
        switch expression {
        case .literal(.boolean(let value)):
            return value
        case .binary(let op, let left, let right):
            switch op {
            case .and, .or, .implies, .equal, .notEqual, .less, .greater, .lessOrEqual, .greaterOrEqual:
                return try logicalBinary(op, left, right, input: input, scope: scope)
            default:
                break
            }
        case .call(let base, let call):
            switch call.function {
            case .not:
                let value = if let base {
                    try condition(base, input: input, scope: scope, "not()")
                } else {
                    try boolean(input, "not()")
                }
                return value.map { !$0 }
            case .exists where call.arguments.isEmpty:
                return try hasItems(base, input: input, scope: scope)
            case .empty:
                return !(try hasItems(base, input: input, scope: scope))
            case .hasValue:
                let target = try base.map { try operand($0, input: input, scope: scope) } ?? .items(input)
                let item: FHIRPathItem
                switch target {
                case .single(let single?): item = single
                case .single(nil): return false
                case .items(let items):
                    guard items.count == 1 else { return false }
                    item = items[0]
                }
                guard case .node(let node) = item else { return false }
                return node.primitiveKind != nil && node.element.value != nil
            case .startsWith, .endsWith, .contains:
                let target = try base.map { try operand($0, input: input, scope: scope) } ?? .items(input)
                return try stringTest(call, on: target, scope: scope)
            default:
                break
            }
        default:
            break
        }
        return try boolean(evaluate(expression, input: input, scope: scope), operation())
    }

    /// `and`, `or`, `implies` with three-valued logic (N1 §6.5), the right side evaluated only
    /// when the left does not decide; `=`, `!=` and the orderings on both operands.
    func logicalBinary(
        _ op: BinaryOperator, _ left: Expression, _ right: Expression, input: Items, scope: Scope
    ) throws -> Bool? {
        switch op {
        case .and:
            let a = try condition(left, input: input, scope: scope, "and")
            if a == false { return false }
            let b = try condition(right, input: input, scope: scope, "and")
            if b == false { return false }
            return a == true && b == true ? true : nil
        case .or:
            let a = try condition(left, input: input, scope: scope, "or")
            if a == true { return true }
            let b = try condition(right, input: input, scope: scope, "or")
            if b == true { return true }
            return a == false && b == false ? false : nil
        case .implies:
            let a = try condition(left, input: input, scope: scope, "implies")
            if a == false { return true }
            let b = try condition(right, input: input, scope: scope, "implies")
            if b == true { return true }
            return a == true && b == false ? false : nil
        case .equal, .notEqual:
            let lhs = try operand(left, input: input, scope: scope)
            let rhs = try operand(right, input: input, scope: scope)
            let same: Bool?
            if case .single(let a) = lhs, case .single(let b) = rhs {
                // `equal([a], [b])` without the arrays.
                if let a, let b { same = itemsEqual(a, b) } else { same = nil }
            } else {
                same = equal(collection(lhs), collection(rhs))
            }
            return op == .equal ? same : same.map { !$0 }
        default:
            let lhs = try operand(left, input: input, scope: scope)
            let rhs = try operand(right, input: input, scope: scope)
            // `ordering(op, lhs, rhs)`: each operand a single item, read as a System value.
            guard let a = try single(lhs, op.rawValue)?.systemValue, let b = try single(rhs, op.rawValue)?.systemValue,
                  let order = try compare(a, b, op.rawValue)
            else { return nil }
            return switch op {
            case .less: order < 0
            case .greater: order > 0
            case .lessOrEqual: order <= 0
            default: order >= 0
            }
        }
    }

    /// Whether `base` (the input when `nil`) yields anything. A path's last step only looks for
    /// a matching child; strict mode, whose errors depend on every item, navigates in full.
    func hasItems(_ base: Expression?, input: Items, scope: Scope) throws -> Bool {
        guard let base else { return !input.isEmpty }
        if !strictNames {
            switch base {
            case .identifier(let name):
                return hasChild(of: input, named: name, atPathStart: true)
            case .member(let parent, let name):
                return hasChild(of: try evaluate(parent, input: input, scope: scope), named: name, atPathStart: false)
            default:
                break
            }
        }
        return !(try evaluate(base, input: input, scope: scope)).isEmpty
    }

    /// `!navigate(items, to: name, atPathStart:).isEmpty` in lenient mode, without the nodes.
    private func hasChild(of items: Items, named name: String, atPathStart: Bool) -> Bool {
        if items.isEmpty { return false }
        let mayBeType = atPathStart && Self.startsWithCapital(name)
        for item in items {
            switch item {
            case .node(let node):
                if mayBeType, isNode(node, ofType: name) {
                    return true
                }
                if nodeHasChild(node, named: name) { return true }
            case .typeInfo:
                if name == "name" || name == "namespace" { return true }
            default:
                continue
            }
        }
        return false
    }

    private func nodeHasChild(_ node: FHIRPathNode, named name: String) -> Bool {
        let children = node.element.children
        guard node.contextID >= 0 else {
            for index in children.indices where Self.sameName(children[index].name, name) { return true }
            return false
        }
        let context = catalogue.contexts[node.contextID]
        if let member = context.member(named: name) {
            if member.isChoice { return false }
            for index in children.indices where Self.sameName(children[index].name, name) { return true }
            return false
        }
        let length = name.utf8.count
        for index in children.indices {
            let childName = children[index].name
            guard childName.utf8.count > length, childName.hasPrefix(name) else { continue }
            if let member = context.member(named: childName), member.isChoice, member.pathName == name { return true }
        }
        return false
    }
}

/// An operand that is known to hold at most one item, or the collection as evaluated.
enum Operand {
    case single(FHIRPathItem?)
    case items(Items)
}

extension Evaluator {
    /// The value of an operand without building a collection for the common cases: a literal,
    /// and a name navigated from a single node (`start`, `reference`, `type`) that matches at most
    /// one child. Anything else (or strict mode) is evaluated in full.
    func operand(_ expression: Expression, input: Items, scope: Scope) throws -> Operand {
        switch expression {
        case .literal(let value):
            return .single(value)
        case .identifier(let name) where !strictNames && input.count == 1:
            guard case .node(let node) = input[0] else { break }
            switch lookup(node, named: name) {
            case .none: return .single(nil)
            case .one(let item): return .single(item)
            case .several: break
            }
        default:
            break
        }
        return .items(try evaluate(expression, input: input, scope: scope))
    }

    /// `operand` as a collection.
    func collection(_ operand: Operand) -> Items {
        switch operand {
        case .single(let item): item.map { [$0] } ?? []
        case .items(let items): items
        }
    }

    /// `single(collection, operation)` for an operand.
    func single(_ operand: Operand, _ operation: @autoclosure () -> String) throws -> FHIRPathItem? {
        switch operand {
        case .single(let item): item
        case .items(let items): try single(items, operation())
        }
    }

    enum Lookup {
        case none
        case one(FHIRPathItem)
        case several
    }

    /// `navigate([.node(node)], to: name, atPathStart: true)` in lenient mode, when it yields at
    /// most one item; `.several` otherwise (the caller then navigates in full).
    private func lookup(_ node: FHIRPathNode, named name: String) -> Lookup {
        if Self.startsWithCapital(name), isNode(node, ofType: name) { return .one(.node(node)) }
        let children = node.element.children
        guard node.contextID >= 0 else {
            var found: Int?
            for index in children.indices where children[index].name == name {
                if found != nil { return .several }
                found = index
            }
            guard let found else { return .none }
            return .one(.node(node.child(children[found], catalogue: catalogue)))
        }
        let context = catalogue.contexts[node.contextID]
        if let member = context.member(named: name) {
            if member.isChoice { return .none }
            var found: Int?
            for index in children.indices where children[index].name == name {
                if found != nil { return .several }
                found = index
            }
            guard let found else { return .none }
            return .one(.node(FHIRPathNode(child: children[found], member: member, catalogue: catalogue)))
        }
        let length = name.utf8.count
        var found: FHIRPathItem?
        for index in children.indices {
            let childName = children[index].name
            guard childName.utf8.count > length, childName.hasPrefix(name) else { continue }
            if let member = context.member(named: childName), member.isChoice, member.pathName == name {
                if found != nil { return .several }
                found = .node(FHIRPathNode(child: children[index], member: member, catalogue: catalogue))
            }
        }
        return found.map(Lookup.one) ?? .none
    }
}
