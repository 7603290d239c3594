/// Boxes a property so a struct can contain itself (`Identifier.assigner` is a `Reference`,
/// whose `identifier` is an `Identifier`) and so a resource is a flat row of pointers rather
/// than a deep tree of inline structs: the generator marks every single-valued struct member
/// `@Indirect`.
@propertyWrapper
public struct Indirect<Value: Sendable & Equatable>: Sendable, Equatable {
    private indirect enum Storage: Sendable {
        case value(Value)
    }

    private var storage: Storage

    public init(wrappedValue: Value) {
        storage = .value(wrappedValue)
    }

    public var wrappedValue: Value {
        get {
            switch storage {
            case .value(let value): value
            }
        }
        set { storage = .value(newValue) }
    }

    // Not inlined: comparing a boxed value calls one specialisation per type, where
    // inlining would copy the whole comparison of everything below into every owner (and cost
    // the optimizer minutes over the generated models).
    @inline(never)
    public static func == (lhs: Indirect, rhs: Indirect) -> Bool {
        lhs.wrappedValue == rhs.wrappedValue
    }
}
