import FHIRCore

/// A primitive's own `id`, `extension` and unknown content, in one immutable box that a
/// primitive holds only when it has any of them (a `nil` costs no allocation).
///
/// Sendable because every stored property is an immutable Sendable value.
final class PrimitiveExtras: Sendable, Equatable {
    let id: String?
    let `extension`: [Extension]
    let unknown: [FHIRElement]

    private init(id: String?, extension: [Extension], unknown: [FHIRElement]) {
        self.id = id
        self.extension = `extension`
        self.unknown = unknown
    }

    /// A box, or `nil` when there is nothing to keep.
    static func make(id: String?, extension: [Extension], unknown: [FHIRElement]) -> PrimitiveExtras? {
        if id == nil && `extension`.isEmpty && unknown.isEmpty { return nil }
        return PrimitiveExtras(id: id, extension: `extension`, unknown: unknown)
    }

    @inline(never)
    static func == (lhs: PrimitiveExtras, rhs: PrimitiveExtras) -> Bool {
        lhs === rhs || (lhs.id == rhs.id && lhs.extension == rhs.extension && lhs.unknown == rhs.unknown)
    }
}
