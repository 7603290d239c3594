import FHIRCore

extension JSONResourceParser {
    /// Reads any JSON value the catalogue does not describe, for lenient mode: objects become
    /// nodes with children, arrays become repeated siblings, scalars keep their JSON form. It
    /// still enforces FHIR's JSON rules (no empty values, no nulls, no arrays of arrays).
    mutating func readUnknownValue(name: String, form: FHIRElement.Form, into state: inout ObjectState) throws(ParseStop) {
        let offset = position
        switch current {
        case UInt8(ascii: "["):
            guard !form.contains(.list) else {
                try error(.structure, "arrays of arrays are not FHIR", at: offset)
                try skipValue()
                return
            }
            guard try openContainer(isObject: false, at: offset) else { return }
            repeat {
                skipWhitespace()
                try readUnknownValue(name: name, form: form.union(.list), into: &state)
            } while try continueAfterItem(inObject: false)
            depth -= 1
        case UInt8(ascii: "{"):
            guard try openContainer(isObject: true, at: offset) else { return }
            var inner = ObjectState(childBase: scratch.count, keyBase: keyStack.count)
            var names: Set<String> = []
            while true {
                skipWhitespace()
                guard current == UInt8(ascii: "\"") else { try fail(.structure, "expected a property name in double quotes", at: position) }
                let keyOffset = position
                let key = makeString(try readString())
                try expect(UInt8(ascii: ":"), "':' after a property name")
                skipWhitespace()
                if names.insert(key).inserted {
                    try readUnknownValue(name: key, form: .unknown, into: &inner)
                } else {
                    try error(.structure, "a property appears twice in one object", at: keyOffset)
                    try skipValue()
                }
                guard try continueAfterItem(inObject: true) else { break }
            }
            depth -= 1
            let children = scratch.popArray(from: inner.childBase)
            positionStack.removeSubrange(inner.childBase...)
            append(FHIRElement(name: name, children: children, form: form), at: .max, to: &state)
        case UInt8(ascii: "\""):
            let token = try readString()
            if token.end == token.start && !token.escaped {
                try error(.value, FormatProblem.empty.message(for: .string), at: offset)
                return
            }
            append(FHIRElement(name: name, value: makeString(token), form: form.union(.primitive)), at: .max, to: &state)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            let range = try readNumber()
            let lexeme = String(decoding: UnsafeRawBufferPointer(rebasing: input[range]), as: UTF8.self)
            append(FHIRElement(name: name, value: lexeme, form: form.union([.primitive, .number])), at: .max, to: &state)
        default:
            switch try readLiteral() {
            case .null: try error(.structure, "null is not allowed here", at: offset)
            case .bareword: break
            case .true: append(FHIRElement(name: name, value: "true", form: form.union([.primitive, .boolean])), at: .max, to: &state)
            case .false: append(FHIRElement(name: name, value: "false", form: form.union([.primitive, .boolean])), at: .max, to: &state)
            }
        }
    }
}
