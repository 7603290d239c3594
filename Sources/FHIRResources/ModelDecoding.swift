import FHIRCore

/// The helpers generated `init(node:)` bodies call, one per kind of member.
///
/// They do not throw: each records the first failure in the caller's `failure`, with its
/// FHIRPath step, and the initialiser throws once after its loop. A generated initialiser then
/// has one exit that cleans up its locals, where a `try` per member gave the optimizer dozens of
/// copies of that clean-up (most of a release build's time on this module). None is inlined,
/// for the same reason: one specialisation per type serves every owner's `switch`.
enum Decode {
    /// A node that must hold child elements, not a value or a resource.
    @inline(never)
    static func complex(_ node: FHIRElement) -> FHIRModelError? {
        if node.value != nil { return FHIRModelError(.valueOnComplexElement) }
        if node.resourceType != nil { return FHIRModelError(.resourceWhereElementExpected) }
        return nil
    }

    /// A node that must be a resource of `type`.
    @inline(never)
    static func resource(_ node: FHIRElement, _ type: String) -> FHIRModelError? {
        guard let found = node.resourceType else { return FHIRModelError(.notAResource) }
        guard found == type else { return FHIRModelError(.wrongResourceType(expected: type, found: found)) }
        if node.value != nil { return FHIRModelError(.valueOnComplexElement) }
        return nil
    }

    /// The model of one node; an error below gets `step`, or `step[index]` for an item of a
    /// repeating element. No string is built unless there is an error.
    @inline(never)
    static func value<T: NodeModel>(
        _ type: T.Type, _ node: FHIRElement, _ step: String, index: Int = -1, _ failure: inout FHIRModelError?
    ) -> T? {
        do throws(FHIRModelError) {
            return try T(node: node)
        } catch {
            failure = error.under(index < 0 ? step : "\(step)[\(index)]")
            return nil
        }
    }

    /// A member allowed once.
    @inline(never)
    static func one<T: NodeModel>(_ slot: inout T?, _ node: FHIRElement, _ step: String, _ failure: inout FHIRModelError?) {
        if slot != nil {
            failure = FHIRModelError(.repeated, at: step)
        } else {
            slot = value(T.self, node, step, &failure)
        }
    }

    /// One more item of a repeating member: `name[2]` in error paths.
    @inline(never)
    static func many<T: NodeModel>(_ list: inout [T], _ node: FHIRElement, _ step: String, _ failure: inout FHIRModelError?) {
        if let item = value(T.self, node, step, index: list.count, &failure) { list.append(item) }
    }

    /// One type of a `[x]` choice (`deceasedBoolean`): `make` is the enum case; errors below
    /// are under `typedStep` (`deceased.ofType(boolean)`).
    @inline(never)
    static func choice<T: NodeModel, Choice>(
        _ slot: inout Choice?, _ make: (T) -> Choice, _ node: FHIRElement, _ step: String, _ typedStep: String,
        _ failure: inout FHIRModelError?
    ) {
        if slot != nil {
            failure = FHIRModelError(.repeated, at: step)
        } else if let value = value(T.self, node, typedStep, &failure) {
            slot = make(value)
        }
    }

    /// `Element.id`, `Extension.url`: a value and nothing else.
    @inline(never)
    static func attribute(_ slot: inout String?, _ node: FHIRElement, _ step: String, _ failure: inout FHIRModelError?) {
        if slot != nil {
            failure = FHIRModelError(.repeated, at: step)
        } else if !node.children.isEmpty || node.resourceType != nil {
            failure = FHIRModelError(.childrenOnAttribute, at: step)
        } else {
            slot = node.value
        }
    }

    /// A required member after the loop: records its absence unless an earlier failure is kept.
    @inline(never)
    static func require<T>(_ slot: T?, _ step: String, _ failure: inout FHIRModelError?) {
        if slot == nil && failure == nil { failure = FHIRModelError(.missingRequired, at: step) }
    }

    @inline(never)
    static func require<T>(list: [T], _ step: String, _ failure: inout FHIRModelError?) {
        if list.isEmpty && failure == nil { failure = FHIRModelError(.missingRequired, at: step) }
    }

    /// A child the type does not define: kept when a lenient read marked it unknown content.
    @inline(never)
    static func unknown(_ unknown: inout [FHIRElement], _ node: FHIRElement, _ failure: inout FHIRModelError?) {
        if node.form.contains(.unknown) {
            unknown.append(node)
        } else {
            failure = FHIRModelError(.unexpectedElement, at: node.name)
        }
    }
}
