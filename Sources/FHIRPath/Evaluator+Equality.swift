import FHIRCore
import Foundation

/// Equality (`=`, `!=`) and equivalence (`~`, `!~`), N1 §6.1.
extension Evaluator {
    /// `nil` means the result is empty (an operand empty, or precision too different to tell).
    func equal(_ left: Items, _ right: Items) -> Bool? {
        if left.isEmpty || right.isEmpty { return nil }
        if left.count != right.count { return false }
        var unknown = false
        for (a, b) in zip(left, right) {
            switch itemsEqual(a, b) {
            case false?: return false
            case nil: unknown = true
            case true?: continue
            }
        }
        return unknown ? nil : true
    }

    func itemsEqual(_ a: FHIRPathItem, _ b: FHIRPathItem) -> Bool? {
        if case .node(let left) = a, case .node(let right) = b, left.primitiveKind == nil, right.primitiveKind == nil,
           left.quantityValue == nil {
            return sameContent(left.element, right.element)
        }
        guard let left = a.systemValue, let right = b.systemValue else { return false }
        switch (left, right) {
        case (.boolean(let x), .boolean(let y)): return x == y
        case (.string(let x), .string(let y)): return x == y
        case (.integer(let x), .integer(let y)): return x == y
        case (.temporal(let x), .temporal(let y)):
            if (x.kind == .time) != (y.kind == .time) { return false }
            return FHIRPathDateTime.compare(x, y).map { $0 == 0 }
        case (.quantity(let x), .quantity(let y)):
            return FHIRPathQuantity.compare(x, y).map { $0 == 0 }
        case (.typeInfo(let n1, let t1), .typeInfo(let n2, let t2)): return n1 == n2 && t1 == t2
        default:
            if let x = decimalValue(left), let y = decimalValue(right) { return x.value == y.value }
            return false
        }
    }

    /// Two elements with the same values and children; names of the elements themselves aside.
    private func sameContent(_ a: FHIRElement, _ b: FHIRElement) -> Bool {
        a.value == b.value && a.children == b.children
    }

    func decimalValue(_ item: FHIRPathItem) -> FHIRPathDecimal? {
        switch item {
        case .integer(let integer): FHIRPathDecimal(integer)
        case .decimal(let decimal): decimal
        default: nil
        }
    }

    func equivalent(_ left: Items, _ right: Items) -> Bool {
        if left.isEmpty && right.isEmpty { return true }
        if left.count != right.count { return false }
        var unmatched = right
        for a in left {
            guard let index = unmatched.firstIndex(where: { itemsEquivalent(a, $0) }) else { return false }
            unmatched.remove(at: index)
        }
        return true
    }

    func itemsEquivalent(_ a: FHIRPathItem, _ b: FHIRPathItem) -> Bool {
        if case .node(let left) = a, case .node(let right) = b, left.primitiveKind == nil, right.primitiveKind == nil,
           left.quantityValue == nil {
            return left.element.children == right.element.children
        }
        guard let left = a.systemValue, let right = b.systemValue else { return false }
        switch (left, right) {
        case (.string(let x), .string(let y)): return Self.normalised(x) == Self.normalised(y)
        case (.temporal(let x), .temporal(let y)):
            return FHIRPathDateTime.compare(x, y) == 0
        case (.quantity(let x), .quantity(let y)):
            guard let converted = y.value(in: x.unit) else { return false }
            let scale = min(x.value.scale, y.value.scale)
            return x.value.rounded(scale).value == FHIRPathDecimal(converted, scale: scale).rounded(scale).value
        default:
            if let x = decimalValue(left), let y = decimalValue(right) {
                let scale = min(x.scale, y.scale)
                return x.rounded(scale).value == y.rounded(scale).value
            }
            return itemsEqual(left, right) ?? false
        }
    }

    /// Strings are equivalent ignoring case and with whitespace runs collapsed (N1 §6.1.3).
    static func normalised(_ text: String) -> String {
        text.lowercased().split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }

    /// `in` and `contains`: membership by equality.
    func collection(_ items: Items, contains item: FHIRPathItem) -> Bool {
        items.contains { itemsEqual($0, item) == true }
    }

    /// Items without repeats (by equality), order kept: `|`, `union`, `distinct`.
    func distinctItems(_ items: Items) -> Items {
        var result: Items = []
        result.reserveCapacity(items.count)
        for item in items where !collection(result, contains: item) {
            result.append(item)
        }
        return result
    }
}
