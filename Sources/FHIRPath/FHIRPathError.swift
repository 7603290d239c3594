/// A FHIRPath expression that does not parse: what went wrong and where.
///
/// The message names the construct (`unterminated string`, `expected ')'`), never the text of
/// string literals, so an expression built from patient data cannot leak it into logs.
public struct FHIRPathSyntaxError: Error, Sendable, Hashable, CustomStringConvertible {
    public let message: String
    /// UTF-8 offset into the expression.
    public let offset: Int
    /// 1-based line and column (in characters) of `offset`.
    public let line: Int
    public let column: Int

    public var description: String { "FHIRPath syntax error at \(line):\(column): \(message)" }
}

/// An expression that parsed but cannot be evaluated on this input: a type error, a collection
/// where a single item is needed, an unknown type or element (strict mode).
///
/// FHIRPath N1 §4 separates static (semantic) from run-time (execution) errors; this engine
/// finds most semantic errors only at run time, so `kind` says which the specification would call it.
public struct FHIRPathEvaluationError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable { case semantic, execution }
    public let kind: Kind
    /// Names functions, operators and types only; never data values.
    public let message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { "FHIRPath \(kind == .semantic ? "semantic" : "execution") error: \(message)" }
}

extension FHIRPathSyntaxError {
    /// Builds the error with line and column computed from the expression text.
    init(_ message: String, offset: Int, in text: [UInt8]) {
        var line = 1
        var column = 1
        var index = 0
        while index < min(offset, text.count) {
            if text[index] == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else if text[index] & 0xC0 != 0x80 {
                column += 1
            }
            index += 1
        }
        self.init(message: message, offset: offset, line: line, column: column)
    }
}
