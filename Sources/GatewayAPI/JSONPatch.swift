import Foundation

/// JSON Patch (RFC 6902) over a plain JSON tree, for `PATCH` with `application/json-patch+json`
/// (FHIR R4 http.html §3.1.0.6). The patched document is read again as FHIR and validated like
/// any update, so the patch needs no FHIR knowledge; numbers keep their text (`1.50` stays
/// `1.50`) and object members their order.
enum JSONPatch {
    struct Failure: Error {
        /// Which operation (`/2`), for the OperationOutcome; never a value from the document.
        let operation: Int?
        let message: String
    }

    static let maxOperations = 1000

    /// Applies the patch document `patch` to `document`.
    static func apply(_ patch: [UInt8], to document: [UInt8]) throws(Failure) -> [UInt8] {
        let operations: [JSONTree]
        do {
            guard case .array(let items) = try JSONTree.parse(patch) else {
                throw Failure(operation: nil, message: "a JSON Patch document is an array of operations")
            }
            operations = items
        } catch let error as Failure {
            throw error
        } catch {
            throw Failure(operation: nil, message: "the patch is not valid JSON")
        }
        guard operations.count <= maxOperations else { throw Failure(operation: nil, message: "the patch has too many operations") }
        var tree: JSONTree
        do {
            tree = try JSONTree.parse(document)
        } catch {
            throw Failure(operation: nil, message: "the stored resource could not be read for patching")
        }
        for (index, operation) in operations.enumerated() {
            do {
                try apply(operation, to: &tree)
            } catch let failure {
                throw Failure(operation: index, message: failure.message)
            }
        }
        return tree.serialized()
    }

    private static func apply(_ operation: JSONTree, to tree: inout JSONTree) throws(Failure) {
        guard case .object(let members) = operation, case .string(let op)? = members.first(where: { $0.key == "op" })?.value,
              case .string(let pathText)? = members.first(where: { $0.key == "path" })?.value
        else { throw Failure(operation: nil, message: "each operation needs an op and a path") }
        let path = try pointer(pathText)
        func member(_ name: String) -> JSONTree? { members.first { $0.key == name }?.value }
        switch op {
        case "add":
            guard let value = member("value") else { throw Failure(operation: nil, message: "add needs a value") }
            try tree.add(value, at: path[...])
        case "remove":
            _ = try tree.remove(at: path[...])
        case "replace":
            guard let value = member("value") else { throw Failure(operation: nil, message: "replace needs a value") }
            _ = try tree.remove(at: path[...])
            try tree.add(value, at: path[...])
        case "move", "copy":
            guard case .string(let fromText)? = member("from") else { throw Failure(operation: nil, message: "\(op) needs a from") }
            let from = try pointer(fromText)
            if op == "move", path.starts(with: from), path.count > from.count {
                throw Failure(operation: nil, message: "move cannot put a value inside itself")
            }
            let value = op == "move" ? try tree.remove(at: from[...]) : try tree.value(at: from[...])
            try tree.add(value, at: path[...])
        case "test":
            guard let value = member("value") else { throw Failure(operation: nil, message: "test needs a value") }
            guard try tree.value(at: path[...]) == value else { throw Failure(operation: nil, message: "test failed") }
        default:
            throw Failure(operation: nil, message: "unknown op (add, remove, replace, move, copy, test)")
        }
    }

    /// RFC 6901: `/a/b~1c` → ["a", "b/c"].
    private static func pointer(_ text: String) throws(Failure) -> [String] {
        if text.isEmpty { return [] }
        guard text.hasPrefix("/") else { throw Failure(operation: nil, message: "a path is a JSON Pointer starting with /") }
        return text.dropFirst().split(separator: "/", omittingEmptySubsequences: false).map {
            $0.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
        }
    }
}

extension JSONTree {
    func value(at path: ArraySlice<String>) throws(JSONPatch.Failure) -> JSONTree {
        guard let key = path.first else { return self }
        switch self {
        case .object(let members):
            guard let found = members.first(where: { $0.key == key }) else { throw JSONPatch.Failure(operation: nil, message: "the path does not exist") }
            return try found.value.value(at: path.dropFirst())
        case .array(let items):
            guard let index = Int(key), items.indices.contains(index) else { throw JSONPatch.Failure(operation: nil, message: "the path does not exist") }
            return try items[index].value(at: path.dropFirst())
        default:
            throw JSONPatch.Failure(operation: nil, message: "the path does not exist")
        }
    }

    mutating func add(_ value: JSONTree, at path: ArraySlice<String>) throws(JSONPatch.Failure) {
        guard let key = path.first else {
            self = value
            return
        }
        let last = path.count == 1
        switch self {
        case .object(var members):
            if let index = members.firstIndex(where: { $0.key == key }) {
                if last { members[index].value = value } else { try members[index].value.add(value, at: path.dropFirst()) }
            } else {
                guard last else { throw JSONPatch.Failure(operation: nil, message: "the path does not exist") }
                members.append((key, value))
            }
            self = .object(members)
        case .array(var items):
            if last {
                if key == "-" {
                    items.append(value)
                } else {
                    guard let index = Int(key), (0...items.count).contains(index) else {
                        throw JSONPatch.Failure(operation: nil, message: "the array index is out of range")
                    }
                    items.insert(value, at: index)
                }
            } else {
                guard let index = Int(key), items.indices.contains(index) else {
                    throw JSONPatch.Failure(operation: nil, message: "the path does not exist")
                }
                try items[index].add(value, at: path.dropFirst())
            }
            self = .array(items)
        default:
            throw JSONPatch.Failure(operation: nil, message: "the path does not exist")
        }
    }

    mutating func remove(at path: ArraySlice<String>) throws(JSONPatch.Failure) -> JSONTree {
        guard let key = path.first else { throw JSONPatch.Failure(operation: nil, message: "the whole document cannot be removed") }
        let last = path.count == 1
        switch self {
        case .object(var members):
            guard let index = members.firstIndex(where: { $0.key == key }) else {
                throw JSONPatch.Failure(operation: nil, message: "the path does not exist")
            }
            let removed: JSONTree
            if last { removed = members.remove(at: index).value } else { removed = try members[index].value.remove(at: path.dropFirst()) }
            self = .object(members)
            return removed
        case .array(var items):
            guard let index = Int(key), items.indices.contains(index) else {
                throw JSONPatch.Failure(operation: nil, message: "the path does not exist")
            }
            let removed: JSONTree
            if last { removed = items.remove(at: index) } else { removed = try items[index].remove(at: path.dropFirst()) }
            self = .array(items)
            return removed
        default:
            throw JSONPatch.Failure(operation: nil, message: "the path does not exist")
        }
    }
}
