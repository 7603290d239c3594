import Foundation

/// A query string as name/value pairs in order, percent- and `+`-decoded
/// (`application/x-www-form-urlencoded`, which is how FHIR search parameters are sent).
struct QueryParameters: Sendable {
    var items: [(name: String, value: String)]

    init(_ query: String?) {
        items = []
        guard let query, !query.isEmpty else { return }
        for part in query.split(separator: "&") where !part.isEmpty {
            let pair = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            items.append((Self.decode(pair[0]), pair.count > 1 ? Self.decode(pair[1]) : ""))
        }
    }

    init(items: [(name: String, value: String)]) {
        self.items = items
    }

    static func decode(_ text: Substring) -> String {
        let spaced = text.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }

    func first(_ name: String) -> String? {
        items.first { $0.name == name }?.value
    }

    func values(_ name: String) -> [String] {
        items.filter { $0.name == name }.map(\.value)
    }

    /// `name=value&…`, each part percent-encoded: what paging links carry.
    static func encode(_ items: [(name: String, value: String)]) -> String {
        items.map { encodeComponent($0.name) + "=" + encodeComponent($0.value) }.joined(separator: "&")
    }

    private static let unreserved = CharacterSet(charactersIn:
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~:/$")

    static func encodeComponent(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? text
    }
}
